"""Delivery reports, replies and cancelling: the calls OVH receives, its answers, their failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import Mock

import aiohttp
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.ovhsms import (
    ACCESS_RULES,
    AccessDeniedError,
    AccountNotFoundError,
    ConsumerKeyError,
    DeliveryReport,
    DeliveryStatus,
    OutcomeUnknownError,
    OvhApiClient,
    OvhConnectionError,
    OvhHttpError,
    OvhSmsError,
    RateLimitedError,
    Reply,
    ReplyNotFoundError,
    SmsNotFoundError,
    SmsNotSentError,
    SmsRefusedError,
    UnreadableAnswerError,
)
from homeassistant.core import HomeAssistant

from .conftest import (
    ACCOUNT,
    ALICE,
    API,
    CONSUMER_KEY,
    JOBS,
    NOW,
    READ_RULE,
    SECRET,
    assert_no_secret,
    calls,
    make_client,
    signed,
    time_call,
)

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
    assert [str(rule) for rule in ACCESS_RULES][3:5] == [CANCEL_RULE, DELETE_REPLY_RULE]
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
