"""Readiness reads and the STOP list: the exact calls OVH receives, its answers, their failures."""

from __future__ import annotations

from datetime import date

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
)

from custom_components.ovh_sms.ovhsms import (
    AccessDeniedError,
    AccountNotFoundError,
    OperatorException,
    OutcomeUnknownError,
    OvhApiClient,
    Sender,
    SenderNotFoundError,
    ServiceInfos,
    UnreadableAnswerError,
)

from .conftest import ACCOUNT, ACCOUNT_URL, calls, refusal, signed, time_call

SERVICE_INFOS = f"{ACCOUNT_URL}/serviceInfos"
BLACKLISTS = f"{ACCOUNT_URL}/blacklists"


async def test_service_infos(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Status, expiry and renewal, read with the read right."""
    ovh.get(
        SERVICE_INFOS,
        json={
            "status": "ok",
            "expiration": "2027-01-31",
            "creation": "2020-01-31",
            "renew": {"automatic": True, "period": 12},
        },
    )
    assert await client.service_infos(ACCOUNT) == ServiceInfos(
        "ok", date(2027, 1, 31), automatic_renewal=True
    )
    assert calls(ovh) == [time_call(), signed("GET", SERVICE_INFOS)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"status": "expired", "expiration": "2026-11-30T00:00:00+01:00"}, date(2026, 11, 30)),
        ({"status": "unPaid", "expiration": "soon", "renew": None}, None),
        ({"status": "pendingDebt"}, None),
    ],
)
async def test_service_infos_not_ok(
    client: OvhApiClient, ovh: AiohttpClientMocker, answer: dict[str, object], expected: date
) -> None:
    """A status other than ok; an expiry OVH did not tell or wrote otherwise."""
    ovh.get(SERVICE_INFOS, json=answer)
    infos = await client.service_infos(ACCOUNT)
    assert not infos.ok
    assert infos.expiration == expected
    assert not infos.automatic_renewal


@pytest.mark.parametrize("answer", [{"expiration": "2027-01-31"}, {"status": 1}, ["ok"]])
async def test_unreadable_service_infos(
    client: OvhApiClient, ovh: AiohttpClientMocker, answer: object
) -> None:
    """An answer without a status (or not an object) is unreadable, not a service in order."""
    ovh.get(SERVICE_INFOS, json=answer)
    with pytest.raises(UnreadableAnswerError):
        await client.service_infos(ACCOUNT)


async def test_stop_list(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """The numbers, as OVH spells them."""
    ovh.get(BLACKLISTS, json=["+33612345678", "0033698765432"])
    assert await client.stop_list(ACCOUNT) == ("+33612345678", "0033698765432")
    assert calls(ovh) == [time_call(), signed("GET", BLACKLISTS)]


async def test_stop_list_of_an_unknown_account(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """A 404 names the account."""
    ovh.get(BLACKLISTS, **refusal(404, message="This service does not exist"))
    with pytest.raises(AccountNotFoundError):
        await client.stop_list(ACCOUNT)


async def test_remove_from_stop_list(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """DELETE /blacklists/{number}, the + encoded in the signed URL."""
    url = f"{BLACKLISTS}/%2B33612345678"
    ovh.delete(url, text="null")
    await client.remove_from_stop_list(ACCOUNT, "+33612345678")
    assert calls(ovh) == [time_call(), signed("DELETE", url)]


async def test_remove_a_number_already_off(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """OVH's 404 about the number: it is off, which is what was asked."""
    ovh.delete(
        f"{BLACKLISTS}/0033612345678",
        **refusal(404, message="The requested object (number = 0033612345678) does not exist"),
    )
    await client.remove_from_stop_list(ACCOUNT, "0033612345678")


async def test_remove_without_the_right(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A key lacking the right names it: the access repair asks for a new key."""
    ovh.delete(
        f"{BLACKLISTS}/0033612345678",
        **refusal(403, errorCode="NOT_GRANTED_CALL", message="This call has not been granted"),
    )
    with pytest.raises(AccessDeniedError) as err:
        await client.remove_from_stop_list(ACCOUNT, "0033612345678")
    assert err.value.rule == "DELETE /sms/*/blacklists/*"


async def test_remove_unanswered(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A 5xx once the request left: the removal may have been done, and the error says so."""
    ovh.delete(f"{BLACKLISTS}/0033612345678", status=502)
    with pytest.raises(OutcomeUnknownError) as err:
        await client.remove_from_stop_list(ACCOUNT, "0033612345678")
    assert "taken off the STOP list" in str(err.value)


async def test_exceptions(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """GET /exceptions?receiver=, the receiver in the signed query string."""
    url = f"{ACCOUNT_URL}/exceptions?receiver=%2B33612345678"
    ovh.get(
        url,
        json=[
            {
                "countrySuffixe": "fr",
                "operators": ["Free Mobile", 7],
                "messages": "alpha senders are rewritten",
                "restrictionCode": "ALPHA",
                "substitution": "36xxx",
            },
            {"restrictionCode": "BLOCKED"},
        ],
    )
    assert await client.exceptions(ACCOUNT, "+33612345678") == (
        OperatorException("fr", ("Free Mobile",), "ALPHA", "36xxx"),
        OperatorException("", (), "BLOCKED", ""),
    )
    assert calls(ovh) == [time_call(), signed("GET", url)]


@pytest.mark.parametrize("answer", [{"restrictionCode": "ALPHA"}, ["ALPHA"]])
async def test_unreadable_exceptions(
    client: OvhApiClient, ovh: AiohttpClientMocker, answer: object
) -> None:
    """Not a list of objects: unreadable."""
    ovh.get(f"{ACCOUNT_URL}/exceptions?receiver=0033612345678", json=answer)
    with pytest.raises(UnreadableAnswerError):
        await client.exceptions(ACCOUNT, "0033612345678")


async def test_one_sender(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """GET /senders/{name}, the name encoded; an undeclared one is SenderNotFoundError."""
    ovh.get(
        f"{ACCOUNT_URL}/senders/Home%20Alarm",
        json={"sender": "Home Alarm", "status": "refused", "type": "alpha", "comment": ""},
    )
    ovh.get(
        f"{ACCOUNT_URL}/senders/Gone",
        **refusal(404, message="The requested object (sender = Gone) does not exist"),
    )
    assert await client.sender(ACCOUNT, "Home Alarm") == Sender(
        "Home Alarm", "refused", "alpha", ""
    )
    with pytest.raises(SenderNotFoundError):
        await client.sender(ACCOUNT, "Gone")
    assert calls(ovh)[1] == signed("GET", f"{ACCOUNT_URL}/senders/Home%20Alarm")
