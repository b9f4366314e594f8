"""The simulator plays the phone: each SMS's delivery, set on the page or by the clock, like OVH."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
import pytest

from simulator import (
    OvhApiSimulator,
    OvhSimulator,
)

from .conftest import (
    ALICE,
    BOB,
    JOB,
    NOW,
    SMS,
    Client,
    Receiver,
    bad_request,
    not_found,
    send,
)


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
