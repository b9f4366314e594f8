"""The simulator's virtual numbers: listed, sending, and a phone that texts one."""

from __future__ import annotations

from simulator import OvhSimulator
from simulator.__main__ import parse_args, simulator_from

from .conftest import ALICE, REPLY_ID, SMS, Client, Receiver, bad_request, not_found

NUMBER = "33644000001"
NUMBERS = f"{SMS}/virtualNumbers"
INCOMING = f"{NUMBERS}/{NUMBER}/incoming"
TEXT = {"message": "What is the temperature?", "receivers": [ALICE]}


async def text(api: Client, message: str = "What is the temperature?") -> None:
    """Text the virtual number from Alice's phone, through the page."""
    answer = await api.post_form("/api/text", {"to": NUMBER, "sender": ALICE, "message": message})
    assert answer.status == 303


async def test_one_virtual_number_by_default(api: Client) -> None:
    """GET /virtualNumbers lists it as OVH writes it; GET /virtualNumbers/{number} knows it."""
    listed = await api.call("GET", NUMBERS)
    one = await api.call("GET", f"{NUMBERS}/{NUMBER}")
    unknown = await api.call("GET", f"{NUMBERS}/33644000009")
    assert (listed.status, listed.body) == (200, [NUMBER])
    assert (one.status, one.body) == (200, {"number": NUMBER})
    assert (unknown.status, unknown.body) == (
        404,
        not_found("The requested object (number = 33644000009) does not exist"),
    )


def test_virtual_numbers_are_configurable() -> None:
    """--virtual-number, repeatable, replaces the default one."""
    ovh = simulator_from(
        parse_args(["--virtual-number", "33644000002", "--virtual-number", "447700900001"])
    )
    assert ovh.api.virtual_numbers == ("33644000002", "447700900001")


async def test_a_phone_texts_the_virtual_number(
    api: Client, ovh: OvhSimulator, receiver: Receiver
) -> None:
    """The page's form: an incoming SMS of that number only, free, pushed with its number."""
    ovh.api.set_push("", f"{receiver.base}/in")
    _, page = await api.page()
    assert (
        "<form method=post action=/api/text>A phone <input name=sender required\n"
        "placeholder=+33612345678> texts <select name=to><option>33644000001</option></select>"
    ) in page
    credit = ovh.credits
    await text(api)
    await ovh.api.pusher.wait()
    listed = await api.call("GET", INCOMING)
    one = await api.call("GET", f"{INCOMING}/{REPLY_ID}")
    short = await api.call("GET", f"{SMS}/incoming")
    not_short = await api.call("GET", f"{SMS}/incoming/{REPLY_ID}")
    assert (listed.status, listed.body) == (200, [REPLY_ID])
    assert (one.status, one.body) == (
        200,
        {
            "id": REPLY_ID,
            "creationDatetime": "2027-01-15T08:00:00+00:00",
            "sender": ALICE,
            "message": "What is the temperature?",
            "tag": "",
            "credits": 0,
        },
    )
    assert (short.body, not_short.status) == ([], 404)
    _, page = await api.page()
    assert f"<td>{ALICE}</td><td>{NUMBER}</td>" in page
    assert ovh.credits == credit
    assert receiver.calls == [
        (
            "GET",
            "/in",
            {
                "shortcode": "+33644000001",
                "tag": "",
                "id": str(REPLY_ID),
                "senderid": ALICE,
                "message": "What is the temperature?",
            },
        )
    ]


async def test_what_a_phone_cannot_text(api: Client, ovh: OvhSimulator) -> None:
    """Another number, a sender that is not a number, an empty message: 400, nothing received."""
    for form, refusal in (
        ({"to": "33644000009", "sender": ALICE, "message": "Hi"}, "33644000009 is not one of"),
        ({"to": NUMBER, "sender": "Alice", "message": "Hi"}, "'Alice' is not a phone number"),
        ({"to": NUMBER, "sender": ALICE, "message": " "}, "An SMS needs a message"),
    ):
        async with api.session.post(api.base + "/api/text", data=form) as answer:
            assert answer.status == 400
            assert (await answer.text()).startswith(refusal)
    assert ovh.api.incoming == {}


async def test_delete_what_the_number_received(api: Client) -> None:
    """DELETE .../incoming/{id}: gone from the list and the read; not the short number's route."""
    await text(api)
    short = await api.call("DELETE", f"{SMS}/incoming/{REPLY_ID}")
    deleted = await api.call("DELETE", f"{INCOMING}/{REPLY_ID}")
    listed = await api.call("GET", INCOMING)
    read = await api.call("GET", f"{INCOMING}/{REPLY_ID}")
    bad = await api.call("GET", f"{INCOMING}/x")
    assert (short.status, deleted.status, listed.body, read.status) == (404, 200, [], 404)
    assert bad.status == 400


async def test_send_from_the_virtual_number(api: Client, ovh: OvhSimulator) -> None:
    """POST .../jobs: sent from that number, no STOP mention; the sender fields refused."""
    sent = await api.call("POST", f"{NUMBERS}/{NUMBER}/jobs", TEXT)
    assert sent.status == 200
    assert sent.body["validReceivers"] == [ALICE]
    [sms] = ovh.sent
    assert (sms.sender, sms.recipients, sms.no_stop, sms.via) == (
        "+33644000001",
        (ALICE,),
        True,
        "api",
    )
    for field, value in (
        ("sender", "HomeAlarm"),
        ("senderForResponse", True),
        ("noStopClause", True),
    ):
        refused = await api.call("POST", f"{NUMBERS}/{NUMBER}/jobs", TEXT | {field: value})
        assert (refused.status, refused.body) == (
            400,
            bad_request(f"Unknown body parameter {field}"),
        )
    unknown = await api.call("POST", f"{NUMBERS}/33644000009/jobs", TEXT)
    other = await api.call("GET", f"{NUMBERS}/{NUMBER}/outgoing")
    assert (unknown.status, other.status) == (404, 404)
    assert len(ovh.sent) == 1
