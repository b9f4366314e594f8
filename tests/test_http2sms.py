"""The http2sms client: the exact form OVH receives, its answers, its failures."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
import logging
import sys
from typing import Any
from unittest.mock import Mock

import aiohttp
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.http2sms import (
    AuthenticationError,
    Credentials,
    DeferredInPastError,
    EmptyMessageError,
    Http2SmsClient,
    Http2SmsConnectionError,
    Http2SmsError,
    Http2SmsHttpError,
    Http2SmsOutcomeUnknownError,
    Http2SmsRequestError,
    Http2SmsServerError,
    InvalidAccountError,
    InvalidParameterError,
    InvalidRecipientError,
    InvalidSenderError,
    InvalidTagError,
    IpNotAuthorizedError,
    MessageTooLongError,
    MissingParameterError,
    NoRecipientsError,
    SenderNotFoundError,
    SmsClass,
    SmsCoding,
    UnsupportedCharactersError,
    build_sms,
    count_segments,
    encode_message,
    load_metadata,
    normalize_number,
    parse_answer,
    validate_account,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .conftest import ACCOUNT, ALICE, ENDPOINT, LOGIN, PASSWORD, SUCCESS, sent_forms

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
CREDENTIALS = Credentials(ACCOUNT, LOGIN, PASSWORD)
GSM_PLAIN = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCZÄÖÑÜ§¿azäöñüà"


def sms(message: str = "Leak in the kitchen", **kwargs: Any) -> Any:
    """Build an SMS to Alice with the given options."""
    kwargs.setdefault("now", NOW)
    return build_sms(kwargs.pop("recipients", [ALICE]), message, **kwargs)


@pytest.fixture
async def client(hass: HomeAssistant, aioclient_mock: AiohttpClientMocker) -> Http2SmsClient:
    """Return a client on Home Assistant's session, which aioclient_mock answers."""
    return Http2SmsClient(async_get_clientsession(hass), CREDENTIALS, endpoint=ENDPOINT)


async def test_form_of_a_full_send(
    client: Http2SmsClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Every option reaches OVH as the documented parameter, POSTed, JSON asked."""
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    result = await client.send(
        sms(
            "Alarm!\nFront door",
            recipients=["+33 6 12 34 56 78", "06 98 76 54 32"],
            sender="HomeAlarm",
            sms_class=SmsClass.FLASH,
            deferred=datetime(2026, 7, 19, 16, 30, tzinfo=UTC),
            tag="alarm",
            default_region="FR",
        )
    )
    assert aioclient_mock.mock_calls[0][0] == "POST"
    assert str(aioclient_mock.mock_calls[0][1]) == ENDPOINT
    assert sent_forms(aioclient_mock) == [
        {
            "account": ACCOUNT,
            "login": LOGIN,
            "password": PASSWORD,
            "from": "HomeAlarm",
            "to": "0033612345678,0033698765432",
            "message": "Alarm!\rFront door",
            "smsCoding": "1",
            "noStop": "1",
            "class": "0",
            "deferred": "183019072026",
            "tag": "alarm",
            "contentType": "application/json",
        }
    ]
    assert result.sms_ids == ("10867690",)
    assert result.credits_left == Decimal(1987)
    assert result.segments == 1
    assert result.recipients == ("0033612345678", "0033698765432")
    assert result.requests == 1


async def test_form_without_sender_asks_for_a_reply_number(
    client: Http2SmsClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """No sender: from is empty and senderForResponse=1; no class, tag or deferred sent."""
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await client.send(sms("Hi", sender="", no_stop=False, coding=SmsCoding.UCS2))
    form = sent_forms(aioclient_mock)[0]
    assert form["from"] == ""
    assert form["senderForResponse"] == "1"
    assert (form["noStop"], form["smsCoding"]) == ("0", "2")
    assert not {"class", "tag", "deferred"} & form.keys()


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


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+33 6 12 34 56 78", "0033612345678"),
        ("0033612345678", "0033612345678"),
        ("06 12 34 56 78", "0033612345678"),
        ("06.12.34.56.78", "0033612345678"),
        ("01 23 45 67 89", "0033123456789"),
        ("+44 7911 123456", "00447911123456"),
        ("+262 692 12 34 56", "00262692123456"),
        ("+1 415 555 2671", "0014155552671"),
    ],
)
def test_numbers_in_00_form(number: str, expected: str) -> None:
    """Every accepted form becomes 00 + country code + number."""
    assert normalize_number(number, "FR") == expected


@pytest.mark.parametrize(
    "number",
    ["", "123", "hello", "+33 6 12", "08 92 68 01 23", "09 70 12 34 56", "06 12 34 56 78 90"],
)
def test_invalid_numbers_are_named(number: str) -> None:
    """Junk, short, premium-rate and VoIP numbers are refused, naming the entry."""
    with pytest.raises(InvalidRecipientError) as err:
        normalize_number(number, "FR")
    assert err.value.recipient == number


def test_national_number_needs_a_region() -> None:
    """Without Home Assistant's country a national number cannot be read."""
    with pytest.raises(InvalidRecipientError):
        normalize_number("06 12 34 56 78", None)


def test_duplicates_and_empty_recipients() -> None:
    """The same phone written twice gets one SMS; no recipient is refused."""
    assert sms(recipients=["+33612345678", "06 12 34 56 78"], default_region="FR").recipients == (
        ALICE,
    )
    with pytest.raises(NoRecipientsError):
        sms(recipients=[])


@pytest.mark.parametrize(
    ("text", "coding", "segments"),
    [
        ("a" * 160, SmsCoding.GSM7, 1),
        ("a" * 161, SmsCoding.GSM7, 2),
        ("a" * 306, SmsCoding.GSM7, 2),
        ("a" * 307, SmsCoding.GSM7, 3),
        ("€" * 80, SmsCoding.GSM7, 1),
        ("€" * 81, SmsCoding.GSM7, 2),
        ("a" * 152 + "€" + "a" * 152, SmsCoding.GSM7, 3),  # the € is not split
        (GSM_PLAIN, SmsCoding.GSM7, 1),
        ("ê" * 70, SmsCoding.UCS2, 1),
        ("ê" * 71, SmsCoding.UCS2, 2),
        ("ê" * 134, SmsCoding.UCS2, 2),
        ("ê" * 135, SmsCoding.UCS2, 3),
        ("😀" * 35, SmsCoding.UCS2, 1),
        ("😀" * 36, SmsCoding.UCS2, 2),
        ("a" * 66 + "😀", SmsCoding.UCS2, 1),
    ],
)
def test_segments(text: str, coding: SmsCoding, segments: int) -> None:
    """Coding is picked from the text and parts are counted exactly."""
    encoded = encode_message(text)
    assert (encoded.coding, encoded.segments) == (coding, segments)


@pytest.mark.parametrize(
    ("text", "segments"),
    [("a" * 149, 1), ("a" * 150, 2), ("ê" * 59, 1), ("ê" * 60, 2)],
)
def test_stop_mention_takes_11_characters(text: str, segments: int) -> None:
    """Commercial SMS (noStop off): 149 GSM or 59 Unicode characters fit in one SMS."""
    assert sms(text, no_stop=False).segments == segments


def test_message_limits() -> None:
    """Six parts at most; empty messages and 7-bit-incompatible forced coding are refused."""
    assert sms("a" * 918).segments == 6
    with pytest.raises(MessageTooLongError) as err:
        sms("a" * 919)
    assert (err.value.segments, err.value.max_segments) == (7, 6)
    with pytest.raises(EmptyMessageError):
        sms(" \n ")
    with pytest.raises(UnsupportedCharactersError) as chars:
        sms("Fenêtre ouverte, fenêtre", coding=SmsCoding.GSM7)
    assert chars.value.characters == "ê"
    assert sms("Hello", coding=SmsCoding.UCS2).message.coding is SmsCoding.UCS2


def test_line_breaks_become_cr() -> None:
    r"""\n and \r\n both become the CR that OVH shows as a line break."""
    assert sms("a\nb\r\nc\rd").message.text == "a\rb\rc\rd"


def test_deferred() -> None:
    """Deferred is Paris wall time (winter and summer); the past and naive times are refused."""
    winter = sms(deferred=datetime(2026, 12, 24, 17, 5, tzinfo=UTC))
    summer = sms(deferred=datetime(2026, 7, 19, 16, 30, tzinfo=UTC))
    assert winter.form([ALICE])["deferred"] == "180524122026"
    assert summer.form([ALICE])["deferred"] == "183019072026"
    with pytest.raises(DeferredInPastError):
        sms(deferred=NOW - timedelta(minutes=1))
    with pytest.raises(ValueError, match="aware"):
        sms(deferred=datetime(2026, 12, 24, 17, 5))  # noqa: DTZ001


def test_sender_tag_and_account() -> None:
    """Senders: 11 alphanumeric or 15 digits; tags: 20 characters; accounts: sms-ab1234-1."""
    assert sms(sender="Home Alarm1").sender == "Home Alarm1"
    assert sms(sender="+33612345678").sender == "+33612345678"
    for sender in ("HomeAlarm123", "1234567890123456", " Alarm", "Al\x00rm"):
        with pytest.raises(InvalidSenderError):
            sms(sender=sender)
    assert sms(tag="t" * 20).tag == "t" * 20
    with pytest.raises(InvalidTagError):
        sms(tag="t" * 21)
    assert validate_account("sms-ab1234-1") == "sms-ab1234-1"
    for account in ("ab1234", "sms-ab1234", "SMS-AB12-1x"):
        with pytest.raises(InvalidAccountError):
            validate_account(account)


@pytest.mark.parametrize(
    ("body", "credit", "ids"),
    [
        ('{"status":100,"creditLeft":"1987","SmsIds":["10867690"]}', Decimal(1987), ("10867690",)),
        (
            '{"status":"101","creditLeft":"230.50","smsIds":["1","2"]}',
            Decimal("230.50"),
            ("1", "2"),
        ),
        ('{"STATUS":100,"CREDITLEFT":53.0,"smsids":7}', Decimal("53.0"), ("7",)),
        ("OK\n1007\n10867690\n10867691\n", Decimal(1007), ("10867690", "10867691")),
        (
            (
                "<!DOCTYPE html><HTML><HEAD><title>HTTP2SMS</title></HEAD>"
                "<BODY>\nOK<br>\n1007<br>\n10867690<br>\n</BODY></HTML>"
            ),
            Decimal(1007),
            ("10867690",),
        ),
    ],
)
def test_parse_success(body: str, credit: Decimal, ids: tuple[str, ...]) -> None:
    """JSON with either key casing, text/plain and HTML answers are read."""
    answer = parse_answer(body)
    assert 100 <= answer.status < 200
    assert (answer.credits_left, answer.sms_ids) == (credit, ids)


@pytest.mark.parametrize(
    "body", ["", "Internal error", "<html>Bad gateway</html>", "{}", "[1]", "OK"]
)
def test_unreadable_answer_is_outcome_unknown(body: str) -> None:
    """A 200 answer that cannot be read may hide a sent SMS."""
    with pytest.raises(Http2SmsOutcomeUnknownError):
        parse_answer(body)


@pytest.mark.parametrize(
    ("answer", "error", "reason"),
    [
        (
            {
                "status": 201,
                "message": "Missing message. For more informations : http://guides.ovh.com/httpToSms",
            },
            MissingParameterError,
            "Missing message.",
        ),
        (
            {"status": 202, "message": "Invalid tag: is too long"},
            InvalidParameterError,
            "Invalid tag: is too long",
        ),
        (
            {"status": 202, "message": "Invalid deferred time"},
            InvalidParameterError,
            "Invalid deferred time",
        ),
        ({"status": 401, "message": "No allowed IP"}, IpNotAuthorizedError, "No allowed IP"),
        ({"status": 241, "message": "Unknown"}, SenderNotFoundError, "Unknown"),
        (
            {"status": 202, "message": "Invalid sender HomeAlarm"},
            SenderNotFoundError,
            "Invalid sender HomeAlarm",
        ),
        ({"status": 201, "message": "Missing login"}, AuthenticationError, "Missing login"),
        (
            {"status": 202, "message": "Invalid smsAccount, it should look like 'sms-ab1234-1'."},
            AuthenticationError,
            "Invalid smsAccount, it should look like 'sms-ab1234-1'.",
        ),
        (
            {"status": 202, "message": f"Bad password {PASSWORD}"},
            AuthenticationError,
            "Bad password **********",
        ),
        ({"status": 500}, Http2SmsRequestError, "no reason given"),
    ],
)
async def test_refusals(
    client: Http2SmsClient,
    aioclient_mock: AiohttpClientMocker,
    answer: dict[str, Any],
    error: type[Http2SmsRequestError],
    reason: str,
) -> None:
    """Each OVH status maps to its error, keeping OVH's reason without the doc link."""
    aioclient_mock.post(ENDPOINT, json=answer)
    with pytest.raises(Http2SmsRequestError) as err:
        await client.send(sms())
    assert type(err.value) is error
    assert (err.value.status, err.value.reason) == (answer["status"], reason)


@pytest.mark.parametrize(
    ("reason", "error", "status"),
    [
        ("Missing message.", MissingParameterError, 201),
        ("Invalid tag: is too long", InvalidParameterError, 202),
        ("Something else", Http2SmsRequestError, 0),
    ],
)
async def test_text_refusal(
    client: Http2SmsClient,
    aioclient_mock: AiohttpClientMocker,
    reason: str,
    error: type[Http2SmsRequestError],
    status: int,
) -> None:
    """A text/plain KO is a refusal with its reason, its status read from the reason."""
    aioclient_mock.post(ENDPOINT, text=f"KO\n{reason} For more informations : http://x\n")
    with pytest.raises(Http2SmsRequestError) as err:
        await client.send(sms())
    assert (type(err.value), err.value.status, err.value.reason) == (error, status, reason)


@pytest.mark.parametrize(
    ("mock", "error"),
    [
        ({"status": 503, "text": "Service Unavailable"}, Http2SmsServerError),
        ({"status": 500, "text": "<html>Internal Server Error</html>"}, Http2SmsServerError),
        ({"status": 302, "text": ""}, Http2SmsHttpError),
        ({"status": 404, "text": "Not Found"}, Http2SmsHttpError),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            Http2SmsConnectionError,
        ),
        ({"exc": aiohttp.ConnectionTimeoutError()}, Http2SmsConnectionError),
        ({"exc": aiohttp.ServerDisconnectedError()}, Http2SmsOutcomeUnknownError),
        ({"exc": aiohttp.ClientPayloadError("truncated")}, Http2SmsOutcomeUnknownError),
        ({"exc": aiohttp.SocketTimeoutError()}, Http2SmsOutcomeUnknownError),
        ({"exc": TimeoutError()}, Http2SmsOutcomeUnknownError),
        ({"text": '{"status":100,"creditLe'}, Http2SmsOutcomeUnknownError),
    ],
)
async def test_transport_failures_are_never_retried(
    client: Http2SmsClient,
    aioclient_mock: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[Http2SmsError],
) -> None:
    """Each failure has its error, and exactly one request went out."""
    aioclient_mock.post(ENDPOINT, **mock)
    with pytest.raises(error) as err:
        await client.send(sms())
    assert aioclient_mock.call_count == 1
    assert PASSWORD not in str(err.value)


async def test_password_never_shown(
    client: Http2SmsClient, aioclient_mock: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """Not in repr(), nor in the URL, nor in any log line at DEBUG."""
    caplog.set_level(logging.DEBUG)
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await client.send(sms())
    assert PASSWORD not in repr(CREDENTIALS)
    assert PASSWORD not in repr(client)
    assert repr(client) == (
        f"Http2SmsClient(account='{ACCOUNT}', login='{LOGIN}', endpoint='{ENDPOINT}')"
    )
    assert PASSWORD not in str(aioclient_mock.mock_calls[0][1])
    assert caplog.records
    assert PASSWORD not in caplog.text


_GSM_BASIC_ONLY = st.text(
    alphabet=st.sampled_from(sorted(set(GSM_PLAIN))), min_size=1, max_size=918
)
_UCS2_BMP = st.text(
    alphabet=st.characters(min_codepoint=0x100, max_codepoint=0xFFFF, exclude_categories=("Cs",)),
    min_size=1,
    max_size=402,
)


@given(_GSM_BASIC_ONLY)
def test_gsm_segments_property(text: str) -> None:
    """Basic GSM characters: 1 part up to 160, then ceil(n / 153)."""
    expected = 1 if len(text) <= 160 else -(-len(text) // 153)
    assert count_segments(text, SmsCoding.GSM7) == expected


@given(_UCS2_BMP)
def test_ucs2_segments_property(text: str) -> None:
    """BMP characters in UCS-2: 1 part up to 70, then ceil(n / 67)."""
    expected = 1 if len(text) <= 70 else -(-len(text) // 67)
    assert count_segments(text, SmsCoding.UCS2) == expected


@given(st.text(min_size=1, max_size=400), st.text(min_size=1, max_size=5))
def test_segments_never_shrink(text: str, more: str) -> None:
    """Adding text never needs fewer parts, in either coding."""
    for coding in SmsCoding:
        assert count_segments(text + more, coding) >= count_segments(text, coding)


# Metropolitan French mobile ranges (0639 is Mayotte's, under +262).
_FRENCH_MOBILE = st.from_regex(r"(6[12]|7[5-8])[0-9]{7}", fullmatch=True)


@given(_FRENCH_MOBILE, st.sampled_from(["", " ", "."]))
def test_french_mobiles_property(digits: str, sep: str) -> None:
    """Every French mobile, in national, +33 or 0033 form, gives the same 00 number."""
    national = "0" + sep.join([digits[0]] + [digits[i : i + 2] for i in range(1, 9, 2)])
    for form in (national, "+33" + national[1:], "0033" + national[1:]):
        assert normalize_number(form, "FR") == "0033" + digits


def test_load_metadata_imports_every_numbering_plan() -> None:
    """After load_metadata, no number of any region imports a plan (a file read) any more."""
    load_metadata()
    modules = set(sys.modules)
    for number in ("+49 151 23456789", "+1 202 555 0143", "+81 90 1234 5678", "+800 1234 5678"):
        with contextlib.suppress(InvalidRecipientError):
            normalize_number(number)
    assert {"phonenumbers.data.region_DE", "phonenumbers.data.region_800"} <= modules
    assert set(sys.modules) == modules
