"""The request: the exact form OVH receives, each field checked first, where the password may go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
import logging
from unittest.mock import Mock
from zoneinfo import ZoneInfo

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.ovhsms import (
    DeferredInPastError,
    EndpointCredentialsError,
    Http2SmsClient,
    InsecureEndpointError,
    InvalidAccountError,
    InvalidEndpointError,
    InvalidSenderError,
    InvalidTagError,
    NonexistentLocalTimeError,
    SmsClass,
    SmsCoding,
    form,
    validate_account,
    validate_endpoint,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from tests.conftest import ACCOUNT, ALICE, ENDPOINT, LOGIN, PASSWORD, SUCCESS, sent_forms

from .conftest import CREDENTIALS, NOW, sms

PARIS = ZoneInfo("Europe/Paris")


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


@pytest.mark.parametrize("sizes", [{"batch_size": 0}, {"max_in_flight": 0}])
def test_a_client_that_could_never_send_is_refused(
    hass: HomeAssistant, sizes: dict[str, int]
) -> None:
    """Batches of nobody, or no request ever in flight, are programming errors."""
    with pytest.raises(ValueError, match="at least 1"):
        Http2SmsClient(Mock(), CREDENTIALS, **sizes)
