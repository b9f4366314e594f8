"""The simulator plays the phone: replies to the SMS from the short number, as OVH receives them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator import (
    DEFAULT_APPLICATION_KEY,
    AccessRule,
    OvhSimulator,
)

from .conftest import (
    ALICE,
    BOB,
    JOB,
    NOT_GRANTED_CALL,
    NOW,
    REPLY_ID,
    SHORT,
    SMS,
    Client,
    bad_request,
    not_found,
    send,
)


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
