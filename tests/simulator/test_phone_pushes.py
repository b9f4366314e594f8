"""The simulator pushes delivery reports and replies to their URLs, with OVH's parameters."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
import socket
from unittest.mock import AsyncMock

from aiohttp import web
import pytest

from simulator import (
    DEFAULT_APPLICATION_KEY,
    AccessRule,
    OvhApiSimulator,
    OvhSimulator,
)
from simulator.__main__ import main, parse_args, simulator_from
from simulator.page import Page
from simulator.phone import Pusher

from .conftest import (
    ALICE,
    NOT_GRANTED_CALL,
    NOW,
    REPLY_ID,
    SHORT,
    SMS,
    Client,
    Receiver,
    bad_request,
    send,
)

SIMULATOR = Path(__file__).parents[2] / "simulator"


def account_writer(api: Client, ovh: OvhSimulator) -> Client:
    """Give a client whose key may PUT /sms/* (the integration never asks for it)."""
    key = ovh.api.add_credential(
        DEFAULT_APPLICATION_KEY, [AccessRule("GET", "/sms/*"), AccessRule("PUT", "/sms/*")]
    )
    ovh.api.validate(key.consumer_key)
    return Client(api.session, api.base, api.clock, consumer_key=key.consumer_key)


async def test_put_sets_the_push_urls(api: Client, ovh: OvhSimulator) -> None:
    """PUT /sms/{s} sets callBack and smsResponse; read-only fields are ignored; null clears."""
    writer = account_writer(api, ovh)
    body = {
        "description": "Home",
        "callBack": "https://ha.example/api/webhook/abc",
        "stopCallBack": "https://ha.example/stop",
        "smsResponse": {"responseType": "cgi", "cgiUrl": "https://ha.example/api/webhook/abc"},
        "name": "ignored",
        "creditsLeft": 1000,
    }
    not_granted = await api.call("PUT", SMS, body)
    put = await writer.call("PUT", SMS, body)
    account = await writer.call("GET", SMS)
    assert (not_granted.status, not_granted.body) == (403, NOT_GRANTED_CALL)
    assert (put.status, put.body) == (200, None)
    assert account.body == {
        "name": "sms-ab1234-1",
        "description": "Home",
        "status": "enable",
        "creditsLeft": 100,
        "creditsHoldByQuota": 0,
        "userQuantityWithQuota": 0,
        "callBack": "https://ha.example/api/webhook/abc",
        "stopCallBack": "https://ha.example/stop",
        "smsResponse": {"responseType": "cgi", "cgiUrl": "https://ha.example/api/webhook/abc"},
    }
    cleared = await writer.call(
        "PUT", SMS, {"callBack": None, "smsResponse": {"responseType": "none", "cgiUrl": None}}
    )
    described = await writer.call("PUT", SMS, {"description": "Alarm"})
    account = await writer.call("GET", SMS)
    assert (cleared.status, described.status) == (200, 200)
    assert (account.body["callBack"], account.body["description"], account.body["smsResponse"]) == (
        "",
        "Alarm",
        {"responseType": "none", "cgiUrl": ""},
    )
    assert account.body["stopCallBack"] == "https://ha.example/stop"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"templates": {}}, "templates is not simulated"),
        ({"foo": 1}, "Unknown body parameter foo"),
        ({"callBack": 5}, "[callBack] Given data (5) is not valid for type string"),
        (
            {"callBack": "ftp://ha.example"},
            "[callBack] Given data (ftp://ha.example) is not an http or https URL",
        ),
        (
            {"stopCallBack": "nowhere"},
            "[stopCallBack] Given data (nowhere) is not an http or https URL",
        ),
        (
            {"smsResponse": "cgi"},
            "[smsResponse] Given data (cgi) is not valid for type sms.Response",
        ),
        ({"smsResponse": {}}, "[smsResponse.responseType] Property is mandatory"),
        (
            {"smsResponse": {"responseType": "sms"}},
            (
                "[smsResponse.responseType] Given data (sms) does not belong to the "
                "sms.ResponseTypeEnum enumeration"
            ),
        ),
        (
            {"smsResponse": {"responseType": "text", "text": "Thanks"}},
            "smsResponse.text is not simulated",
        ),
        ({"smsResponse": {"responseType": "cgi", "url": "x"}}, "Unknown body parameter url"),
        (
            {
                "callBack": "https://ha.example/ok",
                "smsResponse": {"responseType": "cgi", "cgiUrl": "ha.example"},
            },
            "[smsResponse.cgiUrl] Given data (ha.example) is not an http or https URL",
        ),
        ([], "The input that you provided isn't valid JSON or not well formatted"),
    ],
)
async def test_bad_account_changes_change_nothing(
    api: Client, ovh: OvhSimulator, body: object, message: str
) -> None:
    """Each refused PUT /sms/{s} is a 400 with its message, and sets nothing."""
    answer = await account_writer(api, ovh).call("PUT", SMS, body)
    assert (answer.status, answer.body) == (400, bad_request(message))
    assert (ovh.api.callback_url, ovh.api.reply_url, ovh.api.response_type) == ("", "", "cgi")


async def test_pushes_reach_the_urls_with_ovh_parameters(
    api: Client, ovh: OvhSimulator, receiver: Receiver
) -> None:
    """Each delivery change and each reply is a GET of its URL, with OVH's parameters."""
    form = {"callback_url": f"{receiver.base}/report?token=abc", "reply_url": f"{receiver.base}/in"}
    assert (await api.post_form("/api/push", form)).status == 303
    ovh.api.deliver_after = 30
    [sms_id] = await send(api, SHORT)
    await api.call("GET", f"{SMS}/outgoing")
    api.clock.now = NOW + 45
    await api.call("GET", f"{SMS}/outgoing")
    await api.post_form("/api/reply", {"id": str(sms_id), "message": "Yes, all fine & more"})
    await ovh.api.pusher.wait()
    report = {"id": str(sms_id), "receiver": ALICE, "token": "abc"}
    assert receiver.calls == [
        (
            "GET",
            "/report",
            report
            | {
                "ptt": "3",
                "date": "2027-01-15T08:00:00+00:00",
                "description": "Accepted by the operator",
                "descriptionDlr": "Pending",
            },
        ),
        (
            "GET",
            "/report",
            report
            | {
                "ptt": "4",
                "date": "2027-01-15T08:00:30+00:00",
                "description": "Delivered",
                "descriptionDlr": "Delivered",
            },
        ),
        (
            "GET",
            "/in",
            {
                "shortcode": "38100",
                "tag": "door",
                "id": str(REPLY_ID),
                "senderid": ALICE,
                "message": "Yes, all fine & more",
            },
        ),
    ]
    ovh.api.set_delivery(sms_id, "expired")
    await ovh.api.pusher.wait()
    assert receiver.calls[-1][2] | {"date": ""} == report | {
        "ptt": "8",
        "date": "",
        "description": "Expired",
        "descriptionDlr": "Failed",
    }
    _, page = await api.page()
    assert "<p>Pushes failed: <b id=push-failures>0</b>.</p>" in page
    assert (
        f"<td>reply</td><td>{receiver.base}/in</td><td>shortcode=38100<br>tag=door<br>"
        f"id={REPLY_ID}<br>senderid=+33612345678<br>message=Yes, all fine &amp; more</td>"
        "<td class=ok>HTTP 200</td></tr>"
    ) in page
    assert f'name=reply_url size=50\nvalue="{receiver.base}/in"> (response type <b>cgi</b>)' in page


async def test_no_push_without_a_url_or_with_another_response_type(
    api: Client, ovh: OvhSimulator, receiver: Receiver
) -> None:
    """Without callBack nothing is pushed; smsResponse "none" pushes no reply."""
    [sms_id] = await send(api, SHORT)
    ovh.api.set_delivery(sms_id, "delivered")
    ovh.api.reply(sms_id, "Yes")
    ovh.api.reply_url, ovh.api.response_type = f"{receiver.base}/in", "none"
    ovh.api.reply(sms_id, "Again")
    await ovh.api.pusher.wait()
    assert (ovh.api.pusher.calls, receiver.calls) == ([], [])


async def test_push_failures_are_shown_never_raised(
    api: Client, ovh: OvhSimulator, receiver: Receiver
) -> None:
    """A URL answering 500 or refusing connections is logged and shown; the SMS goes on."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refusing = f"http://127.0.0.1:{closed.getsockname()[1]}/report"
    ovh.api.set_push(f"{receiver.base}/fail", refusing)
    [sms_id] = await send(api, SHORT)
    ovh.api.set_delivery(sms_id, "delivered")
    ovh.api.reply(sms_id, "Yes")
    await ovh.api.pusher.wait()
    outcomes = [(call.kind, call.ok, call.outcome) for call in ovh.api.pusher.calls]
    assert outcomes[0] == ("delivery report", False, "failed: HTTP 500")
    assert outcomes[1][:2] == ("reply", False)
    assert str(outcomes[1][2]).startswith("failed: ClientConnectorError Cannot connect to host")
    out = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    assert (out.status, out.body["deliveryReceipt"]) == (200, 1)
    _, page = await api.page()
    assert "<p>Pushes failed: <b id=push-failures>2</b>.</p>" in page
    assert "<td class=failed>failed: HTTP 500</td></tr>" in page


async def test_pushes_in_flight_are_cancelled_at_cleanup(
    receiver: Receiver, socket_enabled: None
) -> None:
    """A push still waiting when the simulator stops is cancelled; the page said in flight."""
    ovh = OvhSimulator(api=OvhApiSimulator(callback_url=f"{receiver.base}/hang"))
    ovh.handle(
        {
            "account": ovh.account,
            "login": ovh.login,
            "password": ovh.password,
            "from": "HomeAlarm",
            "to": "0033612345678",
            "message": "Door open",
        }
    )
    runner = web.AppRunner(ovh.application())
    await runner.setup()
    ovh.api.set_delivery(10867690, "delivered")
    async with asyncio.timeout(5):
        await receiver.arrived.get()
    page = Page(ovh, ovh.api, ovh.reachability).render()
    await runner.cleanup()
    assert "<td class=ok>in flight</td></tr>" in page
    assert [(call.ok, call.outcome) for call in ovh.api.pusher.calls] == [(None, None)]


async def test_a_push_without_the_application_is_not_sent() -> None:
    """Outside a running application there is no session: the push is recorded, not sent."""
    ovh = OvhSimulator(api=OvhApiSimulator(callback_url="http://127.0.0.1:9/report"))
    ovh.handle(
        {
            "account": ovh.account,
            "login": ovh.login,
            "password": ovh.password,
            "from": "HomeAlarm",
            "to": "0033612345678",
            "message": "Door open",
        }
    )
    ovh.api.set_delivery(10867690, "failed")
    await ovh.api.pusher.wait()
    await Pusher().stop()
    assert [(call.ok, call.outcome) for call in ovh.api.pusher.calls] == [
        (False, "not sent: the simulator is not serving")
    ]


async def test_the_page_sets_the_push_urls(api: Client, ovh: OvhSimulator) -> None:
    """The page's push form sets both URLs; a bad one is a 400 and changes nothing."""
    bad = await api.post_form("/api/push", {"callback_url": "ha.local", "reply_url": ""})
    set_both = await api.post_form(
        "/api/push",
        {"callback_url": " http://ha.local:8123/api/webhook/x ", "reply_url": "http://ha.local/r"},
    )
    assert (bad.status, set_both.status) == (400, 303)
    assert (ovh.api.callback_url, ovh.api.reply_url, ovh.api.response_type) == (
        "http://ha.local:8123/api/webhook/x",
        "http://ha.local/r",
        "cgi",
    )
    ovh.api.response_type = "none"
    await api.post_form("/api/push", {"callback_url": "", "reply_url": ""})
    assert (ovh.api.callback_url, ovh.api.reply_url, ovh.api.response_type) == ("", "", "none")


def test_command_line_sets_the_phone(capsys: pytest.CaptureFixture[str]) -> None:
    """--deliver-after, --callback-url and --reply-url; bad values are refused."""
    ovh = simulator_from(
        parse_args(
            [
                "--deliver-after",
                "30",
                "--callback-url",
                "http://127.0.0.1:8123/api/webhook/x",
                "--reply-url",
                "https://ha.example/r",
            ]
        )
    )
    assert (ovh.api.deliver_after, ovh.api.callback_url, ovh.api.reply_url) == (
        30,
        "http://127.0.0.1:8123/api/webhook/x",
        "https://ha.example/r",
    )
    defaults = simulator_from(parse_args([])).api
    assert (defaults.deliver_after, defaults.callback_url, defaults.reply_url) == (None, "", "")
    with pytest.raises(SystemExit):
        parse_args(["--callback-url", "webhook"])
    assert capsys.readouterr().err.endswith(
        "argument --callback-url: [callBack] Given data (webhook) is not an http or https URL\n"
    )
    with pytest.raises(SystemExit):
        parse_args(["--deliver-after", "-5"])
    with pytest.raises(ValueError, match=r"^\[cgiUrl\] Given data \(x\) is not an http"):
        OvhApiSimulator(reply_url="x")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            [],
            (
                "simulator: the phone is the page: mark each SMS delivered, failed or expired, "
                "answer the SMS sent from the short number, text the virtual numbers "
                "(33644000001); automatic delivery: never; reports pushed to nowhere, replies "
                "to nowhere"
            ),
        ),
        (
            [
                "--deliver-after",
                "2.5",
                "--callback-url",
                "http://h/c",
                "--reply-url",
                "http://h/r",
                "--virtual-number",
                "33644000002",
            ],
            (
                "simulator: the phone is the page: mark each SMS delivered, failed or expired, "
                "answer the SMS sent from the short number, text the virtual numbers "
                "(33644000002); automatic delivery: after 2.5 s; "
                "reports pushed to http://h/c, replies to http://h/r"
            ),
        ),
    ],
)
def test_main_prints_the_phone(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    line: str,
) -> None:
    """main() says how the phone is played."""
    monkeypatch.setattr("simulator.__main__.serve", AsyncMock())
    main(argv)
    assert capsys.readouterr().out.splitlines()[2] == line


def test_the_phone_imports_nothing_from_the_integration() -> None:
    """phone.py, like the rest of the simulator, stays an independent witness."""
    tree = ast.parse((SIMULATOR / "phone.py").read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported == {
        "__future__",
        "asyncio",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "logging",
        "typing",
        "urllib.parse",
        "aiohttp",
    }
