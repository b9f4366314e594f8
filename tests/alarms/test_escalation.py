"""Alarms with API keys: escalation, acknowledgement, the alert, final actions, refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_mock_service,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.ovh_sms.alarm_model import new_code
from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.notices import ALARM_EVENT_KEYS
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from tests.conftest import (
    ACCOUNT,
    ALICE,
    API_ENDPOINT,
    API_JOB,
    add_recipient,
    api_calls,
    sent_forms,
    set_up_second_account,
)

from .fake_ovh import (
    BOB,
    START,
    STRANGER,
    FakeJobs,
    reply,
    send_alarm,
    steps,
    told_open_alarms,
    wait,
)


async def test_escalates_by_time_and_a_reply_with_the_code_acknowledges(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alice, then Bob after 2 minutes; Bob's "ok CODE", read from OVH, ends it."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass)
    code = response["code"]
    assert response == {"alarm_id": response["alarm_id"], "code": code, "sms_ids": ["1"]}
    assert len(code) == 2
    text = f"Leak!\rReply OK {code} to acknowledge"  # OVH takes \r for a new line
    assert jobs.sent() == [("0033612345678", text)]
    assert jobs.bodies[0]["senderForResponse"] is True
    assert "sender" not in jobs.bodies[0]
    assert steps(events) == [("started", "Alice", 1), ("sent", "Alice", 1)]
    assert events[1].data == {
        "config_entry_id": entry.entry_id,
        "alarm_id": response["alarm_id"],
        "step": "sent",
        "code": code,
        "recipient": "Alice",
        "number": ALICE,
        "round": 1,
        "sms_ids": ["1"],
        "acknowledged_by": None,
        "acknowledged_via": None,
        "elapsed": 0,
        "at": START,
    }
    assert tuple(events[1].data) == ALARM_EVENT_KEYS

    await wait(hass, freezer, 119)
    assert len(jobs.bodies) == 1
    await wait(hass, freezer, 1)
    assert jobs.sent() == [("0033612345678", text), ("0033698765432", text)]
    assert steps(events)[2:] == [("escalated", "Bob", 1), ("sent", "Bob", 1)]

    jobs.reply(31, "+33698765432", f"ok {code}", "2026-11-22T03:02:14+00:00")
    await wait(hass, freezer, 15)  # replies are read every 15 s while an alarm is open
    assert events[-1].data["step"] == "acknowledged"
    assert events[-1].data["acknowledged_by"] == "Bob"
    assert events[-1].data["acknowledged_via"] == "sms"
    assert events[-1].data["elapsed"] == 135
    await wait(hass, freezer, 600)
    assert len(jobs.bodies) == 2
    assert len(events) == 5


async def test_replies_are_read_every_15_seconds_only_while_an_alarm_is_open(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Four reads a minute while open; one a minute once it is cancelled."""

    def reads() -> int:
        return api_calls(ovh_api).count(("GET", f"/sms/{ACCOUNT}/incoming"))

    response = await send_alarm(hass)
    before = reads()
    for _ in range(4):
        await wait(hass, freezer, 15)
    assert reads() - before == 4
    await hass.services.async_call(
        DOMAIN, "cancel_alarm", {"alarm_id": response["alarm_id"]}, blocking=True
    )
    before = reads()
    for _ in range(4):
        await wait(hass, freezer, 15)
    assert reads() - before == 1


type ReportCase = tuple[int, int, list[tuple[str, str, int, list[str]]], list[str]]


@pytest.mark.parametrize(
    "case",
    [
        (2, 5, [("escalated", "Bob", 1, []), ("sent", "Bob", 1, ["2"])], [ALICE, BOB]),
        (1, 4, [("delivered", "Alice", 1, ["1"])], [ALICE]),
    ],
)
async def test_a_delivery_report_of_an_alarm_sms(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    case: ReportCase,
) -> None:
    """Read at the first check (20 s): failed escalates at once; delivered is told, and waits."""
    receipt, ptt, then, receivers = case
    events = async_capture_events(hass, "ovh_sms_alarm")
    jobs.reports["1"] = {
        "id": 1,
        "receiver": "+33612345678",
        "deliveryReceipt": receipt,
        "ptt": ptt,
    }
    await send_alarm(hass, escalate_after={"minutes": 5})
    await wait(hass, freezer, 20)
    told = [
        (e.data["step"], e.data["recipient"], e.data["round"], e.data["sms_ids"]) for e in events
    ]
    assert told[2:] == then
    assert [receiver for receiver, _ in jobs.sent()] == receivers


async def test_a_refused_sms_escalates_at_once(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs
) -> None:
    """OVH refuses Alice's SMS: Bob gets it at once; the response has no SMS id."""
    jobs.refused.add("0033612345678")
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass)
    await hass.async_block_till_done()
    assert response["sms_ids"] == []
    assert [receiver for receiver, _ in jobs.sent()] == ["0033612345678", "0033698765432"]
    assert steps(events) == [("started", "Alice", 1), ("escalated", "Bob", 1), ("sent", "Bob", 1)]


async def test_an_sms_that_cannot_reach_ovh_escalates_at_once_and_never_waits(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs
) -> None:
    """OVH out of reach for Alice's SMS: Bob gets it at once; the outbox keeps nothing."""
    jobs.unreachable.add("0033612345678")
    events = async_capture_events(hass, "ovh_sms_alarm")
    await send_alarm(hass)
    await hass.async_block_till_done()
    assert [receiver for receiver, _ in jobs.sent()] == ["0033612345678", "0033698765432"]
    assert steps(events) == [("started", "Alice", 1), ("escalated", "Bob", 1), ("sent", "Bob", 1)]
    assert entry.runtime_data.gateway.outbox.count == 0


async def test_exhausted_rounds_call_the_final_actions_once(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """Two rounds to Alice, then the mobile app action and a notify entity, once."""
    app = async_mock_service(hass, "notify", "mobile_app_alice")
    entities = async_mock_service(hass, "notify", "send_message")
    hass.states.async_set("notify.kitchen_display", "unknown")
    events = async_capture_events(hass, "ovh_sms_alarm")
    summaries = told_open_alarms(hass, entry)
    await send_alarm(
        hass,
        recipients=[ALICE],
        rounds=2,
        title="House",
        then=["notify.mobile_app_alice", "notify.kitchen_display"],
    )
    assert [(s.round, s.deadline) for s in summaries[-1]] == [
        (1, dt_util.utcnow() + timedelta(minutes=2))
    ]
    await wait(hass, freezer, 120)
    assert len(jobs.bodies) == 2
    assert [(s.round, s.deadline) for s in summaries[-1]] == [(2, None)]
    assert jobs.bodies[1]["message"].startswith("House\rLeak!\r")
    assert app == entities == []
    await wait(hass, freezer, 120)
    await wait(hass, freezer, 600)
    assert [call.data for call in app] == [{"message": "Leak!", "title": "House"}]
    assert [call.data for call in entities] == [
        {"entity_id": "notify.kitchen_display", "message": "Leak!", "title": "House"}
    ]
    assert steps(events) == [
        ("started", "Alice", 1),
        ("sent", "Alice", 1),
        ("escalated", "Alice", 2),
        ("sent", "Alice", 2),
        ("exhausted", "Alice", 2),
    ]
    assert len(jobs.bodies) == 2
    assert summaries[-1] == ()


async def test_two_alarms_a_plain_ok_and_someone_else(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """With two alarms open, Alice's plain OK is ambiguous; others' replies count for nothing."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    first = await send_alarm(hass)
    second = await send_alarm(hass, message="Smoke!")
    assert first["code"] != second["code"]
    reply(hass, entry, ALICE, "OK", "r1")
    reply(hass, entry, BOB, f"OK {first['code']}", "r2")  # not sent to Bob yet
    reply(hass, entry, STRANGER, f"OK {first['code']}", "r3")
    await hass.async_block_till_done()
    assert "acknowledged" not in [e.data["step"] for e in events]

    reply(hass, entry, ALICE, f"Ok, {second['code']}!", "r4")
    await hass.async_block_till_done()
    acknowledged = [e.data for e in events if e.data["step"] == "acknowledged"]
    assert [(a["alarm_id"], a["acknowledged_by"]) for a in acknowledged] == [
        (second["alarm_id"], "Alice")
    ]
    reply(hass, entry, ALICE, "ok", "r5")  # one alarm left for Alice: a plain OK is enough
    reply(hass, entry, ALICE, "ok", "r5")
    await hass.async_block_till_done()
    acknowledged = [e.data["alarm_id"] for e in events if e.data["step"] == "acknowledged"]
    assert acknowledged == [second["alarm_id"], first["alarm_id"]]
    await wait(hass, freezer, 600)
    assert len(jobs.bodies) == 2


async def test_the_action_acknowledges_and_names_the_user(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: User,
) -> None:
    """acknowledge_alarm ends it; a second call finds no open alarm."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass)
    data = {"alarm_id": response["alarm_id"]}
    context = Context(user_id=hass_admin_user.id)
    await hass.services.async_call(
        DOMAIN, "acknowledge_alarm", data, blocking=True, context=context
    )
    assert (events[-1].data["acknowledged_by"], events[-1].data["acknowledged_via"]) == (
        hass_admin_user.name,
        "action",
    )
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(DOMAIN, "acknowledge_alarm", data, blocking=True)
    assert raised.value.translation_key == "unknown_alarm"
    await wait(hass, freezer, 600)
    assert len(jobs.bodies) == 1


async def test_the_alert_both_ways(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """Acknowledged by SMS: the alert is turned off. The alert turned off: acknowledged."""
    turn_off = async_mock_service(hass, "alert", "turn_off")
    hass.states.async_set("alert.leak", "on")
    events = async_capture_events(hass, "ovh_sms_alarm")
    first = await send_alarm(hass, alert_entity="alert.leak")
    reply(hass, entry, ALICE, f"OK {first['code']}", "r1")
    await hass.async_block_till_done()
    assert [call.data for call in turn_off] == [{"entity_id": "alert.leak"}]

    await send_alarm(hass, alert_entity="alert.leak")
    hass.states.async_set("alert.leak", "idle")  # the leak stopped: nobody saw it yet
    await hass.async_block_till_done()
    assert events[-1].data["step"] == "sent"
    hass.states.async_set("alert.leak", "off")
    await hass.async_block_till_done()
    assert (events[-1].data["step"], events[-1].data["acknowledged_via"]) == (
        "acknowledged",
        "alert",
    )
    assert len(turn_off) == 1
    await wait(hass, freezer, 600)
    assert len(jobs.bodies) == 2


async def test_cancel_sends_nothing_more_and_calls_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """A cancelled alarm: the step cancelled, then silence."""
    app = async_mock_service(hass, "notify", "mobile_app_alice")
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass, then=["notify.mobile_app_alice"])
    await hass.services.async_call(
        DOMAIN, "cancel_alarm", {"alarm_id": response["alarm_id"]}, blocking=True
    )
    assert events[-1].data["step"] == "cancelled"
    await wait(hass, freezer, 600)
    assert len(jobs.bodies) == 1
    assert app == []


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"alert_entity": "alert.nothing"}, "unknown_alert_entity"),
        ({"then": ["notify.nobody"]}, "unknown_final_action"),
        ({"recipients": ["notify.someone_else"]}, "unknown_recipient_entity"),
        ({"recipients": [" "]}, "no_recipients"),
        ({"recipients": [ALICE, "12"]}, "invalid_recipient"),
    ],
)
async def test_what_cannot_work_is_refused_before_any_sms(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    data: dict[str, Any],
    key: str,
) -> None:
    """Nothing is sent, nothing is opened."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    with pytest.raises(ServiceValidationError) as raised:
        await send_alarm(hass, **data)
    assert raised.value.translation_key == key
    assert jobs.bodies == []
    assert events == []


async def _gone(call: ServiceCall) -> None:
    raise HomeAssistantError("The app is not registered")


async def _buggy(call: ServiceCall) -> None:
    raise KeyError("token")


async def _never_called(call: ServiceCall) -> None:
    """Its schema refuses the alarm's data."""


type BrokenAction = tuple[Callable[[ServiceCall], Awaitable[None]], vol.Schema | None, str]


@pytest.mark.parametrize(
    "broken",
    [
        (_gone, None, "notify.broken of an alarm failed: The app is not registered"),
        (
            _never_called,
            vol.Schema({vol.Required("target"): str}, extra=vol.ALLOW_EXTRA),
            "notify.broken of an alarm failed: required key not provided",
        ),
        (_buggy, None, "KeyError: 'token'"),
    ],
    ids=["fails", "refuses_the_text", "has_a_bug"],
)
async def test_a_final_action_that_fails_is_logged_and_the_others_are_called(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    broken: BrokenAction,
) -> None:
    """The phone app is gone, needs a target, or has a bug: the log says why, the next is called."""
    handler, schema, logged = broken
    hass.services.async_register("notify", "broken", handler, schema=schema)
    app = async_mock_service(hass, "notify", "mobile_app_alice")
    await send_alarm(hass, recipients=[ALICE], then=["notify.broken", "notify.mobile_app_alice"])
    await wait(hass, freezer, 120)
    assert logged in caplog.text
    assert [call.data for call in app] == [{"message": "Leak!"}]


async def test_with_an_sms_user_no_reply_line_and_escalation_by_time(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    ovh: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """http2sms reads no replies: the SMS is the message, from the account's sender."""
    add_recipient(hass, init_integration, BOB, "Bob")
    response = await send_alarm(hass)
    assert response["sms_ids"] == ["10867690"]
    await wait(hass, freezer, 120)
    forms = sent_forms(ovh)
    assert [(form["to"], form["message"], form["from"]) for form in forms] == [
        (ALICE, "Leak!", "HomeAlarm"),
        (BOB, "Leak!", "HomeAlarm"),
    ]


def test_codes_get_a_third_digit_when_every_two_digit_one_is_taken() -> None:
    """Ninety alarms open on one account: the next one still has a code of its own."""
    assert new_code({"10", "11"}) not in {"10", "11"}
    assert len(new_code(set(map(str, range(10, 100))))) == 3


async def test_the_reply_line_is_in_home_assistants_language(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs
) -> None:
    """A French Home Assistant asks for the reply in French."""
    hass.config.language = "fr"
    response = await send_alarm(hass, recipients=[ALICE])
    assert jobs.sent() == [(ALICE, f"Leak!\rRépondez OK {response['code']} pour acquitter")]


async def test_with_api_keys_and_replies_off_no_reply_line(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No reply can be read: the SMS goes from the account's sender, without the line."""
    hass.config_entries.async_update_entry(entry, options={"replies": False})
    assert await hass.config_entries.async_reload(entry.entry_id)
    await send_alarm(hass, recipients=[ALICE])
    assert [(body["message"], body["sender"]) for body in jobs.bodies] == [("Leak!", "HomeAlarm")]


async def test_a_pushed_reply_acknowledges_at_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """OVH calls the webhook: the reply, read at OVH by its id, acknowledges with no wait."""
    assert await async_setup_component(hass, "http", {})
    options = {"replies": True, "push": True, "webhook_id": "alarm-hook"}
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_reload(entry.entry_id)
    events = async_capture_events(hass, "ovh_sms_alarm")
    code = (await send_alarm(hass))["code"]
    message = f"OK {code}"
    jobs.replies["41"] = {"id": 41, "sender": "+33612345678", "message": message, "credits": 1}
    client = await hass_client_no_auth()
    pushed = {"id": "41", "senderid": "+33612345678", "message": message, "shortcode": "38xxx"}
    response = await client.post("/api/webhook/alarm-hook", data=pushed)
    assert response.status == 200
    await hass.async_block_till_done()
    assert (events[-1].data["step"], events[-1].data["acknowledged_by"]) == (
        "acknowledged",
        "Alice",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"rounds": 0},
        {"rounds": 11},
        {"escalate_after": 0},
        {"escalate_after": 48 * 3600 + 1},
        {"escalate_after": 10**12},  # beyond the calendar
        {"alert_entity": "light.kitchen"},
    ],
)
async def test_fields_out_of_range_are_refused(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, data: dict[str, Any]
) -> None:
    """No round, no time to answer, longer than OVH keeps replies, or an alert that is no alert.

    Refused, nothing sent.
    """
    with pytest.raises(vol.Invalid):
        await send_alarm(hass, **data)
    assert jobs.bodies == []


@pytest.mark.parametrize(
    "second_options",
    [{}, {"spending": {"monthly_budget": 0.5}}],
    ids=["no budget", "budget too small"],
)
async def test_another_account_as_a_final_action_texts_the_alarms_numbers_once(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    ovh_api: AiohttpClientMocker,
    second_options: dict[str, Any],
) -> None:
    """A fallback's kind of channel in then: another OVH SMS account sends the text to Alice.

    It is still the alarm's SMS: that account's monthly budget does not hold it back.
    """
    second_jobs = f"{API_ENDPOINT}/sms/sms-cd5678-1/jobs"
    ovh_api.get(f"{API_ENDPOINT}/sms/sms-cd5678-1", json={"creditsLeft": 10})
    ovh_api.post(second_jobs, json=API_JOB)
    second = await set_up_second_account(hass, entry, **second_options)
    await send_alarm(
        hass, recipients=[ALICE], then=[second.entry_id], config_entry_id=entry.entry_id
    )
    await wait(hass, freezer, 120)
    await wait(hass, freezer, 600)
    sent_by_second = [
        body
        for method, url, body, _ in ovh_api.mock_calls
        if method.upper() == "POST" and str(url) == second_jobs
    ]
    assert [
        (json.loads(body)["receivers"], json.loads(body)["message"]) for body in sent_by_second
    ] == [(["0033612345678"], "Leak!")]
    assert len(jobs.bodies) == 1


async def test_a_final_action_that_is_no_account_nor_notify_is_refused(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs
) -> None:
    """Then names neither an OVH SMS account nor a notify action or entity: refused, no SMS."""
    with pytest.raises(ServiceValidationError) as raised:
        await send_alarm(hass, then=["light.kitchen"])
    assert raised.value.translation_key == "unknown_final_action"
    assert jobs.bodies == []
