"""Commands without an agent: keywords as event types; alarm and drill replies come first."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ovh_sms.const import CONF_MAY_COMMAND, CONF_PHONE_NUMBER, DOMAIN
from homeassistant.core import Event, HomeAssistant
from tests.alarms.fake_ovh import FakeJobs, send_alarm
from tests.conftest import ALICE

from .conftest import BOB, COMMANDS, PIN, START, STRANGER, FakeAgent, receive, set_up

EVENT_ENTITY = "event.sms_ab1234_1_sms_received"


async def test_keywords_are_event_types_of_the_entity(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An automation can pick "disarm" in the UI: it is one of the entity's event types."""
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_types"] == ["received", "disarm", "ok"]


async def test_an_allowed_keyword_fires_its_event_type_and_asks_no_agent(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Bob texts "1234 Disarm!": the entity fires disarm with Bob's SMS, PIN masked; no answer."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    entry = await set_up(hass, mock_api_entry, pin=PIN)

    await receive(hass, entry, f"{PIN} Disarm! now")

    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_type"] == "disarm"
    assert state.attributes["recipient"] is None  # as the reply told it
    assert state.attributes["sender"] == BOB
    assert state.attributes["message"] == "**** Disarm! now"
    assert [(c["keyword"], c["text"], c["not_acted_on"]) for c in commands] == [
        ("disarm", "Disarm! now", None)
    ]
    assert agent.asked == []
    assert jobs.bodies == []


async def test_a_strangers_keyword_is_only_received(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An unknown number texting disarm fires "received", never "disarm"."""
    await receive(hass, entry, "disarm", sender=STRANGER)

    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_type"] == "received"


async def test_an_alarm_acknowledgement_is_not_a_command(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
) -> None:
    """Alice's "OK" to an open alarm acknowledges it; it is no keyword, nor asked of Assist."""
    alice = next(s for s in entry.subentries.values() if s.title == "Alice")
    hass.config_entries.async_update_subentry(
        entry, alice, data={CONF_PHONE_NUMBER: ALICE, CONF_MAY_COMMAND: True}
    )
    await hass.async_block_till_done()
    await send_alarm(hass)

    await receive(hass, entry, "OK", sender=ALICE)

    assert commands == []
    assert agent.asked == []
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_type"] == "received"
    assert hass.states.get("sensor.sms_ab1234_1_open_alarms").state == "0"


@pytest.fixture
async def drill_waiting(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    freezer: FrozenDateTimeFactory,
) -> list[Event]:
    """Alice may talk to the house; a drill waits for her reply: give its events."""
    freezer.move_to(START)
    drill = {"enabled": False, "weekday": "mon", "time": "10:00:00"}
    mock_api_entry.add_to_hass(hass)
    alice = mock_api_entry.subentries["alice_id"]
    hass.config_entries.async_update_subentry(
        mock_api_entry, alice, data={CONF_PHONE_NUMBER: ALICE, CONF_MAY_COMMAND: True}
    )
    options = {"replies": True, "commands": COMMANDS}
    drill |= {"recipient": "alice_id", "require_reply": True}
    hass.config_entries.async_update_entry(mock_api_entry, options=options | {"drill": drill})
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    drills = async_capture_events(hass, f"{DOMAIN}_drill")
    await hass.services.async_call(DOMAIN, "run_drill", {}, blocking=True, return_response=True)
    return drills


async def test_a_drill_confirmation_is_not_a_command(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    drill_waiting: list[Event],
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
) -> None:
    """Alice's "OK" to a drill passes it; it is no keyword, nor asked of Assist (nor answered)."""
    await receive(hass, mock_api_entry, "OK", sender=ALICE)

    assert [event.data["step"] for event in drill_waiting] == ["started", "passed"]
    assert commands == []
    assert agent.asked == []
    assert len(jobs.bodies) == 1  # the drill's SMS, no answer


async def test_a_text_to_a_virtual_number_is_no_reply_to_the_drill(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    drill_waiting: list[Event],
    agent: FakeAgent,
) -> None:
    """The drill's SMS went from the short number: Alice's command to the virtual number is one."""
    await receive(hass, mock_api_entry, "Lights on", sender=ALICE, receiver="0033644000001")

    assert [event.data["step"] for event in drill_waiting] == ["started"]
    assert [asked["text"] for asked in agent.asked] == ["Lights on"]


async def test_stop_is_an_opt_out_never_a_command(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
) -> None:
    """Bob's "Stop" put him on OVH's STOP list: no keyword fires, no agent hears or answers."""
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "commands": COMMANDS | {"keywords": ["stop"]}}
    )
    await hass.async_block_till_done()

    await receive(hass, entry, " Stop ")

    assert [(c["recipient"], c["not_acted_on"], c["keyword"]) for c in commands] == [
        ("Bob", "opted_out", None)
    ]
    assert agent.asked == []
    assert jobs.bodies == []
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_type"] == "received"
