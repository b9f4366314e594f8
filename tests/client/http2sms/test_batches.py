"""Many recipients: batches in parallel, a bounded number in flight, every outcome named."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any
from unittest.mock import Mock

import aiohttp
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.ovhsms import (
    AuthenticationError,
    Http2SmsClient,
    InsufficientCreditError,
    InvalidParameterError,
    IpNotAuthorizedError,
    OutcomeUnknownError,
    OvhServerError,
    OvhSmsError,
    PartialSendError,
    SenderNotFoundError,
    SendResult,
    SmsRefusedError,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from tests.conftest import ACCOUNT, ENDPOINT, LOGIN, PASSWORD, sent_forms

from .conftest import CREDENTIALS, sms


async def test_batches_of_recipients(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A long list goes out in batches, one request each; the credit is the lowest answered."""
    answers = iter([("90", ["1", "2"]), ("88", ["3", "4"]), ("87", ["5"])])

    async def answer(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        credit, ids = next(answers)
        return AiohttpClientMockResponse(
            method, url, json={"status": 100, "creditLeft": credit, "SmsIds": ids}
        )

    aioclient_mock.post(ENDPOINT, side_effect=answer)
    numbers = [f"+336{n:08d}" for n in range(5)]
    client = Http2SmsClient(
        async_get_clientsession(hass), CREDENTIALS, endpoint=ENDPOINT, batch_size=2
    )
    result = await client.send(sms(recipients=numbers))
    assert [form["to"].split(",") for form in sent_forms(aioclient_mock)] == [
        ["00336" + f"{n:08d}" for n in (0, 1)],
        ["00336" + f"{n:08d}" for n in (2, 3)],
        ["00336" + f"{n:08d}" for n in (4,)],
    ]
    assert result.requests == 3
    assert result.credits_left == Decimal(87)
    assert result.sms_ids == ("1", "2", "3", "4", "5")


NUMBERS = tuple(f"00336{n:08d}" for n in range(8))
INVALID_TO = {
    "status": 202,
    "message": "Invalid to: numbers are international, like 0033612345678.",
}
INVALID_TO_ERROR = (
    "OVH refused the SMS (status 202): Invalid to: numbers are international, like 0033612345678."
)
DISCONNECTED_ERROR = (
    "The connection to OVH failed after the request was sent (ServerDisconnectedError); "
    "the SMS may have been sent"
)
# An answer of OVH: a JSON answer, an HTTP status, or an error the connection raises.
Reply = dict[str, Any] | int | Exception
SideEffect = Callable[[str, Any, Any], Awaitable[AiohttpClientMockResponse]]


def accepted(*sms_ids: str, credit: str | None = None) -> dict[str, Any]:
    """Return OVH's JSON acceptance, with creditLeft only when given."""
    answer: dict[str, Any] = {"status": 100, "SmsIds": list(sms_ids)}
    if credit is not None:
        answer["creditLeft"] = credit
    return answer


def form_to(number: str) -> dict[str, str]:
    """Return the whole form OVH receives for the default SMS to this number."""
    return {
        "account": ACCOUNT,
        "login": LOGIN,
        "password": PASSWORD,
        "from": "",
        "senderForResponse": "1",
        "to": number,
        "message": "Leak in the kitchen",
        "smsCoding": "1",
        "noStop": "1",
        "contentType": "application/json",
    }


async def until(event: asyncio.Event) -> None:
    """Yield to the loop until the event is set; give up after 100 turns rather than hang."""
    for _ in range(100):
        if event.is_set():
            return
        await asyncio.sleep(0)


def ovh_answering(replies: dict[str, Reply], *, after: dict[str, str] | None = None) -> SideEffect:
    """Answer each one-number request from replies, by the number it is for.

    after holds answers back, {number: other}: number's answer only comes once
    other's came, so answers arrive out of batch order.
    """
    held = after or {}
    answered = {number: asyncio.Event() for number in replies}

    async def answer(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        number = data["to"]
        if number in held:
            await until(answered[held[number]])
        answered[number].set()
        reply = replies[number]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, int):
            return AiohttpClientMockResponse(method, url, status=reply, text="Service Unavailable")
        return AiohttpClientMockResponse(method, url, json=reply)

    return answer


def one_number_per_request(hass: HomeAssistant, **kwargs: Any) -> Http2SmsClient:
    """Return a client on the mocked session sending one request per recipient."""
    return Http2SmsClient(
        async_get_clientsession(hass), CREDENTIALS, endpoint=ENDPOINT, batch_size=1, **kwargs
    )


async def test_requests_in_flight_are_bounded(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Requests overlap, never more than max_in_flight; each batch goes out once, in order."""
    in_flight = peak = 0

    async def answer(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        # Yield to the loop: every request allowed to start meanwhile comes in.
        for _ in range(10):
            await asyncio.sleep(0)
        in_flight -= 1
        return AiohttpClientMockResponse(method, url, json=accepted(data["to"], credit="90"))

    aioclient_mock.post(ENDPOINT, side_effect=answer)
    client = one_number_per_request(hass, max_in_flight=3)
    result = await client.send(sms(recipients=NUMBERS))
    assert peak == 3
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS]
    assert result == SendResult(
        sms_ids=NUMBERS,
        credits_left=Decimal(90),
        segments=1,
        recipients=NUMBERS,
        requests=8,
        deferred=None,
    )


async def test_credit_left_is_the_lowest_answered(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Answers arrive in any order: the credit shown is the lowest, ids stay in batch order.

    Not the first, last or last arrived answer's credit; an acceptance without
    creditLeft leaves the credit to the other answers.
    """
    first, second, third, fourth = NUMBERS[:4]
    replies: dict[str, Reply] = {
        first: accepted("1", credit="95"),
        second: accepted("2", credit="93"),
        third: accepted("3"),
        fourth: accepted("4", "5", credit="94"),
    }
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies, after={first: fourth}))
    result = await one_number_per_request(hass).send(sms(recipients=NUMBERS[:4]))
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS[:4]]
    assert result == SendResult(
        sms_ids=("1", "2", "3", "4", "5"),
        credits_left=Decimal(93),
        segments=1,
        recipients=NUMBERS[:4],
        requests=4,
        deferred=None,
    )


async def test_no_readable_credit_in_any_answer(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Acceptances without a readable creditLeft: the SMS is sent, the credit left is None."""
    replies: dict[str, Reply] = {NUMBERS[0]: accepted("1"), NUMBERS[1]: accepted("2", credit="")}
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies))
    result = await one_number_per_request(hass).send(sms(recipients=NUMBERS[:2]))
    assert (result.sms_ids, result.credits_left, result.recipients) == (
        ("1", "2"),
        None,
        NUMBERS[:2],
    )


async def test_partial_send_names_every_outcome(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Accepted, refused, accepted, 503: who got it, who did not, who may have; cause first."""
    first, second, third, fourth = NUMBERS[:4]
    replies: dict[str, Reply] = {
        first: accepted("1", credit="88"),
        second: INVALID_TO,
        third: accepted("2", credit="90"),
        fourth: 503,
    }
    # The refusal arrives last: the cause is still the first failure in batch order.
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies, after={second: fourth}))
    with pytest.raises(PartialSendError) as err:
        await one_number_per_request(hass).send(sms(recipients=NUMBERS[:4]))
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS[:4]]
    assert err.value.sent == SendResult(
        sms_ids=("1", "2"),
        credits_left=Decimal(88),
        segments=1,
        recipients=(first, third),
        requests=4,
        deferred=None,
    )
    assert (err.value.not_sent, err.value.unknown) == ((second,), (fourth,))
    cause = err.value.cause
    assert type(cause) is InvalidParameterError
    assert (cause.status, cause.reason) == (202, INVALID_TO["message"])
    assert str(err.value) == (
        f"2 of 4 recipients got the SMS; not sent to 1, outcome unknown for 1: {INVALID_TO_ERROR}"
    )


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        (
            {"status": 202, "message": "Invalid login or password for this account."},
            AuthenticationError,
        ),
        ({"status": 401, "message": "Unauthorized IP address."}, IpNotAuthorizedError),
        ({"status": 202, "message": "Not enough credits."}, InsufficientCreditError),
        ({"status": 241, "message": "Sender not found."}, SenderNotFoundError),
    ],
)
async def test_refusal_for_the_account_stops_the_send(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    refusal: dict[str, Any],
    error: type[SmsRefusedError],
) -> None:
    """Credentials, IP, credit or sender refused: the batches not started are never sent."""
    replies: dict[str, Reply] = {number: accepted(number, credit="90") for number in NUMBERS[:4]}
    replies[NUMBERS[1]] = refusal
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies))
    with pytest.raises(PartialSendError) as err:
        await one_number_per_request(hass, max_in_flight=1).send(sms(recipients=NUMBERS[:4]))
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS[:2]]
    assert err.value.sent == SendResult(
        sms_ids=(NUMBERS[0],),
        credits_left=Decimal(90),
        segments=1,
        recipients=NUMBERS[:1],
        requests=2,
        deferred=None,
    )
    assert (err.value.not_sent, err.value.unknown) == (NUMBERS[1:4], ())
    cause = err.value.cause
    assert isinstance(cause, SmsRefusedError)
    assert type(cause) is error
    assert cause.stops_sending
    assert (cause.status, cause.reason) == (refusal["status"], refusal["message"])
    assert str(err.value) == (
        "1 of 4 recipients got the SMS; not sent to 3, outcome unknown for 0: "
        f"OVH refused the SMS (status {refusal['status']}): {refusal['message']}"
    )


async def test_stop_lets_requests_in_flight_finish(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A request already sent when the account is refused still counts: its SMS went out."""
    second_sent = asyncio.Event()
    refused = asyncio.Event()

    async def answer(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        if data["to"] == NUMBERS[0]:
            # The refusal of the first request comes while the second is in flight.
            await until(second_sent)
            refused.set()
            reply = {"status": 202, "message": "Invalid login or password"}
        else:
            second_sent.set()
            await until(refused)
            reply = accepted(data["to"], credit="90")
        return AiohttpClientMockResponse(method, url, json=reply)

    aioclient_mock.post(ENDPOINT, side_effect=answer)
    with pytest.raises(PartialSendError) as err:
        await one_number_per_request(hass, max_in_flight=2).send(sms(recipients=NUMBERS[:4]))
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS[:2]]
    assert (err.value.sent.recipients, err.value.sent.requests) == (NUMBERS[1:2], 2)
    assert (err.value.not_sent, err.value.unknown) == ((NUMBERS[0], *NUMBERS[2:4]), ())
    assert type(err.value.cause) is AuthenticationError
    assert str(err.value) == (
        "1 of 4 recipients got the SMS; not sent to 3, outcome unknown for 0: "
        "OVH refused the SMS (status 202): Invalid login or password"
    )


@pytest.mark.parametrize(
    ("reply", "outcome", "cause"),
    [
        (INVALID_TO, (NUMBERS[1:2], ()), INVALID_TO_ERROR),
        (404, (NUMBERS[1:2], ()), "OVH answered HTTP 404"),
        (503, ((), NUMBERS[1:2]), "OVH answered HTTP 503; the SMS may have been sent"),
        (aiohttp.ServerDisconnectedError(), ((), NUMBERS[1:2]), DISCONNECTED_ERROR),
    ],
)
async def test_failure_of_one_batch_does_not_stop_the_others(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    reply: Reply,
    outcome: tuple[tuple[str, ...], tuple[str, ...]],
    cause: str,
) -> None:
    """A refusal of one batch's content, an HTTP error or an unknown outcome: the rest goes out."""
    replies: dict[str, Reply] = {number: accepted(number) for number in NUMBERS[:4]}
    replies[NUMBERS[1]] = reply
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies))
    with pytest.raises(PartialSendError) as err:
        await one_number_per_request(hass, max_in_flight=1).send(sms(recipients=NUMBERS[:4]))
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS[:4]]
    sent = (NUMBERS[0], *NUMBERS[2:4])
    assert err.value.sent == SendResult(
        sms_ids=sent, credits_left=None, segments=1, recipients=sent, requests=4, deferred=None
    )
    not_sent, unknown = outcome
    assert (err.value.not_sent, err.value.unknown) == (not_sent, unknown)
    assert str(err.value) == (
        f"3 of 4 recipients got the SMS; not sent to {len(not_sent)}, "
        f"outcome unknown for {len(unknown)}: {cause}"
    )


async def test_all_refused_raises_the_first_refusal(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Nobody got it and nothing was sent: the first failure (in batch order) itself."""
    first, second, third = NUMBERS[:3]
    replies: dict[str, Reply] = {
        first: INVALID_TO,
        second: 404,
        third: aiohttp.ClientConnectorError(Mock(), OSError("refused")),
    }
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies, after={first: third}))
    with pytest.raises(OvhSmsError) as err:
        await one_number_per_request(hass).send(sms(recipients=NUMBERS[:3]))
    assert type(err.value) is InvalidParameterError
    assert str(err.value) == INVALID_TO_ERROR
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS[:3]]


async def test_all_unknown_raises_the_first_unknown(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Nobody surely got it and every request may have: the first outcome-unknown error itself."""
    replies: dict[str, Reply] = {NUMBERS[0]: aiohttp.ServerDisconnectedError(), NUMBERS[1]: 503}
    aioclient_mock.post(
        ENDPOINT, side_effect=ovh_answering(replies, after={NUMBERS[0]: NUMBERS[1]})
    )
    with pytest.raises(OvhSmsError) as err:
        await one_number_per_request(hass).send(sms(recipients=NUMBERS[:2]))
    assert type(err.value) is OutcomeUnknownError
    assert str(err.value) == DISCONNECTED_ERROR
    assert aioclient_mock.call_count == 2


async def test_stopping_refusal_is_raised_before_earlier_failures(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Nothing sent, a later batch found the credit exhausted: that is what the user is told."""
    replies: dict[str, Reply] = {number: accepted(number) for number in NUMBERS[:4]}
    replies[NUMBERS[0]] = INVALID_TO
    replies[NUMBERS[1]] = {"status": 202, "message": "Not enough credits."}
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies))
    with pytest.raises(OvhSmsError) as err:
        await one_number_per_request(hass, max_in_flight=1).send(sms(recipients=NUMBERS[:4]))
    assert type(err.value) is InsufficientCreditError
    assert str(err.value) == "OVH refused the SMS (status 202): Not enough credits."
    assert sent_forms(aioclient_mock) == [form_to(number) for number in NUMBERS[:2]]


async def test_nothing_sent_but_some_may_have_been(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Nobody surely got it, yet outcomes differ: a partial error with nothing sent."""
    replies: dict[str, Reply] = {NUMBERS[0]: 503, NUMBERS[1]: INVALID_TO}
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies))
    with pytest.raises(PartialSendError) as err:
        await one_number_per_request(hass).send(sms(recipients=NUMBERS[:2]))
    assert err.value.sent == SendResult(
        sms_ids=(), credits_left=None, segments=1, recipients=(), requests=2, deferred=None
    )
    assert (err.value.not_sent, err.value.unknown) == (NUMBERS[1:2], NUMBERS[:1])
    assert type(err.value.cause) is OvhServerError
    assert str(err.value) == (
        "0 of 2 recipients got the SMS; not sent to 1, outcome unknown for 1: "
        "OVH answered HTTP 503; the SMS may have been sent"
    )


async def test_unreadable_credit_never_fails_a_sent_sms(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A credit OVH wrote as NaN or Infinity is unknown, not a crash after the SMS went out."""
    replies: dict[str, Reply] = {
        NUMBERS[0]: accepted("1", credit="NaN"),
        NUMBERS[1]: accepted("2", credit="90"),
        NUMBERS[2]: accepted("3", credit="Infinity"),
    }
    aioclient_mock.post(ENDPOINT, side_effect=ovh_answering(replies))
    result = await one_number_per_request(hass).send(sms(recipients=NUMBERS[:3]))
    assert (result.sms_ids, result.credits_left) == (("1", "2", "3"), Decimal(90))
