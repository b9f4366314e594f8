"""Alarms kept: saved, resumed after a restart or a reload, never sent twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
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
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_sms.alarms import ALARMS
from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.notices import AlarmSummary
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.util import dt as dt_util
from tests.conftest import ALICE

from .fake_ovh import (
    BOB,
    START,
    FakeJobs,
    alarm_on_its_way,
    reply,
    send_alarm,
    told_open_alarms,
    wait,
)


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


def saved_before(
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    alarm: dict[str, Any],
    *,
    counted: list[str] | None = None,
) -> None:
    """Have the entry's store hold this alarm and these reply ids counted, as at a restart."""
    key = f"{DOMAIN}.{entry.entry_id}.alarms"
    data = {"alarms": [alarm], "counted_replies": counted or []}
    hass_storage[key] = {"version": 1, "key": key, "data": data}


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
    saved_before(hass_storage, mock_api_entry, alarm, counted=["r1"])
    summaries = told_open_alarms(hass, mock_api_entry)
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


async def test_exhausted_while_home_assistant_starts_calls_the_final_actions_once_started(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Bob's deadline passed while Home Assistant was down: the phone app is set up after us."""
    freezer.move_to("2026-11-22T03:10:00+00:00")
    alarm = saved_alarm("01ALARM", "47") | {
        "attempt": 1,
        "deadline": "2026-11-22T03:04:00+00:00",
        "then": ["notify.mobile_app_alice"],
    }
    saved_before(hass_storage, mock_api_entry, alarm)
    events = async_capture_events(hass, "ovh_sms_alarm")
    hass.set_state(CoreState.not_running)
    mock_api_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await wait(hass, freezer, 0)
    assert [e.data["step"] for e in events] == ["exhausted"]

    app = async_mock_service(hass, "notify", "mobile_app_alice")
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await wait(hass, freezer, 0)
    assert [call.data for call in app] == [{"message": "Leak!"}]
    assert jobs.bodies == []


async def test_acknowledged_while_the_next_sms_is_being_saved_sends_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bob's SMS is being saved as sent when Alice acknowledges: it does not leave."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass)
    keeper = hass.data[ALARMS.key][entry.entry_id]
    saving, saved = asyncio.Event(), asyncio.Event()
    save = keeper.store.async_save

    async def slow_save(data: Any) -> None:
        saving.set()
        await saved.wait()
        await save(data)

    monkeypatch.setattr(keeper.store, "async_save", slow_save)
    freezer.tick(timedelta(seconds=120))
    async_fire_time_changed(hass)
    await saving.wait()
    data = {"alarm_id": response["alarm_id"]}
    await hass.services.async_call(DOMAIN, "acknowledge_alarm", data, blocking=True)
    saved.set()
    await wait(hass, freezer, 600)
    assert [receiver for receiver, _ in jobs.sent()] == [ALICE]
    assert [e.data["step"] for e in events] == ["started", "sent", "escalated", "acknowledged"]


async def test_acknowledged_by_sms_while_home_assistant_starts_turns_the_alert_off_once_started(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Alice answered while Home Assistant was down; the alert is set up after us."""
    freezer.move_to(START)
    alarm = saved_alarm("01ALARM", "47") | {"alert_entity": "alert.leak"}
    saved_before(hass_storage, mock_api_entry, alarm)
    hass.set_state(CoreState.not_running)
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_api_entry, options={"replies": True})
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    reply(hass, mock_api_entry, ALICE, "OK 47", "r1")
    await wait(hass, freezer, 0)

    turn_off = async_mock_service(hass, "alert", "turn_off")
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await wait(hass, freezer, 0)
    assert [call.data for call in turn_off] == [{"entity_id": "alert.leak"}]
