"""The http2sms simulator answers like OVH's guide says, so the end-to-end tests mean something."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
import logging
from typing import Any
from unittest.mock import AsyncMock

import aiohttp
import pytest

from simulator import OvhSimulator, SimulatorAnswer
from simulator.__main__ import main, parse_args, simulator_from
from tests.conftest import PASSWORD, LoopbackSimulator

GUIDE = " For more informations : http://guides.ovh.com/httpToSms"
VALID = {
    "account": "sms-ab1234-1",
    "login": "homeassistant",
    "password": "simulator",
    "from": "HomeAlarm",
    "to": "0033612345678",
    "message": "Door open",
    "noStop": "1",
}
HTML_HEAD = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<HTML>\n<HEAD>\n'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" >\n'
    "<title>HTTP2SMS</title>\n</HEAD>\n<BODY>\n"
)
SENT = SimulatorAnswer(status=100, credits_left=Decimal(1007), sms_ids=("10867690",))
MISSING = SimulatorAnswer(status=201, message="Missing message." + GUIDE)


@pytest.mark.parametrize(
    ("answer", "content_type", "body"),
    [
        (SENT, "application/json", '{"status":100,"creditLeft":"1007","SmsIds":["10867690"]}'),
        (MISSING, "text/json", f'{{"status":201,"message":"Missing message.{GUIDE}"}}'),
        (
            SENT,
            "text/xml",
            (
                '<?xml version="1.0" encoding="UTF-8" ?><response><status>100</status>'
                "<creditLeft>1007</creditLeft><smsIds><smsId>10867690</smsId></smsIds></response>"
            ),
        ),
        (
            MISSING,
            "application/xml",
            (
                '<?xml version="1.0" encoding="UTF-8" ?><response><status>201</status>'
                f"<message>Missing message.{GUIDE}</message></response>"
            ),
        ),
        (SENT, "text/html", f"{HTML_HEAD}OK<br>\n1007<br>\n10867690<br>\n</BODY>\n</HTML>\n"),
        (MISSING, "text/html", f"{HTML_HEAD}KO<br>Missing message.{GUIDE}<br>\n</BODY>\n</HTML>\n"),
        (SENT, "text/plain", "OK\n1007\n10867690"),
        (MISSING, "text/plain", f"KO\nMissing message.{GUIDE}"),
    ],
)
def test_answers_are_written_as_in_ovh_guide(
    answer: SimulatorAnswer, content_type: str, body: str
) -> None:
    """Every content type has the guide's exact layout."""
    assert answer.render(content_type) == body


def test_a_fractional_credit_has_two_decimals() -> None:
    """Outside metropolitan France credits are fractional, written like "230.50"."""
    answer = SimulatorAnswer(status=100, credits_left=Decimal("230.5"), sms_ids=("1",))
    assert answer.render("application/json") == (
        '{"status":100,"creditLeft":"230.50","SmsIds":["1"]}'
    )
    assert answer.render("text/plain") == "OK\n230.50\n1"


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"account": ""}, 201, "Missing account."),
        ({"login": ""}, 201, "Missing login."),
        ({"password": ""}, 201, "Missing password."),
        ({"account": "ab1234"}, 202, "Invalid smsAccount, it should look like 'sms-ab1234-1'."),
        ({"password": "wrong"}, 202, "Invalid login or password for this account."),
        ({"login": "other"}, 202, "Invalid login or password for this account."),
        ({"to": ""}, 201, "Missing to."),
        ({"to": " 33612345678"}, 202, "Invalid to: numbers are international, like 0033612345678."),
        ({"to": "0033612345678,0612345678"}, 202, "Invalid to: numbers are international"),
        ({"message": " "}, 201, "Missing message."),
        ({"from": ""}, 201, "Missing from."),
        ({"from": "Other"}, 241, "Sender not found."),
        ({"class": "4"}, 202, "Invalid class."),
        ({"smsCoding": "3"}, 202, "Invalid smsCoding."),
        ({"noStop": "yes"}, 202, "Invalid noStop."),
        ({"deferred": "1830190720"}, 202, "Invalid deferred time."),
        ({"deferred": "253019072020"}, 202, "Invalid deferred time."),
        ({"tag": "t" * 21}, 202, "Invalid tag: is too long"),
    ],
)
def test_bad_requests_are_refused_like_ovh_does(
    change: dict[str, str], status: int, text: str
) -> None:
    """Each check of the guide refuses, with its status, and nothing is charged."""
    ovh = OvhSimulator()
    answer = ovh.handle(VALID | change)
    assert answer.status == status
    assert answer.message.startswith(text)
    assert answer.message.endswith(GUIDE)
    assert ovh.sent == []
    assert ovh.credits == Decimal(100)


def test_the_401_switch_refuses_good_requests() -> None:
    """An SMS user whose allowed IPs do not include the caller gets 401."""
    ovh = OvhSimulator(unauthorized=True)
    assert ovh.handle(VALID).status == 401
    assert ovh.sent == []


def test_credit_drops_by_recipients_times_parts() -> None:
    """Two recipients of a two-part commercial SMS cost four credits; ids are one per number."""
    ovh = OvhSimulator(credit_per_segment=Decimal("0.5"))
    # 150 GSM characters fit one SMS, but not with the 11-character STOP mention.
    answer = ovh.handle(
        VALID
        | {
            "to": "0033612345678,0033798765432",
            "message": "a" * 150,
            "noStop": "0",
            "class": "0",
            "tag": "alarm",
            "deferred": "183019072099",
        },
        now=datetime(2099, 1, 1, tzinfo=UTC),
    )
    assert answer == SimulatorAnswer(100, "", Decimal(98), ("10867690", "10867691"))
    [sms] = ovh.sent
    assert (sms.segments, sms.credits_used, sms.no_stop) == (2, Decimal(2), False)
    assert sms.deferred == datetime(2099, 7, 19, 18, 30)  # noqa: DTZ001
    assert (sms.sms_class, sms.tag) == ("0", "alarm")
    assert ovh.handle(VALID | {"senderForResponse": "1", "from": ""}).sms_ids == ("10867692",)


def test_coding_follows_the_request_or_the_text() -> None:
    """Without smsCoding, a character outside GSM makes the SMS Unicode (70 per SMS)."""
    ovh = OvhSimulator()
    ovh.handle(VALID | {"message": "ê" * 71})
    ovh.handle(VALID | {"message": "e" * 71, "smsCoding": "2"})
    ovh.handle(VALID | {"message": "e" * 71})
    assert [sms.segments for sms in ovh.sent] == [2, 2, 1]


def test_extension_characters_and_emoji_cost_two() -> None:
    """€ costs two GSM characters, an emoji two UCS-2 ones: 80 € fit one SMS, 81 need two."""
    ovh = OvhSimulator()
    for text in ("€" * 80, "€" * 81, "😀" * 35, "😀" * 36):
        ovh.handle(VALID | {"message": text})
    assert [(sms.coding.name, sms.segments) for sms in ovh.sent] == [
        ("GSM7", 1),
        ("GSM7", 2),
        ("UCS2", 1),
        ("UCS2", 2),
    ]
    assert ovh.credits == Decimal(94)


def test_a_message_longer_than_six_sms_is_refused() -> None:
    """OVH joins at most 6 parts: 918 GSM characters pass, 919 are refused and cost nothing."""
    ovh = OvhSimulator()
    assert ovh.handle(VALID | {"message": "a" * 918}).status == 100
    answer = ovh.handle(VALID | {"message": "a" * 919})
    assert (answer.status, answer.message) == (202, "Invalid message: 7 SMS, at most 6." + GUIDE)
    assert [sms.segments for sms in ovh.sent] == [6]
    assert ovh.credits == Decimal(94)


def test_an_exhausted_credit_refuses_the_sms() -> None:
    """A send that costs more than the credit left is refused and charges nothing."""
    ovh = OvhSimulator(credits=Decimal("0.5"))
    answer = ovh.handle(VALID)
    assert (answer.status, answer.message) == (202, "Not enough credits." + GUIDE)
    assert ovh.credits == Decimal("0.5")


async def post(url: str, data: dict[str, str], **kwargs: Any) -> tuple[str, str]:
    """POST a form to the simulator; return the content type and body."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=data, **kwargs) as response,
    ):
        return response.content_type, await response.text()


async def test_http_get_post_and_content_types(simulator: LoopbackSimulator) -> None:
    """GET and POST both send; the answer has the requested content type, text/plain otherwise."""
    form = VALID | {"password": PASSWORD}
    async with (
        aiohttp.ClientSession() as session,
        session.get(simulator.endpoint, params=form) as response,
    ):
        assert response.content_type == "text/plain"
        assert await response.text() == "OK\n99\n10867690"
    assert await post(simulator.endpoint, form | {"contentType": "text/json"}) == (
        "text/json",
        '{"status":100,"creditLeft":"98","SmsIds":["10867691"]}',
    )
    content_type, body = await post(simulator.endpoint, form | {"contentType": "image/png"})
    assert (content_type, body.splitlines()[0]) == ("text/plain", "OK")


async def test_page_shows_each_sms_and_switches_401(simulator: LoopbackSimulator) -> None:
    """The page lists what was sent, newest first, and its button switches the 401 answer."""
    form = VALID | {"password": PASSWORD}
    await post(simulator.endpoint, form | {"message": "First\rline & more\n", "tag": "door"})
    await post(
        simulator.endpoint,
        form | {"message": "Second", "noStop": "0", "from": "", "senderForResponse": "1"},
    )
    page_url = simulator.endpoint.split("/cgi-bin")[0] + "/"
    async with aiohttp.ClientSession() as session:
        async with session.get(page_url) as response:
            page = await response.text()
        assert page.index("Second") < page.index("First\nline &amp; more\N{SYMBOL FOR LINE FEED}")
        assert "Credit left: <b id=credit>98</b>" in page
        assert "commercial (STOP)" in page
        assert "tag door" in page
        assert "<i>short number</i>" in page
        async with session.post(page_url + "unauthorized", data={"unauthorized": "1"}) as response:
            assert response.url.path == "/"
            assert "Answering 401 (IP not allowed): <b>yes</b>" in await response.text()
    assert simulator.ovh.unauthorized
    assert (await post(simulator.endpoint, form))[1].startswith("KO\nUnauthorized IP address.")


async def test_page_shows_and_sets_the_answer_delay(
    simulator: LoopbackSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """The page shows the answer delay in a form; posting it sets the delay and logs it."""
    page_url = simulator.endpoint.split("/cgi-bin")[0] + "/"
    caplog.set_level(logging.INFO, logger="simulator.page")
    async with aiohttp.ClientSession() as session:
        async with session.get(page_url) as response:
            page = await response.text()
        assert (
            "<form method=post action=/answer-delay>\n"
            "Answer delay: <b id=answer-delay>0</b> s\n"
            "<input name=seconds type=number min=0 step=any value=0>\n"
            "<button>Set the delay</button></form>"
        ) in page
        async with session.post(page_url + "answer-delay", data={"seconds": "0.5"}) as response:
            assert (response.url.path, response.history[0].status) == ("/", 303)
            page = await response.text()
    assert "Answer delay: <b id=answer-delay>0.5</b> s" in page
    assert "<input name=seconds type=number min=0 step=any value=0.5>" in page
    assert simulator.ovh.answer_delay == 0.5
    assert [
        (record.levelno, record.getMessage())
        for record in caplog.records
        if record.name == "simulator.page"
    ] == [(logging.INFO, "Answering each request after 0.5 s")]


@pytest.mark.parametrize("seconds", ["-0.5", "soon", "", "nan", "inf"])
async def test_a_bad_answer_delay_is_refused(simulator: LoopbackSimulator, seconds: str) -> None:
    """Only a finite number of seconds, 0 or more, is a delay: anything else is a 400."""
    simulator.ovh.answer_delay = 0.25
    page_url = simulator.endpoint.split("/cgi-bin")[0] + "/"
    async with (
        aiohttp.ClientSession() as session,
        session.post(page_url + "answer-delay", data={"seconds": seconds}) as response,
    ):
        assert (response.status, await response.text()) == (
            400,
            "The answer delay is a number of seconds, 0 or more.",
        )
    assert simulator.ovh.answer_delay == 0.25


async def test_the_endpoint_answers_after_the_delay(
    simulator: LoopbackSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request waits the delay before it is handled; requests in flight wait together."""
    delays: list[float] = []
    both_waiting = asyncio.Event()
    release = asyncio.Event()

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 2:
            both_waiting.set()
        await release.wait()

    monkeypatch.setattr("simulator.account.sleep", sleep)
    form = VALID | {"password": PASSWORD}
    assert await post(simulator.endpoint, form) == ("text/plain", "OK\n99\n10867690")
    assert delays == []
    simulator.ovh.answer_delay = 0.25
    sends = [asyncio.create_task(post(simulator.endpoint, form)) for _ in range(2)]
    async with asyncio.timeout(10):  # only so that a regression fails instead of hanging
        await both_waiting.wait()
    assert delays == [0.25, 0.25]
    assert len(simulator.ovh.requests) == 1
    assert not any(send.done() for send in sends)
    release.set()
    answers = await asyncio.gather(*sends)
    assert sorted(body for _, body in answers) == ["OK\n97\n10867692", "OK\n98\n10867691"]
    assert len(simulator.ovh.requests) == 3


def test_command_line_describes_the_account() -> None:
    """``python -m simulator`` options set the account, senders and credit."""
    args = parse_args(
        [
            "--port",
            "9000",
            "--sender",
            "Home",
            "--sender",
            "Alarm",
            "--credits",
            "12.5",
            "--password",
            "hunter2",
        ]
    )
    ovh = simulator_from(args)
    assert args.port == 9000
    assert (ovh.senders, ovh.credits, ovh.unauthorized) == (
        ("Home", "Alarm"),
        Decimal("12.5"),
        False,
    )
    assert simulator_from(parse_args(["--unauthorized"])).senders == ("HomeAlarm",)
    assert "hunter2" not in repr(ovh)


def test_command_line_sets_the_answer_delay(capsys: pytest.CaptureFixture[str]) -> None:
    """``--answer-delay SECONDS`` makes the simulator answer late; it answers at once by default."""
    assert simulator_from(parse_args(["--answer-delay", "0.1"])).answer_delay == 0.1
    assert simulator_from(parse_args([])).answer_delay == 0.0
    with pytest.raises(SystemExit):
        parse_args(["--answer-delay", "-1"])
    assert capsys.readouterr().err.endswith(
        "argument --answer-delay: The answer delay is a number of seconds, 0 or more.\n"
    )


def test_main_serves_the_simulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() prints where things are and serves the simulator's application there."""
    serve = AsyncMock()
    monkeypatch.setattr("simulator.__main__.serve", serve)
    main(["--port", "9001"])
    _simulator, host, port, page_port, _context = serve.await_args.args
    assert (host, port, page_port) == ("127.0.0.1", 9001, 9002)
    assert "http://127.0.0.1:9001/cgi-bin/sms/http2sms.cgi" in capsys.readouterr().out
