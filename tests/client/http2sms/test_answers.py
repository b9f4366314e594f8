"""OVH's answers: successes in every content type, each refusal as its error, unreadable ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.ovhsms import (
    AuthenticationError,
    Http2SmsClient,
    InsufficientCreditError,
    InvalidParameterError,
    IpNotAuthorizedError,
    MissingParameterError,
    OutcomeUnknownError,
    OvhSmsError,
    SenderNotFoundError,
    SmsRefusedError,
    parse_answer,
)
from tests.conftest import ENDPOINT, PASSWORD

from .conftest import sms


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
