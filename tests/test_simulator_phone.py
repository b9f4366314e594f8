"""The simulator plays the phone: delivery progress, replies, and their pushes, like OVH.

The API is called as in test_simulator_api (signed, over loopback HTTP, the
clock set by the test); the pushes reach an aiohttp server of the test's own.
"""

from __future__ import annotations

import ast
import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
import socket
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulator import (
    DEFAULT_APPLICATION_KEY,
    ENDPOINT_PATH,
    AccessRule,
    OvhApiSimulator,
    OvhSimulator,
)
from simulator.__main__ import main, parse_args, simulator_from
from simulator.page import Page
from simulator.phone import Pusher

from .conftest import LoopbackSimulator
from .test_simulator_api import (
    JOB,
    NOT_GRANTED_CALL,
    NOW,
    SMS,
    Client,
    Clock,
    bad_request,
    not_found,
)

SIMULATOR = Path(__file__).parent.parent / "simulator"
ALICE = "+33612345678"
BOB = "+33798765432"
# An SMS from the short number (senderForResponse): the only kind replies reach.
SHORT = {"message": "Are you home?", "receivers": [ALICE], "senderForResponse": True, "tag": "door"}
REPLY_ID = 20000001


def outgoing(sms_id: int, **changes: Any) -> dict[str, Any]:
    """Write an outgoing SMS of JOB sent at NOW, as GET /outgoing/{id} shows it."""
    return {
        "id": sms_id,
        "creationDatetime": "2027-01-15T08:00:00+00:00",
        "message": "Door open",
        "messageLength": 9,
        "sender": "HomeAlarm",
        "receiver": ALICE,
        "numberOfSms": 1,
        "credits": 1,
        "differedDelivery": 0,
        "deliveryReceipt": 0,
        "ptt": 0,
        "sentAt": "2027-01-15T08:00:00+00:00",
        "deliveredAt": None,
        "batchID": None,
        "messageID": None,
        "tag": "",
    } | changes


@pytest.fixture
def ovh(simulator: LoopbackSimulator) -> OvhSimulator:
    """Give the simulated account, served on loopback."""
    return simulator.ovh


@pytest.fixture
async def api(simulator: LoopbackSimulator) -> AsyncGenerator[Client]:
    """Give a client of the simulator's API with its pre-validated keys; the clock at NOW."""
    clock = Clock()
    simulator.ovh.api.clock = clock
    async with aiohttp.ClientSession() as session:
        yield Client(session, simulator.endpoint.removesuffix(ENDPOINT_PATH), clock)


@dataclass
class Receiver:
    """A server standing for Home Assistant's webhook: it records every call."""

    base: str
    calls: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    hold: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Queue[dict[str, str]] = field(default_factory=asyncio.Queue)


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncGenerator[Receiver]:
    """Serve on loopback: /fail answers 500, /hang waits for hold, anything else 200."""
    hold = asyncio.Event()
    calls: list[tuple[str, str, dict[str, str]]] = []
    arrived: asyncio.Queue[dict[str, str]] = asyncio.Queue()

    async def handle(request: web.Request) -> web.Response:
        calls.append((request.method, request.path, dict(request.query)))
        arrived.put_nowait(dict(request.query))
        if request.path == "/hang":
            await hold.wait()
        return web.Response(status=500 if request.path == "/fail" else 200)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield Receiver(f"http://{host}:{port}", calls, hold, arrived)
    hold.set()
    await runner.cleanup()


async def send(api: Client, body: dict[str, Any]) -> list[int]:
    """Send a job; return its ids."""
    answer = await api.call("POST", f"{SMS}/jobs", body)
    assert answer.status == 200, answer.body
    ids: list[int] = answer.body["ids"]
    return ids


async def test_delivery_states_and_their_fields(api: Client, ovh: OvhSimulator) -> None:
    """Pending until the phone reports: delivered (1, 4), failed (2, 5), expired (2, 8)."""
    first, second, third = await send(api, JOB | {"receivers": [ALICE, BOB, "+33611111111"]})
    pending = await api.call("GET", f"{SMS}/outgoing/{first}")
    assert (pending.status, pending.body) == (200, outgoing(first))
    api.clock.now = NOW + 30
    marks = [
        await api.post_form("/api/delivery", {"id": str(sms_id), "state": state})
        for sms_id, state in ((first, "delivered"), (second, "failed"), (third, "expired"))
    ]
    assert [mark.status for mark in marks] == [303, 303, 303]
    bodies = [(await api.call("GET", f"{SMS}/outgoing/{i}")).body for i in (first, second, third)]
    assert bodies == [
        outgoing(first, deliveryReceipt=1, ptt=4, deliveredAt="2027-01-15T08:00:30+00:00"),
        outgoing(second, receiver=BOB, deliveryReceipt=2, ptt=5),
        outgoing(third, receiver="+33611111111", deliveryReceipt=2, ptt=8),
    ]
    filtered = [
        (await api.call("GET", f"{SMS}/outgoing?{query}")).body
        for query in ("deliveryReceipt=2", "ptt=8", "ptt=4", "deliveryReceipt=0")
    ]
    assert filtered == [[second, third], [third], [first], []]
    _, page = await api.page()
    assert (
        f"<td id=delivery-{second}><b>failed</b>: deliveryReceipt 2, ptt 5 (undelivered), "
        "2027-01-15T08:00:30+00:00<form method=post action=/api/delivery>"
        f"<input type=hidden name=id value={second}>"
        "<button name=state value=delivered>Delivered</button></form>"
    ) in page
    assert "<button name=state value=expired>Expired</button>" in page
    accepted = ovh.api.set_delivery(first, "accepted")
    assert (accepted.state, accepted.receipt, accepted.ptt) == ("accepted", 0, 3)
    again = await api.call("GET", f"{SMS}/outgoing/{first}")
    assert (again.body["deliveryReceipt"], again.body["ptt"], again.body["deliveredAt"]) == (
        0,
        3,
        None,
    )


async def test_only_sent_sms_take_a_delivery_state(api: Client, ovh: OvhSimulator) -> None:
    """A pending job, a cancelled one or an unknown id is refused, by the page as by the method."""
    [deferred] = await send(api, JOB | {"differedPeriod": 10})
    [cancelled] = await send(api, JOB | {"differedPeriod": 10})
    await api.call("DELETE", f"{SMS}/jobs/{cancelled}")
    for sms_id in (deferred, cancelled, 1):
        with pytest.raises(ValueError, match=f"^No SMS {sms_id} has been sent$"):
            ovh.api.set_delivery(sms_id, "delivered")
    with pytest.raises(ValueError, match=r"^'lost' is not one of accepted, delivered, failed, "):
        ovh.api.set_delivery(deferred, "lost")
    answer = await api.post_form("/api/delivery", {"id": str(deferred), "state": "delivered"})
    async with api.session.post(
        api.base + "/api/delivery", data={"id": "1", "state": "failed"}
    ) as refused:
        text = await refused.text()
    assert (answer.status, refused.status, text) == (400, 400, "No SMS 1 has been sent")
    assert ovh.api.deliveries == {}
    job = await api.call("GET", f"{SMS}/jobs/{deferred}")
    assert (job.body["deliveryReceipt"], job.body["ptt"], job.body["sentAt"]) == (0, 0, None)


async def test_automatic_progression_follows_the_clock(api: Client, ovh: OvhSimulator) -> None:
    """--deliver-after: accepted (ptt 3) when it leaves, delivered N seconds later."""
    marked = await api.post_form("/api/deliver-after", {"seconds": "60"})
    [sms_id] = await send(api, JOB)
    [deferred] = await send(api, JOB | {"differedPeriod": 10, "receivers": [BOB]})
    [failed] = await send(api, JOB | {"receivers": ["+33611111111"]})
    accepted = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    ovh.api.set_delivery(failed, "failed")
    api.clock.now = NOW + 59
    still = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    api.clock.now = NOW + 60
    delivered = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    job = await api.call("GET", f"{SMS}/jobs/{deferred}")
    assert marked.status == 303
    assert accepted.body == outgoing(sms_id, ptt=3)
    assert still.body == outgoing(sms_id, ptt=3)
    assert delivered.body == outgoing(
        sms_id, deliveryReceipt=1, ptt=4, deliveredAt="2027-01-15T08:01:00+00:00"
    )
    assert (job.body["deliveryReceipt"], job.body["ptt"]) == (0, 0)
    api.clock.now = NOW + 3600
    late = await api.call("GET", f"{SMS}/outgoing/{deferred}")
    kept = await api.call("GET", f"{SMS}/outgoing/{failed}")
    assert (late.body["deliveryReceipt"], late.body["ptt"], late.body["deliveredAt"]) == (
        1,
        4,
        "2027-01-15T08:11:00+00:00",
    )
    assert (kept.body["deliveryReceipt"], kept.body["ptt"]) == (2, 5)
    assert [
        (delivery.state, delivery.at.isoformat()) for delivery in ovh.api.deliveries.values()
    ] == [
        ("delivered", "2027-01-15T08:01:00+00:00"),
        ("failed", "2027-01-15T08:00:00+00:00"),
        ("delivered", "2027-01-15T08:11:00+00:00"),
    ]
    _, page = await api.page()
    assert "Automatic delivery (accepted by the operator at once, delivered then):\n" in page
    assert "<b id=deliver-after>after 60 s</b>" in page
    assert '<input name=seconds type=number min=0 step=any value="60"> s' in page


async def test_the_page_turns_the_progression_off_and_refuses_bad_delays(
    api: Client, ovh: OvhSimulator
) -> None:
    """An empty delay turns the progression off; a negative one is a 400."""
    ovh.api.deliver_after = 5
    bad = await api.post_form("/api/deliver-after", {"seconds": "-1"})
    off = await api.post_form("/api/deliver-after", {"seconds": ""})
    await send(api, JOB)
    api.clock.now = NOW + 10
    await api.call("GET", f"{SMS}/outgoing")
    _, page = await api.page()
    assert (bad.status, off.status, ovh.api.deliver_after, ovh.api.deliveries) == (
        400,
        303,
        None,
        {},
    )
    assert "<b id=deliver-after>off</b>" in page
    assert '<input name=seconds type=number min=0 step=any value=""> s' in page
    assert "<b>pending</b>: deliveryReceipt 0, ptt 0" in page


async def test_the_progression_moves_on_while_serving(receiver: Receiver) -> None:
    """Without any call, the application's ticker delivers the SMS (and pushes it)."""
    ovh = OvhSimulator(
        api=OvhApiSimulator(deliver_after=0, tick=0.01, callback_url=f"{receiver.base}/report")
    )
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
    try:
        async with asyncio.timeout(5):
            pushed = [await receiver.arrived.get(), await receiver.arrived.get()]
    finally:
        await runner.cleanup()
    assert [report["ptt"] for report in pushed] == ["3", "4"]
    assert [(d.state, d.ptt) for d in ovh.api.deliveries.values()] == [("delivered", 4)]


async def test_replies_reach_only_sms_from_the_short_number(api: Client, ovh: OvhSimulator) -> None:
    """The page answers a short-number SMS (an incoming SMS, 1 credit); it refuses the others."""
    [named] = await send(api, JOB)
    [short] = await send(api, SHORT)
    _, page = await api.page()
    assert (
        "<td><i>sent from HomeAlarm: replies reach only the SMS sent from the short number</i>"
        "</td></tr>"
    ) in page
    assert (
        f"<form method=post action=/api/reply><input type=hidden name=id value={short}>"
        "<input name=message required placeholder=Reply> <button>Answer</button></form>"
    ) in page
    async with api.session.post(
        api.base + "/api/reply", data={"id": str(named), "message": "Yes"}, allow_redirects=False
    ) as refused:
        refusal = await refused.text()
    answered = await api.post_form("/api/reply", {"id": str(short), "message": "Yes, all fine"})
    assert (refused.status, refusal) == (
        400,
        (
            f"SMS {named} was sent from HomeAlarm: replies reach only the SMS sent from the "
            "short number (senderForResponse)"
        ),
    )
    assert answered.status == 303
    listed = await api.call("GET", f"{SMS}/incoming")
    reply = await api.call("GET", f"{SMS}/incoming/{REPLY_ID}")
    account = await api.call("GET", SMS)
    assert (listed.status, listed.body) == (200, [REPLY_ID])
    assert (reply.status, reply.body) == (
        200,
        {
            "id": REPLY_ID,
            "creationDatetime": "2027-01-15T08:00:00+00:00",
            "sender": ALICE,
            "message": "Yes, all fine",
            "tag": "door",
            "credits": 1,
        },
    )
    assert account.body["creditsLeft"] == 97
    _, page = await api.page()
    assert (
        f"<tr><td>{REPLY_ID}</td><td>2027-01-15T08:00:00+00:00</td><td>+33612345678</td>"
        f"<td>{short}</td><td class=message>Yes, all fine</td><td>door</td><td>kept</td></tr>"
    ) in page


async def test_the_phone_answers_an_alarm_with_its_code_in_one_click(
    api: Client, ovh: OvhSimulator
) -> None:
    """An SMS asking "OK 47" offers that answer; a click replies it from that receiver's phone."""
    alarm = "Water leak in the cellar\nReply OK 47 to acknowledge"
    [to_alice] = await send(
        api, {"message": alarm, "receivers": [ALICE], "senderForResponse": True}
    )
    [to_bob] = await send(api, {"message": alarm, "receivers": [BOB], "senderForResponse": True})
    [in_french] = await send(
        api,
        {
            "message": "Fuite d'eau\nRépondez OK 48 pour acquitter",
            "receivers": [ALICE],
            "senderForResponse": True,
        },
    )
    [question] = await send(api, SHORT)
    _, page = await api.page()
    for sms_id, code in ((to_alice, 47), (to_bob, 47), (in_french, 48)):
        assert (
            "<button>Answer</button></form><form method=post action=/api/reply>"
            f"<input type=hidden name=id value={sms_id}>"
            f'<input type=hidden name=message value="OK {code}"><button>Answer OK {code}</button>'
            "</form></td></tr>"
        ) in page
    assert page.count("<button>Answer OK") == 3
    assert (
        f"<input type=hidden name=id value={question}>"
        "<input name=message required placeholder=Reply> <button>Answer</button></form></td></tr>"
    ) in page

    answered = await api.post_form("/api/reply", {"id": str(to_bob), "message": "OK 47"})
    assert answered.status == 303
    reply = await api.call("GET", f"{SMS}/incoming/{REPLY_ID}")
    assert (reply.status, reply.body["sender"], reply.body["message"]) == (200, BOB, "OK 47")
    assert ovh.api.incoming[REPLY_ID].answered == to_bob


async def test_replies_ovh_would_not_receive(api: Client, ovh: OvhSimulator) -> None:
    """No reply to an SMS not sent, after 48 hours, without a message, or without credit."""
    [short] = await send(api, SHORT)
    [deferred] = await send(api, SHORT | {"differedPeriod": 10})
    bad_id = await api.post_form("/api/reply", {"id": "x", "message": "Yes"})
    with pytest.raises(ValueError, match=f"^No SMS {deferred} has been sent$"):
        ovh.api.reply(deferred, "Yes")
    with pytest.raises(ValueError, match=r"^A reply needs a message$"):
        ovh.api.reply(short, " ")
    ovh.credits = Decimal("0.5")
    with pytest.raises(ValueError, match=r"^Not enough credits to receive a reply$"):
        ovh.api.reply(short, "Yes")
    ovh.credits = Decimal(10)
    api.clock.now = NOW + 48 * 3600
    on_time = ovh.api.reply(short, "Just in time")
    api.clock.now = NOW + 48 * 3600 + 1
    with pytest.raises(ValueError, match=f"^SMS {short} left more than 48 hours ago"):
        ovh.api.reply(short, "Too late")
    assert bad_id.status == 400
    assert (on_time.id, on_time.tag, ovh.credits) == (REPLY_ID, "door", Decimal(9))
    assert list(ovh.api.incoming) == [REPLY_ID]


async def test_incoming_filters_and_delete(api: Client, ovh: OvhSimulator) -> None:
    """GET /incoming filters like OVH's schema; DELETE removes a reply (the default key may)."""
    [alice, bob] = await send(api, SHORT | {"receivers": [ALICE, BOB]})
    [other] = await send(api, SHORT | {"tag": "garage"})
    ovh.api.reply(alice, "Yes")
    api.clock.now = NOW + 60
    ovh.api.reply(bob, "No")
    api.clock.now = NOW + 120
    ovh.api.reply(other, "Closed")
    queries = {
        "": [REPLY_ID, REPLY_ID + 1, REPLY_ID + 2],
        "?sender=%2B33798765432": [REPLY_ID + 1],
        "?tag=door": [REPLY_ID, REPLY_ID + 1],
        "?tag=garage&sender=%2B33612345678": [REPLY_ID + 2],
        "?creationDatetime.from=2027-01-15T08:01:00Z": [REPLY_ID + 1, REPLY_ID + 2],
        "?creationDatetime.to=2027-01-15T08:01:00%2B00:00": [REPLY_ID, REPLY_ID + 1],
    }
    for query, ids in queries.items():
        answer = await api.call("GET", f"{SMS}/incoming{query}")
        assert (answer.status, answer.body) == (200, ids), query
    refused = [
        await api.call("GET", f"{SMS}/incoming?receiver=%2B33612345678"),
        await api.call("GET", f"{SMS}/incoming?creationDatetime.from=today"),
        await api.call("GET", f"{SMS}/incoming/abc"),
        await api.call("GET", f"{SMS}/incoming/1"),
        await api.call("POST", f"{SMS}/incoming", {}),
    ]
    assert [(answer.status, answer.body) for answer in refused] == [
        (400, bad_request("Unknown query parameter receiver")),
        (
            400,
            bad_request(
                "[creationDatetime.from] Given data (today) is not valid for type datetime"
            ),
        ),
        (400, bad_request("[id] Given data (abc) is not valid for type long")),
        (404, not_found("The requested object (id = 1) does not exist")),
        (403, NOT_GRANTED_CALL),
    ]
    deleted = await api.call("DELETE", f"{SMS}/incoming/{REPLY_ID}")
    after = [
        await api.call("GET", f"{SMS}/incoming"),
        await api.call("GET", f"{SMS}/incoming/{REPLY_ID}"),
        await api.call("DELETE", f"{SMS}/incoming/{REPLY_ID}"),
    ]
    assert (deleted.status, deleted.body) == (200, None)
    assert [(answer.status, answer.body) for answer in after] == [
        (200, [REPLY_ID + 1, REPLY_ID + 2]),
        (404, not_found(f"The requested object (id = {REPLY_ID}) does not exist")),
        (404, not_found(f"The requested object (id = {REPLY_ID}) does not exist")),
    ]
    _, page = await api.page()
    assert "<td>Yes</td><td>door</td><td>deleted through the API</td></tr>" in page.replace(
        "<td class=message>", "<td>"
    )
    assert "<h3>Replies received (3)</h3>" in page


async def test_incoming_routes_outside_the_schema(api: Client, ovh: OvhSimulator) -> None:
    """A key granted everything still finds no POST /incoming nor /incoming/{id}/x."""
    key = ovh.api.add_credential(
        DEFAULT_APPLICATION_KEY, [AccessRule(method, "/sms/*") for method in ("GET", "POST")]
    )
    ovh.api.validate(key.consumer_key)
    api.consumer_key = key.consumer_key
    answers = [
        await api.call("POST", f"{SMS}/incoming", {}),
        await api.call("GET", f"{SMS}/incoming/1/x"),
        await api.call("POST", f"{SMS}/jobs/1", {}),
    ]
    assert [(answer.status, answer.body) for answer in answers] == [
        (404, not_found("Got an invalid (or empty) URL")),
        (404, not_found("Got an invalid (or empty) URL")),
        (404, not_found("Got an invalid (or empty) URL")),
    ]


async def test_ptts_describe_each_code(api: Client) -> None:
    """GET /sms/ptts?ptt=N answers sms.PttDetails with the spec's text."""
    answers = [
        await api.call("GET", f"/sms/ptts?ptt={ptt}") for ptt in ("3", "4", "5", "6", "8", "24")
    ]
    assert [(answer.status, answer.body) for answer in answers] == [
        (200, {"comment": "", "description": "Accepted by the operator", "duration": "temporary"}),
        (200, {"comment": "", "description": "Delivered", "duration": "permanent"}),
        (200, {"comment": "", "description": "Undelivered", "duration": "permanent"}),
        (200, {"comment": "", "description": "Unknown final state", "duration": "indeterminated"}),
        (200, {"comment": "", "description": "Expired", "duration": "permanent"}),
        (200, {"comment": "", "description": "Subscriber absent", "duration": "temporary"}),
    ]
    refused = [
        await api.call("GET", "/sms/ptts?ptt=7"),
        await api.call("GET", "/sms/ptts?ptt=x"),
        await api.call("GET", "/sms/ptts"),
        await api.call("GET", "/sms/ptts?ptt=4&lang=fr"),
    ]
    assert [(answer.status, answer.body) for answer in refused] == [
        (404, not_found("The requested object (ptt = 7) does not exist")),
        (400, bad_request("[ptt] Given data (x) is not valid for type long")),
        (400, bad_request("[ptt] Property is mandatory")),
        (400, bad_request("Unknown query parameter lang")),
    ]


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
    page = Page(ovh, ovh.api).render()
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
                "answer the SMS sent from the short number; automatic delivery: never; reports "
                "pushed to nowhere, replies to nowhere"
            ),
        ),
        (
            ["--deliver-after", "2.5", "--callback-url", "http://h/c", "--reply-url", "http://h/r"],
            (
                "simulator: the phone is the page: mark each SMS delivered, failed or expired, "
                "answer the SMS sent from the short number; automatic delivery: after 2.5 s; "
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
    monkeypatch.setattr("simulator.__main__.web.run_app", lambda _app, **_kwargs: None)
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
