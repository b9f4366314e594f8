"""Consumer keys and accounts: asking for a key, its state and rights, the account, its senders."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.ovh_sms.ovhsms import (
    AccessDeniedError,
    AccessRule,
    ApiKeys,
    ApplicationKeyError,
    AuthenticationError,
    ConsumerKeyError,
    ConsumerKeyRequest,
    CredentialState,
    OvhApiClient,
    Sender,
    SenderStatus,
    SmsAccountInfo,
    SmsNotSentError,
    UnreadableAnswerError,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .conftest import (
    ACCOUNT,
    ACCOUNT_ANSWER,
    ACCOUNT_URL,
    API,
    APPLICATION_KEY,
    CONSUMER_KEY,
    SECRET,
    assert_no_secret,
    calls,
    make_client,
    signed,
    time_call,
)


async def test_request_consumer_key(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Unsigned POST /auth/credential with the rules and redirection; no clock asked."""
    aioclient_mock.post(
        f"{API}/auth/credential",
        json={
            "consumerKey": CONSUMER_KEY,
            "state": "pendingValidation",
            "validationUrl": "https://eu.api.ovh.com/auth/?credentialToken=abc",
        },
    )
    client = OvhApiClient(async_get_clientsession(hass), ApiKeys(APPLICATION_KEY, SECRET))
    request = await client.request_consumer_key(redirection="https://ha.example.org/done")
    assert request == ConsumerKeyRequest(
        consumer_key=CONSUMER_KEY,
        validation_url="https://eu.api.ovh.com/auth/?credentialToken=abc",
        state=CredentialState.PENDING,
    )
    assert calls(aioclient_mock) == [
        (
            "POST",
            f"{API}/auth/credential",
            (
                b'{"accessRules":[{"method":"GET","path":"/sms"},{"method":"GET","path":"/sms/*"},'
                b'{"method":"POST","path":"/sms/*/jobs"},{"method":"DELETE","path":"/sms/*/jobs/*"},'
                b'{"method":"DELETE","path":"/sms/*/incoming/*"},'
                b'{"method":"POST","path":"/sms/*/virtualNumbers/*/jobs"},'
                b'{"method":"DELETE","path":"/sms/*/virtualNumbers/*/incoming/*"},'
                b'{"method":"DELETE","path":"/sms/*/blacklists/*"}],'
                b'"redirection":"https://ha.example.org/done"}'
            ),
            {"X-Ovh-Application": APPLICATION_KEY, "Content-Type": "application/json"},
        )
    ]
    assert_no_secret(repr(request))
    assert repr(request) == (
        "ConsumerKeyRequest(validation_url='https://eu.api.ovh.com/auth/?credentialToken=abc', "
        "state=<CredentialState.PENDING: 'pendingValidation'>)"
    )


async def test_request_consumer_key_with_chosen_rules(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Without a redirection, none is sent; the rules are the caller's."""
    aioclient_mock.post(
        f"{API}/auth/credential",
        json={"consumerKey": "ck", "state": "validated", "validationUrl": "https://v"},
    )
    client = OvhApiClient(async_get_clientsession(hass), ApiKeys(APPLICATION_KEY, SECRET))
    request = await client.request_consumer_key(access_rules=[AccessRule("GET", "/sms")])
    assert request.state is CredentialState.VALIDATED
    assert calls(aioclient_mock)[0][2] == b'{"accessRules":[{"method":"GET","path":"/sms"}]}'


@pytest.mark.parametrize(
    "answer",
    [
        {"consumerKey": "ck", "validationUrl": "https://v"},
        {"consumerKey": "ck", "state": "odd", "validationUrl": "https://v"},
    ],
)
async def test_a_new_key_without_a_known_state_waits_for_validation(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, answer: dict[str, str]
) -> None:
    """OVH's state of a new key is pendingValidation; missing or odd, it is read so."""
    aioclient_mock.post(f"{API}/auth/credential", json=answer)
    client = OvhApiClient(async_get_clientsession(hass), ApiKeys(APPLICATION_KEY, SECRET))
    request = await client.request_consumer_key()
    assert (request.consumer_key, request.validation_url) == ("ck", "https://v")
    assert request.state is CredentialState.PENDING


@pytest.mark.parametrize(
    "answer",
    [
        {"consumerKey": 12, "state": "pendingValidation", "validationUrl": "https://v"},
        {"state": "pendingValidation", "validationUrl": "https://v"},
        ["ck"],
    ],
)
async def test_unreadable_consumer_key_answer(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, answer: Any
) -> None:
    """An answer without a key and a URL is unreadable; nothing was sent."""
    aioclient_mock.post(f"{API}/auth/credential", json=answer)
    client = OvhApiClient(async_get_clientsession(hass), ApiKeys(APPLICATION_KEY, SECRET))
    with pytest.raises(UnreadableAnswerError) as err:
        await client.request_consumer_key()
    assert str(err.value) == "OVH's answer to POST /auth/credential (HTTP 200) could not be read"
    assert (err.value.http_status, err.value.call) == (200, "POST /auth/credential")
    assert isinstance(err.value, SmsNotSentError)


async def test_consumer_key_refused_for_a_wrong_application_key(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """An unknown application key; OVH's message is kept, the secret blotted out."""
    aioclient_mock.post(
        f"{API}/auth/credential",
        status=403,
        json={"errorCode": "INVALID_KEY", "httpCode": "403 Forbidden", "message": f"Bad {SECRET}"},
    )
    client = OvhApiClient(async_get_clientsession(hass), ApiKeys(APPLICATION_KEY, SECRET))
    with pytest.raises(ApplicationKeyError) as err:
        await client.request_consumer_key()
    assert (err.value.status, err.value.reason) == (403, "Bad **********")
    assert str(err.value) == "OVH refused the SMS (status 403): Bad **********"


async def test_account(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """GET /sms/{name}: the credit kept exact, a missing description empty."""
    ovh.get(ACCOUNT_URL, json=ACCOUNT_ANSWER | {"creditsLeft": 0.1, "description": None})
    assert await client.account(ACCOUNT) == SmsAccountInfo(
        name=ACCOUNT, credits_left=Decimal("0.1"), description="", status="enable"
    )
    assert calls(ovh)[1:] == [signed("GET", ACCOUNT_URL)]


@pytest.mark.parametrize(
    "answer",
    [
        ACCOUNT_ANSWER | {"creditsLeft": "NaN"},
        {"description": "Home", "status": "enable"},
        [ACCOUNT],
        "",
    ],
)
async def test_unreadable_account(
    client: OvhApiClient, ovh: AiohttpClientMocker, answer: Any
) -> None:
    """An account without a readable credit cannot be read."""
    if answer == "":
        ovh.get(ACCOUNT_URL, text="")
    else:
        ovh.get(ACCOUNT_URL, json=answer)
    with pytest.raises(UnreadableAnswerError) as err:
        await client.account(ACCOUNT)
    assert str(err.value) == f"OVH's answer to GET /sms/{ACCOUNT} (HTTP 200) could not be read"


@pytest.mark.parametrize("answer", [{"services": [ACCOUNT]}, [ACCOUNT, 12]])
async def test_unreadable_account_list(
    client: OvhApiClient, ovh: AiohttpClientMocker, answer: Any
) -> None:
    """GET /sms must answer a list of names."""
    ovh.get(f"{API}/sms", json=answer)
    with pytest.raises(UnreadableAnswerError) as err:
        await client.sms_accounts()
    assert err.value.call == "GET /sms"


async def test_senders(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Each listed sender is read, its name URL-encoded in the URL sent and signed."""
    senders = f"{API}/sms/{ACCOUNT}/senders"
    ovh.get(senders, json=["HomeAlarm", "+33612345678", "Old"])
    ovh.get(
        f"{senders}/HomeAlarm",
        json={"sender": "HomeAlarm", "status": "enable", "type": "alpha", "comment": "Alarm"},
    )
    ovh.get(
        URL(f"{senders}/%2B33612345678", encoded=True),
        json={"sender": "+33612345678", "status": "waitingValidation", "type": "numeric"},
    )
    ovh.get(
        f"{senders}/Old",
        json={"status": "blocked", "type": None, "comment": None},
    )
    result = await client.senders(ACCOUNT)
    assert result == (
        Sender("HomeAlarm", "enable", "alpha", "Alarm"),
        Sender("+33612345678", "waitingValidation", "numeric", ""),
        Sender("Old", "blocked", "", ""),
    )
    assert [sender.enabled for sender in result] == [True, False, False]
    assert SenderStatus("waitingValidation") is SenderStatus.WAITING_VALIDATION
    assert sorted(calls(ovh)[1:]) == sorted(
        [
            signed("GET", senders),
            signed("GET", f"{senders}/HomeAlarm"),
            signed("GET", f"{senders}/%2B33612345678"),
            signed("GET", f"{senders}/Old"),
        ]
    )


async def test_no_sender(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """An account without senders: one list, nothing else read."""
    ovh.get(f"{API}/sms/{ACCOUNT}/senders", json=[])
    assert await client.senders(ACCOUNT) == ()
    assert ovh.call_count == 2


async def test_senders_read_a_few_at_a_time(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """Never more than max_in_flight reads of senders at once."""
    in_flight = peak = 0

    async def answer(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight -= 1
        return AiohttpClientMockResponse(method, url, json={"status": "enable"})

    names = [f"Sender{n}" for n in range(6)]
    ovh.get(f"{API}/sms/{ACCOUNT}/senders", json=names)
    for name in names:
        ovh.get(f"{API}/sms/{ACCOUNT}/senders/{name}", side_effect=answer)
    result = await make_client(hass, max_in_flight=2).senders(ACCOUNT)
    assert [sender.name for sender in result] == names
    assert peak == 2


async def test_a_failed_sender_read_raises_its_error(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """The first failure is raised as itself, not in an exception group."""
    ovh.get(f"{API}/sms/{ACCOUNT}/senders", json=["A", "B"])
    ovh.get(f"{API}/sms/{ACCOUNT}/senders/A", json={"status": "enable"})
    ovh.get(f"{API}/sms/{ACCOUNT}/senders/B", json={"status": 1})
    with pytest.raises(UnreadableAnswerError) as err:
        await client.senders(ACCOUNT)
    assert err.value.call == f"GET /sms/{ACCOUNT}/senders/B"


@pytest.mark.parametrize("state", list(CredentialState))
async def test_credential_state(
    client: OvhApiClient, ovh: AiohttpClientMocker, state: CredentialState
) -> None:
    """GET /auth/currentCredential, signed, tells the state."""
    ovh.get(f"{API}/auth/currentCredential", json={"status": state.value, "rules": []})
    assert await client.credential_state() is state
    assert calls(ovh)[1:] == [signed("GET", f"{API}/auth/currentCredential")]


async def test_credential_refused_is_a_consumer_key_error(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """A pending, expired or revoked key: OVH answers INVALID_CREDENTIAL; the caller decides."""
    ovh.get(
        f"{API}/auth/currentCredential",
        status=403,
        json={
            "errorCode": "INVALID_CREDENTIAL",
            "httpCode": "403 Forbidden",
            "message": "This credential is not valid",
        },
    )
    with pytest.raises(ConsumerKeyError) as err:
        await client.credential_state()
    assert (err.value.status, err.value.reason) == (403, "This credential is not valid")
    assert isinstance(err.value, AuthenticationError)
    assert ovh.call_count == 2


async def test_credential_state_without_its_rule(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """If the key may not read its state, reading the accounts proves it validated."""
    ovh.get(
        f"{API}/auth/currentCredential",
        status=403,
        json={"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"},
    )
    ovh.get(f"{API}/sms", json=[ACCOUNT])
    assert await client.credential_state() is CredentialState.VALIDATED
    assert calls(ovh) == [
        time_call(),
        signed("GET", f"{API}/auth/currentCredential"),
        signed("GET", f"{API}/sms"),
    ]


async def test_credential_state_without_any_right(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """If the accounts cannot be read either, that refusal is raised, naming its rule."""
    refusal = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}
    ovh.get(f"{API}/auth/currentCredential", status=403, json=refusal)
    ovh.get(f"{API}/sms", status=403, json=refusal)
    with pytest.raises(AccessDeniedError) as err:
        await client.credential_state()
    assert (err.value.rule, err.value.status) == ("GET /sms", 403)
