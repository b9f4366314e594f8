"""The http2sms client: the exact form OVH receives, its answers, its failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
import logging
import re
import sys
from typing import Any
from unittest.mock import Mock
from zoneinfo import ZoneInfo

import aiohttp
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.ovhsms import (
    AuthenticationError,
    Credentials,
    DeferredInPastError,
    EmptyMessageError,
    EndpointCredentialsError,
    Http2SmsClient,
    InsecureEndpointError,
    InsufficientCreditError,
    InvalidAccountError,
    InvalidEndpointError,
    InvalidParameterError,
    InvalidRecipientError,
    InvalidSenderError,
    InvalidTagError,
    IpNotAuthorizedError,
    MessageTooLongError,
    MissingParameterError,
    MultipleNumbersError,
    NationalNumberWithoutCountryError,
    NonexistentLocalTimeError,
    NoRecipientsError,
    OutcomeUnknownError,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
    PartialSendError,
    SenderNotFoundError,
    SendResult,
    SmsClass,
    SmsCoding,
    SmsRefusedError,
    UnsupportedCharactersError,
    build_sms,
    count_segments,
    encode_message,
    form,
    load_metadata,
    normalize_number,
    parse_answer,
    validate_account,
    validate_endpoint,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from tests.conftest import ACCOUNT, ALICE, ENDPOINT, LOGIN, PASSWORD, SUCCESS, sent_forms

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
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
    """Without a country a national number cannot be read, and the error says why."""
    with pytest.raises(NationalNumberWithoutCountryError) as err:
        normalize_number("06 12 34 56 78", None)
    assert err.value.recipient == "06 12 34 56 78"
    assert normalize_number("+33 6 12 34 56 78", None) == ALICE
    assert normalize_number("0033 6 12 34 56 78", None) == ALICE


@pytest.mark.parametrize("region", ["FR", "RE", "GP", "MQ", "GF", "YT"])
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("0692 12 34 56", "00262692123456"),  # Réunion
        ("0693 12 34 56", "00262693123456"),  # Réunion
        ("0639 40 12 34", "00262639401234"),  # Mayotte
        ("0690 12 34 56", "00590690123456"),  # Guadeloupe, St Martin, St Barthélemy
        ("0691 22 34 56", "00590691223456"),  # Guadeloupe
        ("0696 12 34 56", "00596696123456"),  # Martinique
        ("0697 12 34 56", "00596697123456"),  # Martinique
        ("0694 12 34 56", "00594694123456"),  # Guyane
        ("06 12 34 56 78", ALICE),  # mainland France
        ("0262 12 34 56", "00262262123456"),  # a Réunion landline
    ],
)
def test_french_overseas_numbers_in_national_form(region: str, number: str, expected: str) -> None:
    """Numbers of France's plan are read as dialled from anywhere in it, with their own code."""
    assert normalize_number(number, region) == expected


def test_other_countries_keep_their_own_plan() -> None:
    """Outside France's plan a national number is only read in the country set."""
    with pytest.raises(InvalidRecipientError):
        normalize_number("0692 12 34 56", "BE")
    assert normalize_number("0470 12 34 56", "BE") == "0032470123456"


@pytest.mark.parametrize(
    "field",
    [
        "0612345678;0698765432",
        "0612345678,0698765432",
        "0612345678 0698765432",
        "06 12 34 56 78, 06 98 76 54 32",
        "0612345678/0698765432",
        "0612345678 et 0698765432",
        "0612345678\n0698765432",
        "+33612345678;+33698765432",
    ],
)
@pytest.mark.parametrize("region", ["FR", None])
def test_one_field_holds_one_number(field: str, region: str | None) -> None:
    """A field with two numbers is refused whole, never sent to the first one only."""
    if region is None:
        field = field.replace("06", "+336")
    with pytest.raises(MultipleNumbersError) as err:
        normalize_number(field, region)
    assert err.value.recipient == field


def test_an_extension_is_not_a_phone() -> None:
    """An SMS cannot reach an extension: such a number is refused, not cut."""
    with pytest.raises(InvalidRecipientError):
        normalize_number("+33 6 12 34 56 78 ext 12", "FR")


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
    """Deferred is Paris wall time (winter and summer); the past is refused."""
    winter = sms(deferred=datetime(2026, 12, 24, 17, 5, tzinfo=UTC))
    summer = sms(deferred=datetime(2026, 7, 19, 16, 30, tzinfo=UTC))
    assert form(winter, [ALICE])["deferred"] == "180524122026"
    assert form(summer, [ALICE])["deferred"] == "183019072026"
    with pytest.raises(DeferredInPastError):
        sms(deferred=NOW - timedelta(minutes=1))


def test_naive_deferred_is_read_in_the_given_zone() -> None:
    """A naive time is the caller's wall time; OVH gets it as Paris wall time."""
    new_york = sms(
        deferred=datetime(2026, 12, 24, 8, 0),  # noqa: DTZ001
        time_zone=ZoneInfo("America/New_York"),
    )
    assert new_york.deferred == datetime(2026, 12, 24, 13, 0, tzinfo=UTC)
    assert form(new_york, [ALICE])["deferred"] == "140024122026"


def test_deferred_time_skipped_by_the_clocks_is_refused() -> None:
    """02:30 on the night Paris springs forward does not exist: refused, naming it."""
    with pytest.raises(NonexistentLocalTimeError) as err:
        sms(deferred=datetime(2027, 3, 28, 2, 30), time_zone=PARIS)  # noqa: DTZ001
    assert (err.value.deferred, err.value.time_zone) == ("2027-03-28 02:30:00", "Europe/Paris")


def test_deferred_time_repeated_by_the_clocks_is_the_first() -> None:
    """02:30 on the night Paris falls back happens twice: the first (summer time) is taken."""
    first = sms(deferred=datetime(2026, 10, 25, 2, 30), time_zone=PARIS)  # noqa: DTZ001
    assert first.deferred.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert form(first, [ALICE])["deferred"] == "023025102026"


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
        (
            (
                '<?xml version="1.0" encoding="UTF-8" ?><response><status>100</status>'
                "<creditLeft>1007</creditLeft><smsIds><smsId>10867690</smsId></smsIds></response>"
            ),
            Decimal(1007),
            ("10867690",),
        ),
        (
            (
                "<response>\n  <status>101</status>\n  <creditleft>230.50</creditleft>\n"
                "  <SmsIds><smsId>1</smsId><smsId>2</smsId></SmsIds>\n</response>\n"
            ),
            Decimal("230.50"),
            ("1", "2"),
        ),
    ],
)
def test_parse_success(body: str, credit: Decimal, ids: tuple[str, ...]) -> None:
    """JSON with either key casing, XML, text/plain and HTML answers are read."""
    answer = parse_answer(body)
    assert 100 <= answer.status < 200
    assert (answer.credits_left, answer.sms_ids) == (credit, ids)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Internal error",
        "<html>Bad gateway</html>",
        "{}",
        "[1]",
        "OK",
        "<response><creditLeft>1007</creditLeft></response>",
        "<response><status>one hundred</status></response>",
        "<?xml version='1.0'?><response><status>100",
    ],
)
def test_unreadable_answer_is_outcome_unknown(body: str) -> None:
    """A 200 answer that cannot be read may hide a sent SMS."""
    with pytest.raises(OutcomeUnknownError):
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
        ({"status": 500}, SmsRefusedError, "no reason given"),
    ],
)
async def test_refusals(
    client: Http2SmsClient,
    aioclient_mock: AiohttpClientMocker,
    answer: dict[str, Any],
    error: type[SmsRefusedError],
    reason: str,
) -> None:
    """Each OVH status maps to its error, keeping OVH's reason without the doc link."""
    aioclient_mock.post(ENDPOINT, json=answer)
    with pytest.raises(SmsRefusedError) as err:
        await client.send(sms())
    assert type(err.value) is error
    assert (err.value.status, err.value.reason) == (answer["status"], reason)


async def test_xml_refusal(client: Http2SmsClient, aioclient_mock: AiohttpClientMocker) -> None:
    """OVH's XML refusal is read like the JSON one: nothing sent, its reason kept."""
    aioclient_mock.post(
        ENDPOINT,
        text='<?xml version="1.0" encoding="UTF-8" ?><response><status>201</status>'
        "<message>Missing message. For more informations : http://guides.ovh.com/httpToSms"
        "</message></response>",
        headers={"Content-Type": "application/xml"},
    )
    with pytest.raises(MissingParameterError) as err:
        await client.send(sms())
    assert err.value.reason == "Missing message."


@pytest.mark.parametrize(
    "endpoint",
    [
        ENDPOINT,
        " https://www.ovh.com/cgi-bin/sms/http2sms.cgi ",
        "http://127.0.0.1:8080/http2sms.cgi",
        "http://127.8.9.10/http2sms.cgi",
        "http://[::1]:8080/http2sms.cgi",
        "http://localhost:8080/http2sms.cgi",
        "HTTPS://sms.example.org/cgi",
    ],
)
def test_endpoints_the_password_may_travel_to(endpoint: str) -> None:
    """Https anywhere; plain http only to this machine (a local simulator)."""
    assert validate_endpoint(endpoint) == endpoint.strip()


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("http://www.ovh.com/cgi-bin/sms/http2sms.cgi", InsecureEndpointError),
        ("http://192.168.1.10/http2sms.cgi", InsecureEndpointError),
        ("http://localhost.example.org/http2sms.cgi", InsecureEndpointError),
        ("https://user:hunter2@www.ovh.com/cgi-bin/sms/http2sms.cgi", EndpointCredentialsError),
        ("http://user:hunter2@127.0.0.1/http2sms.cgi", EndpointCredentialsError),
        ("https://user@www.ovh.com/cgi-bin/sms/http2sms.cgi", EndpointCredentialsError),
        ("ftp://www.ovh.com/http2sms.cgi", InvalidEndpointError),
        ("www.ovh.com/cgi-bin/sms/http2sms.cgi", InvalidEndpointError),
        ("https://", InvalidEndpointError),
        ("http://[::1", InvalidEndpointError),
    ],
)
async def test_endpoints_refused(
    hass: HomeAssistant, endpoint: str, error: type[InvalidEndpointError]
) -> None:
    """Elsewhere the password would travel in clear or show with the URL: refused, URL untold."""
    with pytest.raises(InvalidEndpointError) as err:
        validate_endpoint(endpoint)
    assert type(err.value) is error
    assert "hunter2" not in str(err.value)
    with pytest.raises(error):
        Http2SmsClient(async_get_clientsession(hass), CREDENTIALS, endpoint=endpoint)


@pytest.mark.parametrize(
    ("reason", "error", "status"),
    [
        ("Missing message.", MissingParameterError, 201),
        ("Invalid tag: is too long", InvalidParameterError, 202),
        ("Something else", SmsRefusedError, 0),
    ],
)
async def test_text_refusal(
    client: Http2SmsClient,
    aioclient_mock: AiohttpClientMocker,
    reason: str,
    error: type[SmsRefusedError],
    status: int,
) -> None:
    """A text/plain KO is a refusal with its reason, its status read from the reason."""
    aioclient_mock.post(ENDPOINT, text=f"KO\n{reason} For more informations : http://x\n")
    with pytest.raises(SmsRefusedError) as err:
        await client.send(sms())
    assert (type(err.value), err.value.status, err.value.reason) == (error, status, reason)


@pytest.mark.parametrize(
    ("mock", "error"),
    [
        ({"status": 503, "text": "Service Unavailable"}, OvhServerError),
        ({"status": 500, "text": "<html>Internal Server Error</html>"}, OvhServerError),
        ({"status": 302, "text": ""}, OvhHttpError),
        ({"status": 404, "text": "Not Found"}, OvhHttpError),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            OvhConnectionError,
        ),
        ({"exc": aiohttp.ConnectionTimeoutError()}, OvhConnectionError),
        ({"exc": aiohttp.ServerDisconnectedError()}, OutcomeUnknownError),
        ({"exc": aiohttp.ClientPayloadError("truncated")}, OutcomeUnknownError),
        ({"exc": aiohttp.SocketTimeoutError()}, OutcomeUnknownError),
        ({"exc": TimeoutError()}, OutcomeUnknownError),
        ({"text": '{"status":100,"creditLe'}, OutcomeUnknownError),
    ],
)
async def test_transport_failures_are_never_retried(
    client: Http2SmsClient,
    aioclient_mock: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[OvhSmsError],
) -> None:
    """Each failure has its error, and exactly one request went out."""
    aioclient_mock.post(ENDPOINT, **mock)
    with pytest.raises(error) as err:
        await client.send(sms())
    assert aioclient_mock.call_count == 1
    assert PASSWORD not in str(err.value)


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


@pytest.mark.parametrize(
    ("mock", "status"),
    [
        ({"json": {"status": 202, "message": "Not enough credits."}}, 202),
        ({"text": "KO\nNot enough credits.\n"}, 0),
    ],
)
async def test_not_enough_credit(
    client: Http2SmsClient, aioclient_mock: AiohttpClientMocker, mock: dict[str, Any], status: int
) -> None:
    """OVH's refusal for an exhausted credit is told apart, with OVH's reason."""
    aioclient_mock.post(ENDPOINT, **mock)
    with pytest.raises(OvhSmsError) as err:
        await client.send(sms())
    assert type(err.value) is InsufficientCreditError
    assert (err.value.status, err.value.reason) == (status, "Not enough credits.")
    assert str(err.value) == f"OVH refused the SMS (status {status}): Not enough credits."
    assert aioclient_mock.call_count == 1


async def test_deadline_ends_a_trickling_answer(socket_enabled: None) -> None:
    """A server trickling its answer forever is given up at the deadline: outcome unknown.

    A byte comes every 0.05 s, so the read timeout (1 s) alone would never fire.
    """
    requests: list[bytes] = []
    trickled = 0
    handlers: list[asyncio.Task[None]] = []

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal trickled
        task = asyncio.current_task()
        assert task is not None
        handlers.append(task)
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)
        assert length is not None
        requests.append(head + await reader.readexactly(int(length[1])))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 1000000\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            while not reader.at_eof():
                writer.write(b" ")
                await writer.drain()
                trickled += 1
                await asyncio.sleep(0.05)
        writer.close()

    server = await asyncio.start_server(trickle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with aiohttp.ClientSession() as session:
            client = Http2SmsClient(
                session,
                CREDENTIALS,
                endpoint=f"http://127.0.0.1:{port}/cgi-bin/sms/http2sms.cgi",
                deadline=0.3,
                read_timeout=1,
            )
            # A guard only: without the deadline the send would never end.
            async with asyncio.timeout(3):
                with pytest.raises(OvhSmsError) as err:
                    await client.send(sms())
    finally:
        server.close()
        for handler in handlers:
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()
    assert type(err.value) is OutcomeUnknownError
    assert str(err.value) == (
        "The connection to OVH failed after the request was sent (TimeoutError); "
        "the SMS may have been sent"
    )
    assert len(requests) == 1
    assert b"to=0033612345678" in requests[0]
    assert trickled > 1


async def test_password_never_shown(
    client: Http2SmsClient, aioclient_mock: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """Not in repr(), nor in the URL, nor in any log line at DEBUG."""
    caplog.set_level(logging.DEBUG)
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await client.send(sms())
    assert PASSWORD not in repr(CREDENTIALS)
    assert PASSWORD not in repr(client)
    assert (client.account, client.login) == (ACCOUNT, LOGIN)
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
    for written in (national, "+33" + national[1:], "0033" + national[1:]):
        assert normalize_number(written, "FR") == "0033" + digits


def test_load_metadata_imports_every_numbering_plan() -> None:
    """After load_metadata, no number of any region imports a plan (a file read) any more."""
    load_metadata()
    modules = set(sys.modules)
    for number in ("+49 151 23456789", "+1 202 555 0143", "+81 90 1234 5678", "+800 1234 5678"):
        with contextlib.suppress(InvalidRecipientError):
            normalize_number(number)
    assert {"phonenumbers.data.region_DE", "phonenumbers.data.region_800"} <= modules
    assert set(sys.modules) == modules


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


@pytest.mark.parametrize("status", [201, 202, 204])
async def test_an_odd_success_status_may_have_sent(
    client: Http2SmsClient, aioclient_mock: AiohttpClientMocker, status: int
) -> None:
    """HTTP 2xx other than 200 is no http2sms answer, yet the service ran: outcome unknown."""
    aioclient_mock.post(ENDPOINT, status=status, text="")
    with pytest.raises(OvhServerError) as err:
        await client.send(sms())
    assert str(err.value) == f"OVH answered HTTP {status}; the SMS may have been sent"


@pytest.mark.parametrize("sizes", [{"batch_size": 0}, {"max_in_flight": 0}])
def test_a_client_that_could_never_send_is_refused(
    hass: HomeAssistant, sizes: dict[str, int]
) -> None:
    """Batches of nobody, or no request ever in flight, are programming errors."""
    with pytest.raises(ValueError, match="at least 1"):
        Http2SmsClient(Mock(), CREDENTIALS, **sizes)
