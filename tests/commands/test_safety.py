"""Safety of commands by SMS: the PIN shown nowhere, each SMS acted on once, the limits."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.ovh_sms.command_guard import GUARDS
from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.diagnostics import async_get_config_entry_diagnostics
from custom_components.ovh_sms.replies import POLLERS
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from tests.alarms.fake_ovh import START, FakeJobs, wait
from tests.conftest import ALICE

from .conftest import BOB, PIN, FakeAgent, receive, set_up

EVENT_ENTITY = "event.sms_ab1234_1_sms_received"
VIRTUAL_NUMBER = "0033757123456"


@pytest.mark.parametrize(
    ("message", "reason", "asked"),
    [
        (f"{PIN} turn on the light", None, "turn on the light"),
        ("Kq7z94 turn on the light", "wrong_pin", None),
        ("turn on the light", "wrong_pin", None),
        (f"{PIN}", "empty", None),
        (f"{PIN}\nturn on the light", None, "turn on the light"),
        (f"{PIN}, turn on the light", None, "turn on the light"),
        (f"{PIN}turn on the light", "wrong_pin", None),
        ("", "wrong_pin", None),
        (f"turn on the light {PIN}", "wrong_pin", None),
    ],
    ids=["right", "wrong", "missing", "alone", "own line", "comma", "glued", "empty SMS", "last"],
)
async def test_the_pin_starts_commands_and_is_shown_nowhere(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    message: str,
    reason: str | None,
    asked: str | None,
) -> None:
    """Only an SMS starting with the PIN is acted on, without it.

    No event (ovh_sms_received included), log, entity state or diagnostics holds it.
    """
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []

    @callback
    def collect(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(MATCH_ALL, collect)
    freezer.move_to(START)
    entry = await set_up(hass, mock_api_entry, pin=PIN)

    jobs.reply(1, BOB, message, START)  # read from OVH at the next poll
    await wait(hass, freezer, 60)

    assert [c["not_acted_on"] for c in commands] == [reason]
    assert [a["text"] for a in agent.asked] == ([asked] if asked else [])
    assert [e.event_type for e in events].count("ovh_sms_received") == 1
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert PIN not in caplog.text
    assert all(PIN not in repr(event.data) for event in events)
    assert PIN not in repr(hass.states.get(EVENT_ENTITY))
    assert PIN not in repr(diagnostics)


async def test_an_sms_told_twice_is_acted_on_once(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, agent: FakeAgent
) -> None:
    """A poll racing a push, or OVH listing it twice: one agent run, one answer."""
    await receive(hass, entry, "Turn on the kitchen light")
    await receive(hass, entry, "Turn on the kitchen light")

    assert len(agent.asked) == 1
    assert len(jobs.bodies) == 1


async def test_the_sms_is_saved_as_handled_before_the_agent_runs(
    hass: HomeAssistant, entry: MockConfigEntry, agent: FakeAgent
) -> None:
    """A crash while the agent works cannot have the SMS acted on again after the restart."""
    await receive(hass, entry, "Turn on the kitchen light")

    assert agent.saved_then == [["7001"]]


@pytest.mark.parametrize("restart", [False, True], ids=["reload", "restart"])
async def test_an_sms_told_again_after_a_reload_or_restart_does_nothing(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    restart: bool,
) -> None:
    """What was handled before a reload, or a restart (read back from the store), stays handled."""
    await receive(hass, entry, "Turn on the kitchen light")
    await hass.config_entries.async_unload(entry.entry_id)
    if restart:  # nothing kept in memory: the guard and the poller load what they saved
        hass.data.pop(GUARDS.key)
        hass.data.pop(POLLERS.key)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    await receive(hass, entry, "Turn on the kitchen light")

    assert len(agent.asked) == 1
    assert len(jobs.bodies) == 1


async def test_the_same_id_at_a_virtual_number_is_another_sms(
    hass: HomeAssistant, entry: MockConfigEntry, agent: FakeAgent
) -> None:
    """OVH numbers each number's incoming SMS apart: an id handled at one is new at another.

    Each stays handled at its own number after a restart.
    """
    await receive(hass, entry, "Turn on the kitchen light")
    await receive(hass, entry, "Is the door locked?", receiver=VIRTUAL_NUMBER)
    await hass.config_entries.async_unload(entry.entry_id)
    hass.data.pop(GUARDS.key)
    hass.data.pop(POLLERS.key)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    await receive(hass, entry, "Turn on the kitchen light")
    await receive(hass, entry, "Is the door locked?", receiver=VIRTUAL_NUMBER)

    assert [a["text"] for a in agent.asked] == ["Turn on the kitchen light", "Is the door locked?"]


async def test_ids_saved_before_virtual_numbers_stay_handled_at_the_short_number(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A guard saved with plain ids (all from the short number) still blocks them there."""
    freezer.move_to(START)
    hass_storage[f"{DOMAIN}.{mock_api_entry.entry_id}.commands"] = {
        "version": 1,
        "key": f"{DOMAIN}.{mock_api_entry.entry_id}.commands",
        "data": {"handled": ["7001"], "commands": {}, "answers_day": "", "answers": 0},
    }
    entry = await set_up(hass, mock_api_entry)

    await receive(hass, entry, "Turn on the kitchen light")
    await receive(hass, entry, "Is the door locked?", receiver=VIRTUAL_NUMBER)

    assert [a["text"] for a in agent.asked] == ["Is the door locked?"]


async def test_a_sender_over_the_hourly_limit_is_not_acted_on(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two commands an hour: the third waits for the first to be an hour old, across a restart."""
    entry = await set_up(hass, mock_api_entry, commands_per_sender_hourly=2)
    await receive(hass, entry, "One", sms_id="1")
    freezer.tick(timedelta(minutes=30))
    await receive(hass, entry, "Two", sms_id="2")
    await hass.config_entries.async_unload(entry.entry_id)
    hass.data.pop(GUARDS.key)
    await hass.config_entries.async_setup(entry.entry_id)
    await receive(hass, entry, "Three", sms_id="3")
    freezer.tick(timedelta(minutes=30))
    await receive(hass, entry, "Four", sms_id="4")

    assert [(c["text"], c["not_acted_on"]) for c in commands] == [
        ("One", None),
        ("Two", None),
        ("Three", "rate_limited"),
        ("Four", None),
    ]
    assert [a["text"] for a in agent.asked] == ["One", "Two", "Four"]


async def test_the_daily_cap_of_answers(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once the day's answers are spent, no agent runs until the next day."""
    await hass.config.async_set_time_zone("Europe/Paris")
    entry = await set_up(hass, mock_api_entry, answers_daily=1)
    await receive(hass, entry, "One", sms_id="1")
    await receive(hass, entry, "Two", sms_id="2")
    freezer.move_to("2026-11-22T23:00:00+00:00")  # midnight in Paris
    await receive(hass, entry, "Three", sms_id="3")

    assert [c["not_acted_on"] for c in commands] == [None, "daily_cap", None]
    assert [a["text"] for a in agent.asked] == ["One", "Three"]
    assert len(jobs.bodies) == 2


async def test_an_answer_goes_to_the_sender_only(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, agent: FakeAgent
) -> None:
    """An agent's answer naming another number is still sent to the sender alone."""
    agent.answer = f"Texting {ALICE} now"

    await receive(hass, entry, "Text Alice")

    assert [body["receivers"] for body in jobs.bodies] == [[BOB]]


async def test_nothing_is_kept_after_the_entry_is_deleted(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Deleting the account deletes what its commands saved."""
    await receive(hass, entry, "Turn on the kitchen light")
    assert f"{DOMAIN}.{entry.entry_id}.commands" in hass_storage

    await hass.config_entries.async_remove(entry.entry_id)

    assert f"{DOMAIN}.{entry.entry_id}.commands" not in hass_storage


async def test_a_push_racing_a_poll_is_acted_on_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The minute's read and a pushed SMS confirmed at OVH at the same time: one answer."""
    jobs.reply(1, BOB, "Turn on the kitchen light", START)
    poller = hass.data[POLLERS.key][entry.entry_id]

    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)  # the read starts
    await poller.async_confirm("1", dt_util.utcnow())  # the push is confirmed meanwhile
    await hass.async_block_till_done(wait_background_tasks=True)

    assert len(agent.asked) == 1
    assert len(jobs.bodies) == 1
