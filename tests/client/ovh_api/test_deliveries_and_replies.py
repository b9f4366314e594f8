"""The OVHcloud API client: signed calls, the exact requests OVH receives, its answers, failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
import json
import logging
from typing import Any
from unittest.mock import Mock

import aiohttp
from aiohttp import web
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.ovh_sms.ovhsms import (
    ACCESS_RULES,
    API_BATCH_SIZE,
    API_MAX_IN_FLIGHT,
    CREATE_APP_URL,
    CREATE_TOKEN_URL,
    DEFAULT_API_ENDPOINT,
    AccessDeniedError,
    AccessRule,
    AccountNotFoundError,
    ApiKeys,
    ApplicationKeyError,
    AuthenticationError,
    ConsumerKeyError,
    ConsumerKeyRequest,
    CredentialState,
    DeliveryReport,
    DeliveryStatus,
    EndpointCredentialsError,
    InsecureEndpointError,
    InsufficientCreditError,
    InvalidEndpointError,
    InvalidParameterError,
    OutcomeUnknownError,
    OvhApiClient,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
    PartialSendError,
    Priority,
    QueryOutOfTimeError,
    RateLimitedError,
    RecipientsRefusedError,
    Reply,
    ReplyNotFoundError,
    Sender,
    SenderNotFoundError,
    SenderStatus,
    Sms,
    SmsAccountInfo,
    SmsClass,
    SmsCoding,
    SmsNotFoundError,
    SmsNotSentError,
    SmsRefusedError,
    UnreadableAnswerError,
    build_sms,
    job_body,
    sign,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

API = DEFAULT_API_ENDPOINT
ACCOUNT = "sms-ab1234-1"
APPLICATION_KEY = "AkAppKey7x2Q"
# Distinctive fakes: no text the client logs or raises may ever contain them.
SECRET = "As-S3cr3t-Vq8Zt1Lm0Xw4Rk9P"  # noqa: S105
CONSUMER_KEY = "Ck-C0nsum3r-Jh5Yb2Nd7Gs3Fq6"
KEYS = ApiKeys(APPLICATION_KEY, SECRET, CONSUMER_KEY)
ALICE = "0033612345678"
BOB = "0033698765432"
CAROL = "0033755443322"
# The client's clock: 2026-07-01 12:00:00.75 UTC; OVH's clock is 42 s ahead.
LOCAL_TIME = 1_782_907_200.75
SERVER_TIME = 1_782_907_242
TIMESTAMP = 1_782_907_242
NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
JOBS = f"{API}/sms/{ACCOUNT}/jobs"
ACCOUNT_URL = f"{API}/sms/{ACCOUNT}"
ACCEPTED = {
    "ids": [26929925],
    "validReceivers": ["+33612345678"],
    "invalidReceivers": [],
    "totalCreditsRemoved": 1,
    "creditsLeft": 1987.5,
}
ACCOUNT_ANSWER = {
    "name": ACCOUNT,
    "creditsLeft": 1986.5,
    "creditsHoldByQuota": 0,
    "description": "Home",
    "status": "enable",
}
SEND_RULE = "POST /sms/*/jobs"
READ_RULE = "GET /sms/*"

# What a call carries: method, URL, body bytes, headers.
Call = tuple[str, str, bytes | None, dict[str, str]]


class Clock:
    """The client's clock, set by the test."""

    def __init__(self, now: float = LOCAL_TIME) -> None:
        """Start at now."""
        self.now = now

    def __call__(self) -> float:
        """Tell the time."""
        return self.now


def sms(message: str = "Leak in the kitchen", **kwargs: Any) -> Sms:
    """Build an SMS to Alice with the given options."""
    kwargs.setdefault("now", NOW)
    return build_sms(kwargs.pop("recipients", [ALICE]), message, **kwargs)


def calls(aioclient_mock: AiohttpClientMocker) -> list[Call]:
    """Return every call made, in order, with its URL as sent."""
    return [
        (method.upper(), str(url), data, dict(headers or {}))
        for method, url, data, headers in aioclient_mock.mock_calls
    ]


def time_call() -> Call:
    """Return the unsigned GET /auth/time the client makes once."""
    return ("GET", f"{API}/auth/time", None, {"X-Ovh-Application": APPLICATION_KEY})


def signed(method: str, url: str, body: bytes | None = None, timestamp: int = TIMESTAMP) -> Call:
    """Return a signed call as OVH must receive it, its signature computed here."""
    headers = {
        "X-Ovh-Application": APPLICATION_KEY,
        "X-Ovh-Consumer": CONSUMER_KEY,
        "X-Ovh-Timestamp": str(timestamp),
        "X-Ovh-Signature": sign(
            SECRET, CONSUMER_KEY, method, url, (body or b"").decode(), timestamp
        ),
    }
    if body is not None:
        headers["Content-Type"] = "application/json"
    return (method, url, body, headers)


def compact(body: dict[str, Any]) -> bytes:
    """Return the JSON bytes OVH receives for this body."""
    return json.dumps(body, separators=(",", ":")).encode()


def job(*receivers: str, **fields: Any) -> dict[str, Any]:
    """Return a job's body for the default SMS to these receivers, with these fields on top."""
    return {
        "message": "Leak in the kitchen",
        "receivers": list(receivers),
        "noStopClause": True,
        "priority": "high",
        "charset": "UTF-8",
        "senderForResponse": True,
    } | fields


def assert_no_secret(*texts: str) -> None:
    """Neither the application secret nor the consumer key shows in any of these texts."""
    for text in texts:
        assert SECRET not in text
        assert CONSUMER_KEY not in text


@pytest.fixture
def clock() -> Clock:
    """Return the clock the client reads."""
    return Clock()


@pytest.fixture
def ovh(aioclient_mock: AiohttpClientMocker) -> AiohttpClientMocker:
    """OVH with its clock answering; each test adds the answers it needs."""
    aioclient_mock.get(f"{API}/auth/time", text=str(SERVER_TIME))
    return aioclient_mock


@pytest.fixture
def client(hass: HomeAssistant, ovh: AiohttpClientMocker, clock: Clock) -> OvhApiClient:
    """Return a client on Home Assistant's session, which aioclient_mock answers."""
    return OvhApiClient(async_get_clientsession(hass), KEYS, clock=clock, monotonic=clock)


def make_client(hass: HomeAssistant, clock: Clock | None = None, **kwargs: Any) -> OvhApiClient:
    """Return a client on the mocked session with these options."""
    clock = clock or Clock()
    kwargs.setdefault("monotonic", clock)
    return OvhApiClient(async_get_clientsession(hass), KEYS, clock=clock, **kwargs)


# --- signing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "body", "signature"),
    [
        ("GET", "", "$1$e9556054b6309771395efa467c22e627407461ad"),
        ("POST", '{"a":"b","c":"d"}', "$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1"),
        ("PUT", '{"a":"b","c":"d"}', "$1$8a75a9e7c8e7296c9dbeda6a2a735eb6bd58ec4b"),
        ("DELETE", "", "$1$a1eecd00b3b02b6cf5708b84b9ff42059a950d85"),
    ],
)
def test_signature_vectors(method: str, body: str, signature: str) -> None:
    """python-ovh's published vectors; the method is signed upper case."""
    args = ("9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk", "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY")
    url = "https://eu.api.ovh.com/1.0/auth"
    assert sign(*args, method, url, body, 1457018875) == signature
    assert sign(*args, method.lower(), url, body, 1457018875) == signature


def test_rules_and_pages() -> None:
    """The rights asked for, as OVH writes them, and the pages that create the keys."""
    assert [str(rule) for rule in ACCESS_RULES] == [
        "GET /sms",
        "GET /sms/*",
        "POST /sms/*/jobs",
        "DELETE /sms/*/jobs/*",
        "DELETE /sms/*/incoming/*",
    ]
    assert ACCESS_RULES[2] == AccessRule("POST", "/sms/*/jobs")
    page = CREATE_TOKEN_URL
    assert page == (
        "https://eu.api.ovh.com/createToken/?GET=/sms&GET=/sms/*&POST=/sms/*/jobs"
        "&DELETE=/sms/*/jobs/*&DELETE=/sms/*/incoming/*"
    )
    assert CREATE_APP_URL == "https://eu.api.ovh.com/createApp/"
    assert DEFAULT_API_ENDPOINT == "https://eu.api.ovh.com/1.0"
    assert (API_BATCH_SIZE, API_MAX_IN_FLIGHT) == (50, 2)


# --- consumer key ---------------------------------------------------------------------


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
                b'{"method":"DELETE","path":"/sms/*/incoming/*"}],'
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


# --- signed calls and OVH's clock -----------------------------------------------------


async def test_signed_call_headers_and_clock(
    client: OvhApiClient, ovh: AiohttpClientMocker, clock: Clock
) -> None:
    """OVH's time is asked once, unsigned; each signed call is stamped on OVH's clock.

    The stamp is OVH's time as read plus the whole seconds elapsed since.
    """
    ovh.get(f"{API}/sms", json=[ACCOUNT, "sms-cd5678-2"])
    assert await client.sms_accounts() == (ACCOUNT, "sms-cd5678-2")
    clock.now += 100.5
    assert await client.sms_accounts() == (ACCOUNT, "sms-cd5678-2")
    assert calls(ovh) == [
        time_call(),
        signed("GET", f"{API}/sms"),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 100),
    ]
    _, url, _, headers = calls(ovh)[1]
    assert headers["X-Ovh-Signature"] == sign(
        SECRET, CONSUMER_KEY, "GET", url, "", int(headers["X-Ovh-Timestamp"])
    )


async def test_clock_asked_once_for_concurrent_calls(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """Two first calls at once still ask OVH's time once."""
    ovh.get(f"{API}/sms", json=[ACCOUNT])
    ovh.get(ACCOUNT_URL, json=ACCOUNT_ANSWER)
    await asyncio.gather(client.sms_accounts(), client.account(ACCOUNT))
    assert [url for _, url, _, _ in calls(ovh)].count(f"{API}/auth/time") == 1
    assert ovh.call_count == 3


@pytest.mark.parametrize("answer", ["true", '"1782907242"', "17829072.5", "soon"])
async def test_unreadable_clock(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, answer: str
) -> None:
    """OVH's time must be a bare integer; else nothing is sent, and it is asked again."""
    aioclient_mock.get(f"{API}/auth/time", text=answer)
    client = make_client(hass)
    for _ in range(2):
        with pytest.raises(UnreadableAnswerError) as err:
            await client.sms_accounts()
        assert str(err.value) == "OVH's answer to GET /auth/time (HTTP 200) could not be read"
    assert calls(aioclient_mock) == [time_call(), time_call()]


async def test_clock_unreachable_sends_nothing(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """When OVH's time cannot be had, the job is never posted."""
    aioclient_mock.get(
        f"{API}/auth/time", exc=aiohttp.ClientConnectorError(Mock(), OSError("refused"))
    )
    aioclient_mock.post(JOBS, json=ACCEPTED)
    with pytest.raises(OvhConnectionError) as err:
        await make_client(hass).send(ACCOUNT, sms())
    assert str(err.value) == f"Could not connect to {API}: ClientConnectorError"
    assert calls(aioclient_mock) == [time_call()]


OUT_OF_TIME = {
    "errorCode": "QUERY_TIME_OUT",
    "httpCode": "400 Bad Request",
    "message": "Query out of time",
}


class Ovh:
    """OVH with its own clock: it refuses a timestamp more than 180 s away from it."""

    def __init__(self, aioclient_mock: AiohttpClientMocker, answer: object) -> None:
        """Answer /auth/time from its clock, and every other call with answer when in time."""
        self.mock = aioclient_mock
        self.clock = Clock(SERVER_TIME)
        self.answer = answer
        self.refusal = OUT_OF_TIME
        aioclient_mock.get(f"{API}/auth/time", side_effect=self.time)

    async def time(self, method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        """Tell OVH's time."""
        return AiohttpClientMockResponse(method, url, text=str(int(self.clock())))

    async def call(self, method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        """Check the call's timestamp against OVH's clock, then answer (letting others run)."""
        headers = self.mock.mock_calls[-1][3]
        await asyncio.sleep(0)
        if abs(int(headers["X-Ovh-Timestamp"]) - self.clock()) > 180:
            return AiohttpClientMockResponse(method, url, status=400, json=self.refusal)
        return AiohttpClientMockResponse(method, url, json=self.answer)


@pytest.fixture
def monotonic() -> Clock:
    """Return the monotonic clock the client reads: it counts seconds, never jumps."""
    return Clock(1000.0)


async def test_a_correction_of_the_wall_clock_changes_no_timestamp(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """Home Assistant's clock set an hour forward after start: the stamps stay on OVH's time."""
    wall = Clock()
    aioclient_mock.get(f"{API}/auth/time", text=str(SERVER_TIME))
    aioclient_mock.get(f"{API}/sms", json=[ACCOUNT])
    client = make_client(hass, wall, monotonic=monotonic)
    await client.sms_accounts()
    wall.now += 3600
    monotonic.now += 30
    await client.sms_accounts()
    assert calls(aioclient_mock) == [
        time_call(),
        signed("GET", f"{API}/sms"),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 30),
    ]


@pytest.mark.parametrize(
    "refusal",
    [OUT_OF_TIME, {"message": "Query out of time"}],
    ids=["error code", "message only"],
)
async def test_a_refused_timestamp_reads_ovh_time_again_and_sends_once_more(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    monotonic: Clock,
    refusal: dict[str, Any],
) -> None:
    """OVH's clock moved away (a suspend, a step at OVH): refused, OVH's time read, sent once."""
    ovh = Ovh(aioclient_mock, ACCEPTED)
    ovh.refusal = refusal
    aioclient_mock.post(JOBS, side_effect=ovh.call)
    client = make_client(hass, monotonic=monotonic)
    await client.send(ACCOUNT, sms())
    ovh.clock.now += 7200
    monotonic.now += 60
    result = await client.send(ACCOUNT, sms())
    assert result.sms_ids == ("26929925",)
    body = compact(job(ALICE))
    assert calls(aioclient_mock) == [
        time_call(),
        signed("POST", JOBS, body),
        signed("POST", JOBS, body, timestamp=TIMESTAMP + 60),
        time_call(),
        signed("POST", JOBS, body, timestamp=TIMESTAMP + 7200),
    ]


async def test_a_timestamp_refused_twice_is_made_no_third_time(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """OVH refuses even the stamp on its time read anew: the error says so; nothing was sent."""
    aioclient_mock.get(f"{API}/auth/time", text=str(SERVER_TIME))
    aioclient_mock.post(JOBS, status=400, json=OUT_OF_TIME)
    with pytest.raises(QueryOutOfTimeError) as err:
        await make_client(hass, monotonic=monotonic).send(ACCOUNT, sms())
    assert isinstance(err.value, SmsNotSentError)
    assert str(err.value) == "OVH refused the call's timestamp (status 400): Query out of time"
    body = compact(job(ALICE))
    assert calls(aioclient_mock) == [
        time_call(),
        signed("POST", JOBS, body),
        time_call(),
        signed("POST", JOBS, body),
    ]


async def test_ovh_time_is_read_again_after_an_hour(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """Within the hour OVH's time read is used; older, it is read again before the call."""
    ovh = Ovh(aioclient_mock, [ACCOUNT])
    aioclient_mock.get(f"{API}/sms", side_effect=ovh.call)
    client = make_client(hass, monotonic=monotonic)
    await client.sms_accounts()
    ovh.clock.now += 3605  # OVH's clock runs 5 s faster than this machine's
    monotonic.now += 3600
    await client.sms_accounts()
    monotonic.now += 1
    ovh.clock.now += 1
    await client.sms_accounts()
    assert calls(aioclient_mock) == [
        time_call(),
        signed("GET", f"{API}/sms"),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 3600),
        time_call(),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 3606),
    ]


async def test_calls_refused_together_read_ovh_time_once(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """Two calls refused at once: the first reads OVH's time again, the second uses it."""
    ovh = Ovh(aioclient_mock, ACCOUNT_ANSWER)
    aioclient_mock.get(ACCOUNT_URL, side_effect=ovh.call)
    client = make_client(hass, monotonic=monotonic)
    await client.account(ACCOUNT)
    ovh.clock.now += 7200
    await asyncio.gather(client.account(ACCOUNT), client.account(ACCOUNT))
    stamps = [headers.get("X-Ovh-Timestamp") for _, _, _, headers in calls(aioclient_mock)]
    before, after = str(TIMESTAMP), str(TIMESTAMP + 7200)
    assert stamps == [None, before, before, before, None, after, after]


# --- reads ----------------------------------------------------------------------------


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


# --- sending --------------------------------------------------------------------------


async def test_full_job(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Every option reaches OVH as its field; the signature covers the exact bytes sent."""
    ovh.post(JOBS, json=ACCEPTED)
    result = await client.send(
        ACCOUNT,
        sms(
            "Alarm!\nFront door é",
            recipients=["+33 6 12 34 56 78", "06 98 76 54 32"],
            sender="HomeAlarm",
            sms_class=SmsClass.FLASH,
            coding=SmsCoding.UCS2,
            no_stop=False,
            deferred=NOW + timedelta(hours=2),
            tag="alarm",
            validity_minutes=120,
            default_region="FR",
        ),
        priority=Priority.VERY_LOW,
    )
    body = (
        b'{"message":"Alarm!\\rFront door \\u00e9",'
        b'"receivers":["0033612345678","0033698765432"],"noStopClause":false,'
        b'"priority":"veryLow","charset":"UTF-8","sender":"HomeAlarm","differedPeriod":120,'
        b'"tag":"alarm","validityPeriod":120,"class":"flash","coding":"8bit"}'
    )
    assert calls(ovh) == [time_call(), signed("POST", JOBS, body)]
    _, url, sent, headers = calls(ovh)[1]
    assert headers["X-Ovh-Signature"] == sign(
        SECRET, CONSUMER_KEY, "POST", url, (sent or b"").decode(), TIMESTAMP
    )
    assert result.sms_ids == ("26929925",)
    assert result.credits_left == Decimal("1987.5")
    assert result.recipients == (ALICE, BOB)
    assert (result.requests, result.segments) == (1, 1)
    assert result.deferred == NOW + timedelta(hours=2)
    assert result.credits_removed == Decimal(1)


async def test_plain_job_and_credit_read_after(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """No sender: senderForResponse; no class, coding, tag or delay; the credit read after."""
    ovh.post(JOBS, json={"ids": [1], "validReceivers": ["+33612345678"], "invalidReceivers": []})
    ovh.get(ACCOUNT_URL, json=ACCOUNT_ANSWER)
    result = await client.send(ACCOUNT, sms(sms_class=SmsClass.PHONE))
    assert calls(ovh) == [
        time_call(),
        signed("POST", JOBS, compact(job(ALICE))),
        signed("GET", ACCOUNT_URL),
    ]
    assert (result.sms_ids, result.credits_left) == (("1",), Decimal("1986.5"))
    assert result.credits_removed is None  # OVH did not tell


@pytest.mark.parametrize(
    "read_failure",
    [
        {"status": 500, "text": "oops"},
        {"exc": aiohttp.ServerDisconnectedError()},
        {"status": 403, "json": {"errorCode": "NOT_GRANTED_CALL", "message": "no"}},
        {"json": {"creditsLeft": "lots"}},
    ],
)
async def test_credit_read_failure_never_fails_a_sent_sms(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    read_failure: dict[str, Any],
) -> None:
    """The SMS went out: if the credit cannot be read after, it is unknown, no error."""
    ovh.post(JOBS, json={"ids": [1]})
    ovh.get(ACCOUNT_URL, **read_failure)
    result = await client.send(ACCOUNT, sms())
    assert (result.sms_ids, result.recipients, result.credits_left) == (("1",), (ALICE,), None)
    assert ovh.call_count == 3


@pytest.mark.parametrize(
    ("sms_class", "coding", "fields"),
    [
        (SmsClass.SIM, SmsCoding.GSM7, {"class": "sim", "coding": "7bit"}),
        (SmsClass.TOOLKIT, None, {"class": "toolkit"}),
        (SmsClass.PHONE, SmsCoding.UCS2, {"coding": "8bit"}),
        (None, None, {}),
    ],
)
def test_class_and_coding_only_when_set(
    sms_class: SmsClass | None, coding: SmsCoding | None, fields: dict[str, str]
) -> None:
    """Class only when set and not PHONE; coding only when the caller forced it."""
    built = sms(sms_class=sms_class, coding=coding)
    assert built.coding_forced is (coding is not None)
    assert job_body(built, [ALICE], now=LOCAL_TIME) == job(ALICE, **fields)


@pytest.mark.parametrize(
    ("delay", "minutes"),
    [
        (timedelta(seconds=1), 1),
        (timedelta(seconds=59, microseconds=250_000), 1),
        (timedelta(minutes=1), 1),
        (timedelta(minutes=1, seconds=1), 2),
        (timedelta(hours=24), 1440),
        (timedelta(hours=24, seconds=1), 1441),
    ],
)
def test_delay_rounded_up_to_whole_minutes(delay: timedelta, minutes: int) -> None:
    """The delay counts from the client's clock (12:00:00.75), rounded up: never early."""
    built = Sms(recipients=(ALICE,), message=sms().message, deferred=NOW + delay)
    assert job_body(built, [ALICE], now=LOCAL_TIME)["differedPeriod"] == minutes


@pytest.mark.parametrize(("elapsed", "minutes"), [(0, 5), (120, 3), (299, 1)])
def test_delay_exact_minutes(elapsed: int, minutes: int) -> None:
    """A delay of whole minutes is that many minutes, not one more."""
    built = Sms(recipients=(ALICE,), message=sms().message, deferred=NOW + timedelta(minutes=5))
    assert job_body(built, [ALICE], now=NOW.timestamp() + elapsed)["differedPeriod"] == minutes


def test_deferred_time_already_reached_sends_at_once() -> None:
    """A deferred time passed while sending: no delay field, OVH sends at once."""
    built = Sms(recipients=(ALICE,), message=sms().message, deferred=NOW)
    assert job_body(built, [ALICE], now=LOCAL_TIME) == job(ALICE)


@given(st.integers(min_value=1, max_value=10_000_000), st.integers(0, 999_999))
def test_delay_property(seconds: int, microseconds: int) -> None:
    """The SMS never leaves before its time, and at most a minute after it."""
    delay = timedelta(seconds=seconds, microseconds=microseconds)
    built = Sms(recipients=(ALICE,), message=sms().message, deferred=NOW + delay)
    minutes = job_body(built, [ALICE], now=NOW.timestamp())["differedPeriod"]
    assert timedelta(minutes=minutes) >= delay > timedelta(minutes=minutes - 1)


async def test_batches_of_receivers(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """One job per batch; the credit is the lowest answered, the cost the sum; one clock read."""
    answers = iter([(3, [1, 2]), (1, [5]), (2, [3, 4])])

    async def answer(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        credit, ids = next(answers)
        return AiohttpClientMockResponse(
            method,
            url,
            json={
                "ids": ids,
                "invalidReceivers": [],
                "creditsLeft": credit,
                "totalCreditsRemoved": len(ids),
            },
        )

    ovh.post(JOBS, side_effect=answer)
    numbers = [f"00336{n:08d}" for n in range(5)]
    result = await make_client(hass, batch_size=2).send(ACCOUNT, sms(recipients=numbers))
    assert [json.loads(data or b"")["receivers"] for _, _, data, _ in calls(ovh)[1:]] == [
        numbers[0:2],
        numbers[2:4],
        numbers[4:5],
    ]
    assert calls(ovh)[0] == time_call()
    assert ovh.call_count == 4
    assert (result.requests, result.credits_left) == (3, Decimal(1))
    assert result.credits_removed == Decimal(5)
    assert result.sms_ids == ("1", "2", "5", "3", "4")


async def test_some_receivers_refused(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Numbers in invalidReceivers (any written form) did not get it: a partial send."""
    ovh.post(
        JOBS,
        json={
            "ids": [7],
            "validReceivers": ["+33612345678"],
            "invalidReceivers": ["+33698765432", "0033755443322"],
        },
    )
    ovh.get(ACCOUNT_URL, json=ACCOUNT_ANSWER)
    with pytest.raises(PartialSendError) as err:
        await client.send(ACCOUNT, sms(recipients=[ALICE, BOB, CAROL]))
    assert err.value.sent.recipients == (ALICE,)
    assert err.value.sent.sms_ids == ("7",)
    assert err.value.sent.credits_left == Decimal("1986.5")
    assert (err.value.not_sent, err.value.unknown) == ((BOB, CAROL), ())
    cause = err.value.cause
    assert isinstance(cause, RecipientsRefusedError)
    assert cause.recipients == (BOB, CAROL)
    assert (cause.status, cause.reason) == (200, f"Invalid receivers: {BOB}, {CAROL}")
    assert str(cause) == f"OVH refused 2 recipient(s), the SMS was not sent to them: {BOB}, {CAROL}"
    assert str(err.value) == (
        f"1 of 3 recipients got the SMS; not sent to 2, outcome unknown for 0: {cause}"
    )
    assert (cause.stops_sending, isinstance(cause, SmsRefusedError)) == (False, True)


async def test_every_receiver_refused(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """All numbers refused: the refusal itself, and no credit read (nothing was sent)."""
    ovh.post(JOBS, json={"ids": [], "invalidReceivers": ["0033612345678"]})
    with pytest.raises(RecipientsRefusedError) as err:
        await client.send(ACCOUNT, sms())
    assert err.value.recipients == (ALICE,)
    assert ovh.call_count == 2


async def test_refusals_of_several_batches_are_named_together(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """One RecipientsRefusedError names the refused numbers of every batch, in order."""

    async def answer(method: str, url: Any, data: bytes) -> AiohttpClientMockResponse:
        receivers = json.loads(data)["receivers"]
        refused = [] if receivers == [BOB] else receivers
        return AiohttpClientMockResponse(
            method, url, json={"ids": [1], "invalidReceivers": refused, "creditsLeft": 5}
        )

    ovh.post(JOBS, side_effect=answer)
    client = make_client(hass, batch_size=1, max_in_flight=1)
    with pytest.raises(PartialSendError) as err:
        await client.send(ACCOUNT, sms(recipients=[ALICE, BOB, CAROL]))
    assert err.value.sent.recipients == (BOB,)
    assert err.value.sent.credits_left == Decimal(5)
    assert err.value.not_sent == (ALICE, CAROL)
    assert isinstance(err.value.cause, RecipientsRefusedError)
    assert err.value.cause.recipients == (ALICE, CAROL)
    assert ovh.call_count == 4


async def test_all_refused_over_batches(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """Every batch refused its numbers and nothing else failed: one refusal naming all."""

    async def answer(method: str, url: Any, data: bytes) -> AiohttpClientMockResponse:
        receivers = json.loads(data)["receivers"]
        return AiohttpClientMockResponse(
            method, url, json={"ids": [], "invalidReceivers": receivers}
        )

    ovh.post(JOBS, side_effect=answer)
    client = make_client(hass, batch_size=1, max_in_flight=1)
    with pytest.raises(RecipientsRefusedError) as err:
        await client.send(ACCOUNT, sms(recipients=[ALICE, BOB]))
    assert err.value.recipients == (ALICE, BOB)


@pytest.mark.parametrize(
    ("unreachable", "cause"), [(ALICE, OvhConnectionError), (BOB, RecipientsRefusedError)]
)
async def test_refused_numbers_rank_as_their_first_batch(
    hass: HomeAssistant,
    ovh: AiohttpClientMocker,
    unreachable: str,
    cause: type[OvhSmsError],
) -> None:
    """One batch not reached, one whose number was refused: the earlier batch's is the cause."""

    async def answer(method: str, url: Any, data: bytes) -> AiohttpClientMockResponse:
        receivers = json.loads(data)["receivers"]
        if receivers == [unreachable]:
            raise aiohttp.ClientConnectorError(Mock(), OSError("refused"))
        return AiohttpClientMockResponse(
            method, url, json={"ids": [], "invalidReceivers": receivers}
        )

    ovh.post(JOBS, side_effect=answer)
    client = make_client(hass, batch_size=1, max_in_flight=1)
    with pytest.raises(OvhSmsError) as err:
        await client.send(ACCOUNT, sms(recipients=[ALICE, BOB]))
    assert type(err.value) is cause
    assert ovh.call_count == 3


async def test_unknown_invalid_receiver_is_logged(
    client: OvhApiClient, ovh: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused number that was not ours refuses none of ours; it is logged."""
    ovh.post(JOBS, json=ACCEPTED | {"invalidReceivers": ["+44 7911 123456"]})
    result = await client.send(ACCOUNT, sms())
    assert result.recipients == (ALICE,)
    assert "OVH refused numbers that were not sent to it: ['447911123456']" in caplog.text


async def test_partial_send_with_the_credit_told(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """When an answer told the credit, a partial send reads nothing more."""

    async def answer(method: str, url: Any, data: bytes) -> AiohttpClientMockResponse:
        if json.loads(data)["receivers"] == [ALICE]:
            return AiohttpClientMockResponse(method, url, json=ACCEPTED)
        return AiohttpClientMockResponse(
            method, url, status=400, json={"message": "Invalid receivers"}
        )

    ovh.post(JOBS, side_effect=answer)
    with pytest.raises(PartialSendError) as err:
        await make_client(hass, batch_size=1).send(ACCOUNT, sms(recipients=[ALICE, BOB]))
    assert err.value.sent.credits_left == Decimal("1987.5")
    assert type(err.value.cause) is InvalidParameterError
    assert ovh.call_count == 3


async def test_partial_send_where_nobody_got_it(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """Not sent to some, unknown for others: nothing surely sent, so no credit read."""

    async def answer(method: str, url: Any, data: bytes) -> AiohttpClientMockResponse:
        status = 503 if json.loads(data)["receivers"] == [ALICE] else 409
        return AiohttpClientMockResponse(method, url, status=status, json={"message": "no"})

    ovh.post(JOBS, side_effect=answer)
    with pytest.raises(PartialSendError) as err:
        await make_client(hass, batch_size=1).send(ACCOUNT, sms(recipients=[ALICE, BOB]))
    assert (err.value.sent.recipients, err.value.sent.credits_left) == ((), None)
    assert (err.value.unknown, err.value.not_sent) == ((ALICE,), (BOB,))
    assert ovh.call_count == 3


# --- failures -------------------------------------------------------------------------


def refusal(status: int, **answer: Any) -> dict[str, Any]:
    """Return the mock of an HTTP refusal with this JSON answer."""
    return {"status": status, "json": answer}


@pytest.mark.parametrize(
    ("mock", "error", "reason"),
    [
        (refusal(400, errorCode="INVALID_SIGNATURE"), ApplicationKeyError, "no reason given"),
        (refusal(403, errorCode="INVALID_KEY", message="Invalid key"), ApplicationKeyError, None),
        (
            refusal(403, errorCode="INVALID_CREDENTIAL", message="This credential is not valid"),
            ConsumerKeyError,
            None,
        ),
        (refusal(403, errorCode="NOT_CREDENTIAL", message="Not linked"), ConsumerKeyError, None),
        (
            refusal(403, errorCode="NOT_GRANTED_CALL", message="This call has not been granted"),
            AccessDeniedError,
            None,
        ),
        (refusal(404, message="This service does not exist"), AccountNotFoundError, None),
        (refusal(429, message="Too many requests"), RateLimitedError, None),
        (refusal(400, message="The sender HomeAlarm does not exist"), SenderNotFoundError, None),
        (refusal(400, message="Not enough credits"), InsufficientCreditError, None),
        (refusal(400, message=" Invalid receivers "), InvalidParameterError, "Invalid receivers"),
        (
            {"status": 400, "text": "<html>Bad Request</html>"},
            InvalidParameterError,
            "no reason given",
        ),
        (refusal(409, errorCode=3, message=4), SmsRefusedError, "no reason given"),
        ({"status": 403, "json": ["NOT_GRANTED_CALL"]}, SmsRefusedError, "no reason given"),
    ],
)
async def test_job_refusals(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[SmsRefusedError],
    reason: str | None,
) -> None:
    """Each errorCode and status has its error, with OVH's status and message; one request."""
    ovh.post(JOBS, **mock)
    with pytest.raises(SmsRefusedError) as err:
        await client.send(ACCOUNT, sms())
    status, reason = mock["status"], reason or mock["json"]["message"]
    assert type(err.value) is error
    assert (err.value.status, err.value.reason) == (status, reason)
    assert str(err.value) == f"OVH refused the SMS (status {status}): {reason}"
    assert err.value.stops_sending is (error not in {InvalidParameterError, SmsRefusedError})
    if isinstance(err.value, AccessDeniedError):
        assert err.value.rule == SEND_RULE
    if isinstance(err.value, AccountNotFoundError):
        assert err.value.account == ACCOUNT
    assert ovh.call_count == 2
    assert_no_secret(str(err.value), repr(err.value))


def test_refusal_fields_and_families() -> None:
    """The rule, the account and what stops a send."""
    denied = AccessDeniedError(403, "no", SEND_RULE)
    missing = AccountNotFoundError(404, "gone", ACCOUNT)
    assert (denied.rule, missing.account) == (SEND_RULE, ACCOUNT)
    assert all(
        error.stops_sending
        for error in (
            denied,
            missing,
            RateLimitedError(429, "slow"),
            ApplicationKeyError(400, "bad"),
            ConsumerKeyError(403, "bad"),
        )
    )
    assert issubclass(ApplicationKeyError, AuthenticationError)
    assert issubclass(ConsumerKeyError, AuthenticationError)


async def test_access_denied_names_the_rule(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """NOT_GRANTED_CALL keeps the rule each call needed."""
    denied = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}
    ovh.post(JOBS, status=403, json=denied)
    ovh.get(ACCOUNT_URL, status=403, json=denied)
    ovh.get(f"{API}/sms/{ACCOUNT}/senders", status=403, json=denied)
    rules = []
    for call in (
        client.send(ACCOUNT, sms()),
        client.account(ACCOUNT),
        client.senders(ACCOUNT),
    ):
        with pytest.raises(AccessDeniedError) as err:
            await call
        rules.append(err.value.rule)
    assert rules == [SEND_RULE, READ_RULE, READ_RULE]


async def test_not_found(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A 404 about an account names it; a 404 of GET /sms (a region without SMS) does not."""
    ovh.get(ACCOUNT_URL, status=404, json={"message": "This service does not exist"})
    ovh.get(f"{API}/sms", status=404, json={"message": "Got an invalid (or empty) URL"})
    with pytest.raises(AccountNotFoundError) as err:
        await client.account(ACCOUNT)
    assert (err.value.account, err.value.reason) == (ACCOUNT, "This service does not exist")
    with pytest.raises(SmsRefusedError) as refused:
        await client.sms_accounts()
    assert type(refused.value) is SmsRefusedError
    assert refused.value.status == 404


async def test_a_bad_request_of_a_read_is_no_sender_error(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """Only a job's 400 speaks of senders and credit."""
    ovh.get(ACCOUNT_URL, status=400, json={"message": "Invalid sender"})
    with pytest.raises(SmsRefusedError) as err:
        await client.account(ACCOUNT)
    assert type(err.value) is SmsRefusedError


@pytest.mark.parametrize(
    ("mock", "error", "text"),
    [
        ({"status": 503, "text": "Service Unavailable"}, OvhServerError, None),
        ({"status": 500, "text": "<html>Internal Server Error</html>"}, OvhServerError, None),
        ({"status": 302, "text": ""}, OvhHttpError, "OVH answered HTTP 302"),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            OvhConnectionError,
            f"Could not connect to {API}: ClientConnectorError",
        ),
        (
            {"exc": aiohttp.ConnectionTimeoutError()},
            OvhConnectionError,
            f"Could not connect to {API}: ConnectionTimeoutError",
        ),
        (
            {"exc": aiohttp.ServerDisconnectedError()},
            OutcomeUnknownError,
            (
                "The connection to OVH failed after the request was sent "
                "(ServerDisconnectedError); the SMS may have been sent"
            ),
        ),
        ({"exc": aiohttp.ClientPayloadError("truncated")}, OutcomeUnknownError, None),
        ({"exc": aiohttp.SocketTimeoutError()}, OutcomeUnknownError, None),
        ({"exc": TimeoutError()}, OutcomeUnknownError, None),
        (
            {"text": '{"ids":[1],"invalidRec'},
            OutcomeUnknownError,
            "OVH's answer could not be read; the SMS may have been sent",
        ),
        ({"json": [1]}, OutcomeUnknownError, None),
        ({"json": {"ids": 1}}, OutcomeUnknownError, None),
        ({"json": {"ids": [1], "invalidReceivers": "x"}}, OutcomeUnknownError, None),
        ({"status": 204, "text": ""}, OutcomeUnknownError, None),
    ],
)
async def test_job_failures_are_never_retried(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[OvhSmsError],
    text: str | None,
) -> None:
    """Each failure of a job has its error, and exactly one job went out."""
    ovh.post(JOBS, **mock)
    with pytest.raises(OvhSmsError) as err:
        await client.send(ACCOUNT, sms())
    assert type(err.value) is error
    if error is OvhServerError:
        status = mock["status"]
        assert str(err.value) == f"OVH answered HTTP {status}; the SMS may have been sent"
    elif text is not None:
        assert str(err.value) == text
    assert [method for method, *_ in calls(ovh)] == ["GET", "POST"]
    assert_no_secret(str(err.value), repr(err.value))


@pytest.mark.parametrize(
    ("mock", "error", "text"),
    [
        ({"status": 503, "text": "Service Unavailable"}, OvhHttpError, "OVH answered HTTP 503"),
        ({"status": 301, "text": ""}, OvhHttpError, "OVH answered HTTP 301"),
        (
            {"exc": aiohttp.ServerDisconnectedError()},
            OvhConnectionError,
            f"The connection to OVH failed during GET /sms/{ACCOUNT} (ServerDisconnectedError)",
        ),
        (
            {"exc": TimeoutError()},
            OvhConnectionError,
            f"The connection to OVH failed during GET /sms/{ACCOUNT} (TimeoutError)",
        ),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            OvhConnectionError,
            f"Could not connect to {API}: ClientConnectorError",
        ),
    ],
)
async def test_read_failures_sent_nothing(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[SmsNotSentError],
    text: str,
) -> None:
    """A read sends no SMS: its failures after the request left are still nothing sent."""
    ovh.get(ACCOUNT_URL, **mock)
    with pytest.raises(SmsNotSentError) as err:
        await client.account(ACCOUNT)
    assert (type(err.value), str(err.value)) == (error, text)


# --- delivery reports, replies, cancelling -------------------------------------------

SMS_ID = "26929925"
OUTGOING_URL = f"{API}/sms/{ACCOUNT}/outgoing/{SMS_ID}"
JOB_URL = f"{JOBS}/{SMS_ID}"
INCOMING = f"{API}/sms/{ACCOUNT}/incoming"
REPLY_ID = "20000001"
REPLY_URL = f"{INCOMING}/{REPLY_ID}"
CANCEL_RULE = "DELETE /sms/*/jobs/*"
DELETE_REPLY_RULE = "DELETE /sms/*/incoming/*"
NO_OBJECT = {"message": f"The requested object (id = {SMS_ID}) does not exist"}
NO_SERVICE = {"message": "This service does not exist"}
NO_SMS_TEXT = f"OVH has no pending SMS {SMS_ID}: it was already sent, cancelled, or never existed"
DENIED = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}
OUTGOING_ANSWER = {
    "id": 26929925,
    "creationDatetime": "2026-07-01T14:00:00+02:00",
    "sentAt": "2026-07-01T14:00:01+02:00",
    "deliveredAt": "2026-07-01T14:00:09+02:00",
    "receiver": "+33612345678",
    "sender": "",
    "message": "Leak in the kitchen",
    "numberOfSms": 1,
    "credits": 1,
    "tag": "",
    "deliveryReceipt": 1,
    "ptt": 4,
    "differedDelivery": 0,
}
DELIVERED = DeliveryReport(
    sms_id=SMS_ID,
    receiver=ALICE,
    status=DeliveryStatus.DELIVERED,
    ptt=4,
    delivery_receipt=1,
    description="delivered",
    sent_at=NOW + timedelta(seconds=1),
    delivered_at=NOW + timedelta(seconds=9),
)
WAITING = DeliveryReport(
    sms_id=SMS_ID,
    receiver=ALICE,
    status=DeliveryStatus.PENDING,
    ptt=None,
    delivery_receipt=None,
    description="waiting to be sent",
    sent_at=None,
    delivered_at=None,
)
JOB_ANSWER = OUTGOING_ANSWER | {
    "sentAt": None,
    "deliveredAt": None,
    "deliveryReceipt": 0,
    "ptt": 0,
    "differedDelivery": 60,
}
INCOMING_ANSWER = {
    "id": 20000001,
    "creationDatetime": "2026-07-01T14:05:00+02:00",
    "sender": "+33612345678",
    "message": "Valve closed",
    "tag": "leak",
    "credits": 1,
}


async def test_delivery_of_a_sent_sms(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """GET /sms/{account}/outgoing/{id}, signed; the report read from it."""
    ovh.get(OUTGOING_URL, json=OUTGOING_ANSWER)
    assert await client.delivery(ACCOUNT, SMS_ID) == DELIVERED
    assert calls(ovh) == [time_call(), signed("GET", OUTGOING_URL)]


async def test_delivery_of_a_pending_job(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Not in /outgoing: the pending job, pending whatever its codes say."""
    ovh.get(OUTGOING_URL, status=404, json=NO_OBJECT)
    ovh.get(JOB_URL, json=JOB_ANSWER)
    assert await client.delivery(ACCOUNT, SMS_ID) == WAITING
    assert calls(ovh)[1:] == [signed("GET", OUTGOING_URL), signed("GET", JOB_URL)]


async def test_delivery_of_an_sms_sent_between_the_reads(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """Not in /outgoing, no longer in /jobs: /outgoing read once more finds it."""
    answers = iter([(404, NO_OBJECT), (200, OUTGOING_ANSWER)])

    async def outgoing(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        status, answer = next(answers)
        return AiohttpClientMockResponse(method, url, status=status, json=answer)

    ovh.get(OUTGOING_URL, side_effect=outgoing)
    ovh.get(JOB_URL, status=404, json=NO_OBJECT)
    assert await client.delivery(ACCOUNT, SMS_ID) == DELIVERED
    assert calls(ovh)[1:] == [
        signed("GET", OUTGOING_URL),
        signed("GET", JOB_URL),
        signed("GET", OUTGOING_URL),
    ]


async def test_delivery_of_an_unknown_sms(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Neither sent nor pending: SmsNotFoundError naming the id, not an unknown account."""
    ovh.get(OUTGOING_URL, status=404, json=NO_OBJECT)
    ovh.get(JOB_URL, status=404, text="")
    with pytest.raises(SmsNotFoundError) as err:
        await client.delivery(ACCOUNT, SMS_ID)
    assert type(err.value) is SmsNotFoundError
    assert not isinstance(err.value, (AccountNotFoundError, SmsNotSentError))
    assert (err.value.sms_id, str(err.value)) == (SMS_ID, NO_SMS_TEXT)
    assert [url for _, url, _, _ in calls(ovh)[1:]] == [OUTGOING_URL, JOB_URL, OUTGOING_URL]


@pytest.mark.parametrize(
    "message", ["This service does not exist", f"The requested object (serviceName = {ACCOUNT})"]
)
async def test_delivery_in_an_unknown_account(
    client: OvhApiClient, ovh: AiohttpClientMocker, message: str
) -> None:
    """A 404 naming the service is the account's: AccountNotFoundError, no job read."""
    ovh.get(OUTGOING_URL, status=404, json={"message": message})
    with pytest.raises(AccountNotFoundError) as err:
        await client.delivery(ACCOUNT, SMS_ID)
    assert (err.value.account, err.value.reason) == (ACCOUNT, message)
    assert ovh.call_count == 2


async def test_delivery_of_a_job_in_an_unknown_account(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """The account vanished between the reads: AccountNotFoundError from /jobs."""
    ovh.get(OUTGOING_URL, status=404, json=NO_OBJECT)
    ovh.get(JOB_URL, status=404, json=NO_SERVICE)
    with pytest.raises(AccountNotFoundError):
        await client.delivery(ACCOUNT, SMS_ID)
    assert ovh.call_count == 3


@pytest.mark.parametrize("sms_id", ["", "..", "12/34", "+33", "1.5", "٣", " 7"])
async def test_ids_that_are_not_numbers_are_never_sent(
    client: OvhApiClient, ovh: AiohttpClientMocker, sms_id: str
) -> None:
    """OVH's ids are integers: another id names nothing, and no request is made."""
    with pytest.raises(SmsNotFoundError) as err:
        await client.delivery(ACCOUNT, sms_id)
    assert err.value.sms_id == sms_id
    with pytest.raises(SmsNotFoundError):
        await client.cancel(ACCOUNT, sms_id)
    with pytest.raises(ReplyNotFoundError) as missing:
        await client.reply(ACCOUNT, sms_id)
    assert missing.value.reply_id == sms_id
    await client.delete_reply(ACCOUNT, sms_id)
    assert ovh.call_count == 0


@pytest.mark.parametrize("answer", [[OUTGOING_ANSWER], "26929925", None])
async def test_unreadable_delivery(
    client: OvhApiClient, ovh: AiohttpClientMocker, answer: Any
) -> None:
    """An answer that is not an object: UnreadableAnswerError naming the call."""
    ovh.get(OUTGOING_URL, json=answer)
    with pytest.raises(UnreadableAnswerError) as err:
        await client.delivery(ACCOUNT, SMS_ID)
    assert err.value.call == f"GET /sms/{ACCOUNT}/outgoing/{SMS_ID}"


async def test_deliveries(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Each id its report or its own error, in the order given; an id given twice read once."""
    ovh.get(OUTGOING_URL, json=OUTGOING_ANSWER)
    ovh.get(f"{API}/sms/{ACCOUNT}/outgoing/2", status=404, json=NO_OBJECT)
    ovh.get(f"{JOBS}/2", status=404, json=NO_OBJECT)
    ovh.get(f"{API}/sms/{ACCOUNT}/outgoing/3", json=[])
    ovh.get(f"{API}/sms/{ACCOUNT}/outgoing/4", exc=aiohttp.ServerDisconnectedError())
    results = await client.deliveries(ACCOUNT, ["2", SMS_ID, "3", "x", "4", SMS_ID])
    assert list(results) == ["2", SMS_ID, "3", "x", "4"]
    assert results[SMS_ID] == DELIVERED
    assert [type(results[key]) for key in ("2", "3", "x", "4")] == [
        SmsNotFoundError,
        UnreadableAnswerError,
        SmsNotFoundError,
        OvhConnectionError,
    ]
    assert str(results["4"]) == (
        f"The connection to OVH failed during GET /sms/{ACCOUNT}/outgoing/4 "
        "(ServerDisconnectedError)"
    )
    assert ovh.call_count == 1 + 1 + 3 + 1 + 1


async def test_no_deliveries_asked(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """No id, no request."""
    assert await client.deliveries(ACCOUNT, []) == {}
    assert ovh.call_count == 0


async def test_deliveries_read_a_few_at_a_time(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """Never more than max_in_flight reads at once."""
    in_flight = peak = 0

    async def answer(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight -= 1
        return AiohttpClientMockResponse(method, url, json=OUTGOING_ANSWER)

    ids = [str(n) for n in range(1, 7)]
    for sms_id in ids:
        ovh.get(f"{API}/sms/{ACCOUNT}/outgoing/{sms_id}", side_effect=answer)
    results = await make_client(hass, max_in_flight=3).deliveries(ACCOUNT, ids)
    assert [report.sms_id for report in results.values()] == ids  # type: ignore[union-attr]
    assert peak == 3


@pytest.mark.parametrize(
    ("mock", "error"),
    [
        ({"status": 403, "json": DENIED}, AccessDeniedError),
        ({"status": 403, "json": {"errorCode": "INVALID_CREDENTIAL"}}, ConsumerKeyError),
        ({"status": 404, "json": NO_SERVICE}, AccountNotFoundError),
        ({"status": 429, "json": {"message": "Too many requests"}}, RateLimitedError),
    ],
)
async def test_deliveries_stop_when_no_read_can_pass(
    hass: HomeAssistant, ovh: AiohttpClientMocker, mock: dict[str, Any], error: type[Exception]
) -> None:
    """After a failure every read would have, the other ids get it without a request."""
    ovh.get(f"{API}/sms/{ACCOUNT}/outgoing/1", **mock)
    results = await make_client(hass, max_in_flight=1).deliveries(ACCOUNT, ["1", "2", "3"])
    assert type(results["1"]) is error
    assert results["2"] is results["1"]
    assert results["3"] is results["1"]
    assert ovh.call_count == 2


@pytest.mark.parametrize("answer", ["null", "", "<html>OK</html>"])
async def test_cancel(client: OvhApiClient, ovh: AiohttpClientMocker, answer: str) -> None:
    """DELETE /sms/{account}/jobs/{id}, signed over an empty body; OVH's void not read."""
    ovh.delete(JOB_URL, text=answer)
    await client.cancel(ACCOUNT, SMS_ID)
    assert calls(ovh) == [time_call(), signed("DELETE", JOB_URL)]


async def test_cancel_too_late(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """No such pending job (sent, cancelled, never there): SmsNotFoundError, one request."""
    ovh.delete(JOB_URL, status=404, json=NO_OBJECT)
    with pytest.raises(SmsNotFoundError) as err:
        await client.cancel(ACCOUNT, SMS_ID)
    assert (type(err.value), err.value.sms_id, str(err.value)) == (
        SmsNotFoundError,
        SMS_ID,
        NO_SMS_TEXT,
    )
    assert ovh.call_count == 2


async def test_cancel_in_an_unknown_account(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A 404 naming the service stays the account's."""
    ovh.delete(JOB_URL, status=404, json=NO_SERVICE)
    with pytest.raises(AccountNotFoundError) as err:
        await client.cancel(ACCOUNT, SMS_ID)
    assert err.value.account == ACCOUNT


@pytest.mark.parametrize(
    ("mock", "error", "text"),
    [
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            OvhConnectionError,
            f"Could not connect to {API}: ClientConnectorError",
        ),
        (
            {"exc": aiohttp.ConnectionTimeoutError()},
            OvhConnectionError,
            f"Could not connect to {API}: ConnectionTimeoutError",
        ),
        (
            {"exc": aiohttp.ServerDisconnectedError()},
            OutcomeUnknownError,
            (
                "The connection to OVH failed after the request was sent "
                "(ServerDisconnectedError); the cancel may have been done"
            ),
        ),
        (
            {"exc": TimeoutError()},
            OutcomeUnknownError,
            (
                "The connection to OVH failed after the request was sent "
                "(TimeoutError); the cancel may have been done"
            ),
        ),
        (
            {"status": 503, "text": "Service Unavailable"},
            OutcomeUnknownError,
            "OVH answered HTTP 503; the cancel may have been done",
        ),
        ({"status": 302, "text": ""}, OvhHttpError, "OVH answered HTTP 302"),
        (
            {"status": 400, "json": {"message": "Invalid sender: job already sent"}},
            SmsRefusedError,
            "OVH refused the SMS (status 400): Invalid sender: job already sent",
        ),
    ],
)
async def test_cancel_failures(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[OvhSmsError],
    text: str,
) -> None:
    """Before the request left: nothing cancelled; after: unknown, and never an SMS sent."""
    ovh.delete(JOB_URL, **mock)
    with pytest.raises(OvhSmsError) as err:
        await client.cancel(ACCOUNT, SMS_ID)
    assert (type(err.value), str(err.value)) == (error, text)
    assert ovh.call_count == 2


async def test_reply_ids(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """GET /sms/{account}/incoming: the ids as strings, in OVH's order."""
    ovh.get(INCOMING, json=[20000002, 20000001, "20000003"])
    assert await client.reply_ids(ACCOUNT) == ("20000002", "20000001", "20000003")
    assert calls(ovh)[1:] == [signed("GET", INCOMING)]


@pytest.mark.parametrize("answer", [{"ids": [1]}, [1, True], [1, None], [1.5], "1"])
async def test_unreadable_reply_ids(
    client: OvhApiClient, ovh: AiohttpClientMocker, answer: Any
) -> None:
    """Not a list of ids: UnreadableAnswerError."""
    ovh.get(INCOMING, json=answer)
    with pytest.raises(UnreadableAnswerError) as err:
        await client.reply_ids(ACCOUNT)
    assert err.value.call == f"GET /sms/{ACCOUNT}/incoming"


async def test_reply_ids_of_an_unknown_account(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """The list's 404 is the account's."""
    ovh.get(INCOMING, status=404, json=NO_SERVICE)
    with pytest.raises(AccountNotFoundError):
        await client.reply_ids(ACCOUNT)


async def test_reply(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """GET /sms/{account}/incoming/{id}: the sender in the 00 form, the tag answered."""
    ovh.get(REPLY_URL, json=INCOMING_ANSWER)
    assert await client.reply(ACCOUNT, REPLY_ID) == Reply(
        reply_id=REPLY_ID,
        sender=ALICE,
        message="Valve closed",
        tag="leak",
        received_at=NOW + timedelta(minutes=5),
    )
    assert calls(ovh)[1:] == [signed("GET", REPLY_URL)]


async def test_reply_not_found(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """An unknown reply: ReplyNotFoundError, not an unknown account."""
    ovh.get(REPLY_URL, status=404, json=NO_OBJECT)
    with pytest.raises(ReplyNotFoundError) as err:
        await client.reply(ACCOUNT, REPLY_ID)
    assert (type(err.value), err.value.reply_id, str(err.value)) == (
        ReplyNotFoundError,
        REPLY_ID,
        f"OVH has no reply {REPLY_ID}: it was deleted, or never existed",
    )


async def test_unreadable_reply(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A reply without its sender: UnreadableAnswerError."""
    ovh.get(REPLY_URL, json={"message": "Valve closed"})
    with pytest.raises(UnreadableAnswerError):
        await client.reply(ACCOUNT, REPLY_ID)


async def test_delete_reply(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """DELETE /sms/{account}/incoming/{id}, signed over an empty body."""
    ovh.delete(REPLY_URL, text="null")
    await client.delete_reply(ACCOUNT, REPLY_ID)
    assert calls(ovh) == [time_call(), signed("DELETE", REPLY_URL)]


async def test_delete_a_reply_already_gone(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A 404 about the reply: nothing to do, no error; one about the account is raised."""
    ovh.delete(REPLY_URL, status=404, json=NO_OBJECT)
    await client.delete_reply(ACCOUNT, REPLY_ID)
    assert ovh.call_count == 2
    ovh.clear_requests()
    ovh.delete(REPLY_URL, status=404, json=NO_SERVICE)
    with pytest.raises(AccountNotFoundError):
        await client.delete_reply(ACCOUNT, REPLY_ID)


@pytest.mark.parametrize(
    ("mock", "error", "text"),
    [
        (
            {"exc": aiohttp.ServerDisconnectedError()},
            OvhConnectionError,
            (
                f"The connection to OVH failed during DELETE /sms/{ACCOUNT}/incoming/{REPLY_ID} "
                "(ServerDisconnectedError)"
            ),
        ),
        ({"status": 503, "text": ""}, OvhHttpError, "OVH answered HTTP 503"),
    ],
)
async def test_delete_reply_failures_are_safe_to_retry(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[OvhSmsError],
    text: str,
) -> None:
    """Deleting again is harmless: a lost answer is a read's failure, not an unknown outcome."""
    ovh.delete(REPLY_URL, **mock)
    with pytest.raises(OvhSmsError) as err:
        await client.delete_reply(ACCOUNT, REPLY_ID)
    assert (type(err.value), str(err.value)) == (error, text)


async def test_each_new_call_names_its_rule(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """NOT_GRANTED_CALL keeps the rule each call needed."""
    for method, url in (
        (ovh.get, OUTGOING_URL),
        (ovh.delete, JOB_URL),
        (ovh.get, INCOMING),
        (ovh.get, REPLY_URL),
        (ovh.delete, REPLY_URL),
    ):
        method(url, status=403, json=DENIED)
    rules = []
    for call in (
        client.delivery(ACCOUNT, SMS_ID),
        client.cancel(ACCOUNT, SMS_ID),
        client.reply_ids(ACCOUNT),
        client.reply(ACCOUNT, REPLY_ID),
        client.delete_reply(ACCOUNT, REPLY_ID),
    ):
        with pytest.raises(AccessDeniedError) as err:
            await call
        rules.append(err.value.rule)
    assert rules == [READ_RULE, CANCEL_RULE, READ_RULE, READ_RULE, DELETE_REPLY_RULE]
    assert [str(rule) for rule in ACCESS_RULES][3:] == [CANCEL_RULE, DELETE_REPLY_RULE]
    results = await client.deliveries(ACCOUNT, [SMS_ID])
    assert isinstance(results[SMS_ID], AccessDeniedError)
    assert results[SMS_ID].rule == READ_RULE  # type: ignore[union-attr]


async def test_no_secret_in_the_new_errors(
    client: OvhApiClient, ovh: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """Not in the errors of the new calls, not in their logs, even when OVH echoes the keys."""
    caplog.set_level(logging.DEBUG)
    echo = {"message": f"{CONSUMER_KEY} of {SECRET} does not exist (id = {SMS_ID})"}
    ovh.get(OUTGOING_URL, status=404, json=echo)
    ovh.get(JOB_URL, status=403, json=DENIED | echo)
    ovh.delete(JOB_URL, exc=aiohttp.ServerDisconnectedError())
    ovh.get(REPLY_URL, status=404, json=echo)
    ovh.delete(REPLY_URL, status=404, json=echo)
    ovh.get(INCOMING, status=429, json=echo)
    errors: list[BaseException] = []
    for call in (
        client.delivery(ACCOUNT, SMS_ID),
        client.cancel(ACCOUNT, SMS_ID),
        client.reply(ACCOUNT, REPLY_ID),
        client.reply_ids(ACCOUNT),
    ):
        with pytest.raises(OvhSmsError) as err:
            await call
        errors.append(err.value)
    await client.delete_reply(ACCOUNT, REPLY_ID)
    errors.extend((await client.deliveries(ACCOUNT, [SMS_ID])).values())  # type: ignore[arg-type]
    assert [type(error) for error in errors] == [
        AccessDeniedError,
        OutcomeUnknownError,
        ReplyNotFoundError,
        RateLimitedError,
        AccessDeniedError,
    ]
    assert errors[0].reason == "********** of ********** does not exist (id = 26929925)"  # type: ignore[attr-defined]
    texts = [text for error in errors for text in (str(error), repr(error))]
    assert_no_secret(caplog.text, *texts)


# --- the client -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "kept"),
    [
        ("https://eu.api.ovh.com/1.0/", API),
        (" https://EU.api.ovh.com/1.0 ", API),
        ("http://127.0.0.1:8080/1.0/", "http://127.0.0.1:8080/1.0"),
        ("http://localhost:8080", "http://localhost:8080"),
    ],
)
def test_endpoints_kept(endpoint: str, kept: str) -> None:
    """Kept as sent on the wire, without a trailing /."""
    assert OvhApiClient(Mock(), KEYS, endpoint=endpoint).endpoint == kept


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("http://eu.api.ovh.com/1.0", InsecureEndpointError),
        ("https://user:hunter2@eu.api.ovh.com/1.0", EndpointCredentialsError),
        ("https://eu.api.ovh.com/1.0?region=eu", InvalidEndpointError),
        ("https://eu.api.ovh.com/1.0#top", InvalidEndpointError),
        ("ftp://eu.api.ovh.com/1.0", InvalidEndpointError),
    ],
)
def test_endpoints_refused(endpoint: str, error: type[InvalidEndpointError]) -> None:
    """Where the keys would travel in clear or show with the URL, or a path cannot follow."""
    with pytest.raises(InvalidEndpointError) as err:
        OvhApiClient(Mock(), KEYS, endpoint=endpoint)
    assert type(err.value) is error
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize("sizes", [{"batch_size": 0}, {"max_in_flight": 0}])
def test_a_client_that_could_never_send_is_refused(sizes: dict[str, Any]) -> None:
    """Batches of nobody, or no request ever in flight, are programming errors."""
    with pytest.raises(ValueError, match="at least 1"):
        OvhApiClient(Mock(), KEYS, **sizes)


async def test_secrets_never_shown(
    client: OvhApiClient, ovh: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """Not in repr(), nor in any log line at DEBUG, nor in an error echoing them."""
    caplog.set_level(logging.DEBUG)
    ovh.post(JOBS, json=ACCEPTED, headers={"X-Ovh-QueryId": "EU.ext-3.6501"})
    ovh.get(
        ACCOUNT_URL,
        status=403,
        json={"errorCode": "NOT_CREDENTIAL", "message": f"{CONSUMER_KEY} is not {SECRET}'s"},
    )
    await client.send(ACCOUNT, sms())
    with pytest.raises(ConsumerKeyError) as err:
        await client.account(ACCOUNT)
    assert err.value.reason == "********** is not **********'s"
    assert repr(client) == (f"OvhApiClient(application_key='{APPLICATION_KEY}', endpoint='{API}')")
    assert repr(KEYS) == f"ApiKeys(application_key='{APPLICATION_KEY}')"
    assert client.keys is KEYS
    assert f"POST /sms/{ACCOUNT}/jobs: HTTP 200, X-OVH-QUERYID EU.ext-3.6501" in caplog.text
    assert f"GET /sms/{ACCOUNT}: HTTP 403, X-OVH-QUERYID none" in caplog.text
    assert_no_secret(caplog.text, repr(client), repr(KEYS), str(err.value), repr(err.value))


async def test_the_wire(socket_enabled: None) -> None:
    """On a real socket: the URL is sent as signed (%2B kept), the body is the bytes signed."""
    received: list[tuple[str, str, dict[str, str], bytes]] = []

    async def handle(request: web.Request) -> web.Response:
        received.append(
            (request.method, request.raw_path, dict(request.headers), await request.read())
        )
        if request.raw_path.endswith("/auth/time"):
            return web.Response(text=str(SERVER_TIME))
        if request.method == "POST":
            return web.json_response(ACCEPTED)
        if request.raw_path.endswith("/senders"):
            return web.json_response(["+33 6 12/34"])
        return web.json_response({"status": "enable", "type": "numeric", "comment": ""})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}/1.0"
    try:
        async with aiohttp.ClientSession() as session:
            client = OvhApiClient(session, KEYS, endpoint=base, clock=Clock())
            senders = await client.senders(ACCOUNT)
            await client.send(ACCOUNT, sms("Été ☀"))
    finally:
        await runner.cleanup()
    assert senders == (Sender("+33 6 12/34", "enable", "numeric", ""),)
    assert [(method, path) for method, path, _, _ in received] == [
        ("GET", "/1.0/auth/time"),
        ("GET", f"/1.0/sms/{ACCOUNT}/senders"),
        ("GET", f"/1.0/sms/{ACCOUNT}/senders/%2B33%206%2012%2F34"),
        ("POST", f"/1.0/sms/{ACCOUNT}/jobs"),
    ]
    for method, path, headers, body in received[1:]:
        assert headers["X-Ovh-Signature"] == sign(
            SECRET, CONSUMER_KEY, method, base.removesuffix("/1.0") + path, body.decode(), TIMESTAMP
        )
    assert received[3][3] == compact(job(ALICE) | {"message": "Été ☀"})
    assert received[3][3].isascii()
    assert received[3][2]["Content-Type"] == "application/json"
