"""Alarms with API keys: escalation, acknowledgement, final actions, kept across restarts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
import json
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.ovh_sms.alarm_model import new_code
from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.notices import (
    ALARM_EVENT_KEYS,
    AlarmSummary,
    ReceivedSms,
    signal_alarms,
    signal_received,
)
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.util import dt as dt_util

from .conftest import ACCOUNT, ALICE, API_ENDPOINT, add_recipient, api_calls, sent_forms

JOBS = f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs"
INCOMING = f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming"
BOB = "0033698765432"
STRANGER = "0033611111111"
START = "2026-11-22T03:00:00+00:00"
REFUSED = {"errorCode": "INVALID", "httpCode": "400 Bad Request", "message": "Invalid receivers"}


@dataclass
class FakeJobs:
    """OVH's POST /jobs: each SMS gets the next id; the numbers in refused are refused.

    Its GET /outgoing/{id} answers with reports (by id), else pending; its
    GET /incoming[/{id}] with replies.
    """

    refused: set[str] = field(default_factory=set)
    # Numbers whose send may have gone: OVH's answer cannot be read.
    unknown: set[str] = field(default_factory=set)
    # While set, each send waits for it.
    held: asyncio.Event | None = None
    requested: asyncio.Event = field(default_factory=asyncio.Event)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def __call__(self, method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        """Answer one send."""
        body = json.loads(data)
        self.bodies.append(body)
        receiver = body["receivers"][0]
        self.requested.set()
        if self.held is not None:
            await self.held.wait()
        if receiver in self.unknown:
            return AiohttpClientMockResponse(method, url, text="<html>Bad gateway</html>")
        if receiver in self.refused:
            return AiohttpClientMockResponse(method, url, status=400, json=REFUSED)
        answer = {
            "ids": [len(self.bodies)],
            "validReceivers": [receiver],
            "invalidReceivers": [],
            "totalCreditsRemoved": 1,
            "creditsLeft": 40,
        }
        return AiohttpClientMockResponse(method, url, json=answer)

    async def outgoing(self, method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        """Answer one delivery read."""
        sms_id = url.name
        pending = {"id": int(sms_id), "deliveryReceipt": 0, "ptt": None}
        return AiohttpClientMockResponse(method, url, json=self.reports.get(sms_id, pending))

    async def incoming(self, method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        """Answer the list of replies, or one of them."""
        if url.name == "incoming":
            return AiohttpClientMockResponse(method, url, json=[int(i) for i in self.replies])
        return AiohttpClientMockResponse(method, url, json=self.replies[url.name])

    def sent(self) -> list[tuple[str, str]]:
        """Give the receiver and text of each SMS OVH received."""
        return [(body["receivers"][0], body["message"]) for body in self.bodies]


@pytest.fixture
def jobs(ovh_api: AiohttpClientMocker) -> FakeJobs:
    """OVH as an alarm sees it: sends, delivery reports and replies, answered one by one."""
    fake = FakeJobs()
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json={"creditsLeft": 42.5})
    ovh_api.post(JOBS, side_effect=fake)
    ovh_api.get(re.compile(r"/outgoing/\d+$"), side_effect=fake.outgoing)
    ovh_api.get(re.compile(r"/incoming(/\d+)?$"), side_effect=fake.incoming)
    return fake


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Set up an API-keys entry reading replies, with Alice and Bob; OVH holds no reply yet."""
    freezer.move_to(START)
    mock_api_entry.add_to_hass(hass)
    add_recipient(hass, mock_api_entry, BOB, "Bob")
    hass.config_entries.async_update_entry(mock_api_entry, options={"replies": True})
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    return mock_api_entry


async def send_alarm(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Start an alarm to Alice then Bob, escalating after 2 minutes; give its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_alarm",
        {"message": "Leak!", "recipients": [ALICE, BOB], "escalate_after": 120, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let time pass, firing what is due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def steps(events: list[Any]) -> list[tuple[str, str | None, int]]:
    """Each alarm event's step, recipient and round."""
    return [(e.data["step"], e.data["recipient"], e.data["round"]) for e in events]


def reply(
    hass: HomeAssistant, entry: MockConfigEntry, sender: str, message: str, sms_id: str
) -> None:
    """Tell a reply as the poller or a confirmed push tells it."""
    received = ReceivedSms(sms_id, sender, None, message, None, START)
    async_dispatcher_send(hass, signal_received(entry.entry_id), received)


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

    jobs.replies["31"] = {
        "id": 31,
        "creationDatetime": "2026-11-22T03:02:14+00:00",
        "sender": "+33698765432",
        "message": f"ok {code}",
        "tag": None,
        "credits": 1,
    }
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


async def test_exhausted_rounds_call_the_final_actions_once(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """Two rounds to Alice, then the mobile app action and a notify entity, once."""
    app = async_mock_service(hass, "notify", "mobile_app_alice")
    entities = async_mock_service(hass, "notify", "send_message")
    hass.states.async_set("notify.kitchen_display", "unknown")
    events = async_capture_events(hass, "ovh_sms_alarm")
    await send_alarm(
        hass,
        recipients=[ALICE],
        rounds=2,
        title="House",
        then=["notify.mobile_app_alice", "notify.kitchen_display"],
    )
    await wait(hass, freezer, 120)
    assert len(jobs.bodies) == 2
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
        (second["alarm_id"], ALICE)
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


def saved_alarm(alarm_id: str, code: str) -> dict[str, Any]:
    """Give an alarm to Alice then Bob as saved once Alice's SMS (id 1) went at START."""
    return {
        "alarm_id": alarm_id,
        "code": code,
        "message": "Leak!",
        "title": None,
        "numbers": [ALICE, BOB],
        "escalate_after": 120.0,
        "rounds": 1,
        "then": [],
        "alert_entity": None,
        "started_at": START,
        "attempt": 0,
        "deadline": "2026-11-22T03:02:00+00:00",
        "sms_ids": ["1"],
        "sent_to": [ALICE],
    }


async def test_what_is_saved_and_a_restart_in_the_middle(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The alarm is saved; after a reload the deadline holds; one passed meanwhile escalates."""
    response = await send_alarm(hass)
    await wait(hass, freezer, 1)
    [saved] = hass_storage[f"{DOMAIN}.{entry.entry_id}.alarms"]["data"]["alarms"]
    assert saved == saved_alarm(response["alarm_id"], response["code"])
    assert await hass.config_entries.async_unload(entry.entry_id)
    await wait(hass, freezer, 200)  # the deadline passes while unloaded
    assert len(jobs.bodies) == 1
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait(hass, freezer, 0)  # what is due runs
    assert [receiver for receiver, _ in jobs.sent()] == [ALICE, BOB]


async def test_a_stored_deadline_is_rearmed_at_setup(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant restarted with an alarm waiting: it escalates at its deadline, not before."""
    freezer.move_to(START)
    alarm = saved_alarm("01ALARM", "47")
    hass_storage[f"{DOMAIN}.{mock_api_entry.entry_id}.alarms"] = {
        "version": 1,
        "key": f"{DOMAIN}.{mock_api_entry.entry_id}.alarms",
        "data": {"alarms": [alarm], "counted_replies": ["r1"]},
    }
    summaries: list[tuple[AlarmSummary, ...]] = []
    async_dispatcher_connect(hass, signal_alarms(mock_api_entry.entry_id), summaries.append)
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_api_entry, options={"replies": True})
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    started = dt_util.utcnow()
    assert summaries[-1] == (
        AlarmSummary("01ALARM", "47", "Leak!", "Alice", 1, started, started + timedelta(minutes=2)),
    )
    reply(hass, mock_api_entry, ALICE, "OK 47", "r1")  # counted before the restart
    await wait(hass, freezer, 119)
    assert jobs.bodies == []
    await wait(hass, freezer, 1)
    assert jobs.sent() == [(BOB, "Leak!\rReply OK 47 to acknowledge")]


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


async def test_an_sms_that_may_have_gone_counts_as_sent(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """OVH's answer is unreadable: never sent again, Bob only at the deadline."""
    jobs.unknown.add(ALICE)
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass)
    assert response["sms_ids"] == []
    assert [(e.data["step"], e.data["sms_ids"]) for e in events] == [("started", []), ("sent", [])]
    await wait(hass, freezer, 119)
    assert len(jobs.bodies) == 1
    await wait(hass, freezer, 1)
    assert [receiver for receiver, _ in jobs.sent()] == [ALICE, BOB]


async def alarm_on_its_way(
    hass: HomeAssistant, jobs: FakeJobs, *, refused: bool
) -> asyncio.Task[dict[str, Any]]:
    """Start an alarm whose first SMS OVH holds (then refuses, if told) until jobs.held is set."""
    jobs.held = asyncio.Event()
    if refused:
        jobs.refused.add(ALICE)
    sending = hass.async_create_task(send_alarm(hass))
    await jobs.requested.wait()
    return sending


@pytest.mark.parametrize("refused", [False, True])
async def test_acknowledged_while_its_sms_is_on_its_way(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    refused: bool,  # noqa: FBT001
) -> None:
    """What OVH then answers moves nothing: no sent step, no escalation."""
    jobs.reports["1"] = {"id": 1, "receiver": "+33612345678", "deliveryReceipt": 1, "ptt": 4}
    events = async_capture_events(hass, "ovh_sms_alarm")
    sending = await alarm_on_its_way(hass, jobs, refused=refused)
    data = {"alarm_id": events[0].data["alarm_id"]}
    await hass.services.async_call(DOMAIN, "acknowledge_alarm", data, blocking=True)
    assert jobs.held is not None
    jobs.held.set()
    assert (await sending)["sms_ids"] == ([] if refused else ["1"])
    await wait(hass, freezer, 600)
    assert [e.data["step"] for e in events] == ["started", "acknowledged"]
    assert len(jobs.bodies) == 1


async def test_an_alarm_of_an_unloaded_account_can_be_acknowledged(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Unloaded, its alarm waits; acknowledged, nothing is sent when it loads again."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.services.async_call(
        DOMAIN, "acknowledge_alarm", {"alarm_id": response["alarm_id"]}, blocking=True
    )
    assert events[-1].data["step"] == "acknowledged"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait(hass, freezer, 600)
    assert len(jobs.bodies) == 1
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}.alarms"]["data"]["alarms"] == []

    await send_alarm(hass)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{entry.entry_id}.alarms" not in hass_storage


async def test_a_final_action_that_fails_is_logged(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The phone app is gone: the alarm still ends exhausted, and the log says why."""

    async def gone(call: ServiceCall) -> None:
        raise HomeAssistantError("The app is not registered")

    hass.services.async_register("notify", "mobile_app_old", gone)
    await send_alarm(hass, recipients=[ALICE], then=["notify.mobile_app_old"])
    await wait(hass, freezer, 120)
    assert "notify.mobile_app_old of an alarm failed: The app is not registered" in caplog.text


async def test_the_diagnostics_show_open_alarms_without_numbers(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    jobs: FakeJobs,
) -> None:
    """Where an alarm stands, its recipients' numbers redacted."""
    response = await send_alarm(hass)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    [alarm] = diagnostics["open_alarms"]
    assert (alarm["alarm_id"], alarm["attempt"], alarm["deadline"]) == (
        response["alarm_id"],
        0,
        "2026-11-22T03:02:00+00:00",
    )
    assert alarm["numbers"] == alarm["sent_to"] == "**REDACTED**"
    assert ALICE[4:] not in json.dumps(diagnostics)


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


@pytest.mark.parametrize("refused", [False, True])
async def test_a_send_that_ends_while_the_account_reloads(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    refused: bool,  # noqa: FBT001
) -> None:
    """Accepted: Bob at the deadline, once loaded again. Refused: Bob as soon as it loads."""
    sending = await alarm_on_its_way(hass, jobs, refused=refused)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert jobs.held is not None
    jobs.held.set()
    await sending
    jobs.held = None
    await wait(hass, freezer, 30)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait(hass, freezer, 0)
    assert len(jobs.bodies) == (2 if refused else 1)
    await wait(hass, freezer, 90)
    assert [receiver for receiver, _ in jobs.sent()] == [ALICE, BOB]


async def test_a_send_that_ends_after_the_account_was_deleted_saves_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    hass_storage: dict[str, Any],
) -> None:
    """The account's alarms are gone with it, also when an SMS was on its way."""
    sending = await alarm_on_its_way(hass, jobs, refused=False)
    await hass.config_entries.async_remove(entry.entry_id)
    assert jobs.held is not None
    jobs.held.set()
    await sending
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{entry.entry_id}.alarms" not in hass_storage


def test_codes_get_a_third_digit_when_every_two_digit_one_is_taken() -> None:
    """Ninety alarms open on one account: the next one still has a code of its own."""
    assert new_code({"10", "11"}) not in {"10", "11"}
    assert len(new_code(set(map(str, range(10, 100))))) == 3
