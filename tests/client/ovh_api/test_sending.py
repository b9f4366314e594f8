"""Sending a job: the exact body OVH receives, its batches, refused receivers, partial sends."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
import json
from typing import Any
from unittest.mock import Mock

import aiohttp
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.ovhsms import (
    InvalidParameterError,
    OvhApiClient,
    OvhConnectionError,
    OvhSmsError,
    PartialSendError,
    Priority,
    RecipientsRefusedError,
    Sms,
    SmsClass,
    SmsCoding,
    SmsRefusedError,
    job_body,
    sign,
)
from homeassistant.core import HomeAssistant

from .conftest import (
    ACCEPTED,
    ACCOUNT,
    ACCOUNT_ANSWER,
    ACCOUNT_URL,
    ALICE,
    BOB,
    CAROL,
    CONSUMER_KEY,
    JOBS,
    LOCAL_TIME,
    NOW,
    SECRET,
    TIMESTAMP,
    calls,
    compact,
    job,
    make_client,
    signed,
    sms,
    time_call,
)


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
