"""Incoming SMS to Assist: who is answered, with what, from where, and how often."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import CONF_MAY_COMMAND, CONF_PHONE_NUMBER
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from tests.alarms.fake_ovh import FakeJobs
from tests.conftest import ALICE

from .conftest import AGENT, BOB, START, STRANGER, FakeAgent, receive, set_up

VIRTUAL_NUMBER = "0033757123456"


async def test_an_allowed_sender_gets_the_agents_answer_from_the_short_number(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
) -> None:
    """Bob's SMS goes to the agent in Home Assistant's language; the answer goes to Bob only."""
    await receive(hass, entry, "Turn on the kitchen light")

    assert agent.asked == [{"text": "Turn on the kitchen light", "agent_id": AGENT}]
    assert jobs.sent() == [(BOB, "The kitchen light is on.")]
    assert jobs.bodies[0]["senderForResponse"] is True
    assert "sender" not in jobs.bodies[0]
    assert commands == [
        {
            "config_entry_id": entry.entry_id,
            "sms_id": "7001",
            "sender": BOB,
            "receiver": None,
            "recipient": "Bob",
            "text": "Turn on the kitchen light",
            "keyword": None,
            "answer": "The kitchen light is on.",
            "answer_sms_ids": ["1"],
            "answer_parts": 1,
            "credits_removed": 1.0,
            "not_acted_on": None,
            "error": None,
        }
    ]


async def test_an_sms_to_a_virtual_number_is_answered_from_it(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    commands: list[dict[str, Any]],
) -> None:
    """The answer leaves from the account's number that received the SMS, not the entry's sender."""
    await receive(hass, entry, "Is the door locked?", receiver=VIRTUAL_NUMBER)

    assert jobs.sent() == [(BOB, "The kitchen light is on.")]
    assert jobs.bodies[0]["sender"] == VIRTUAL_NUMBER
    assert "senderForResponse" not in jobs.bodies[0]
    assert commands[0]["receiver"] == VIRTUAL_NUMBER


async def test_follow_ups_stay_in_the_senders_conversation(
    hass: HomeAssistant, entry: MockConfigEntry, agent: FakeAgent
) -> None:
    """Each sender keeps one conversation, so a follow-up question has its context."""
    await receive(hass, entry, "Is the heating on?", sms_id="1")
    await receive(hass, entry, "And in the kitchen?", sms_id="2")

    assert "conversation_id" not in agent.asked[0]
    assert agent.asked[1]["conversation_id"] == "conv-1"


@pytest.mark.parametrize(
    ("sender", "allowed"),
    [(STRANGER, None), (ALICE, None), (BOB, False)],
    ids=["unknown number", "recipient never allowed", "recipient switched off"],
)
async def test_only_allowed_recipients_are_acted_on(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
    sender: str,
    allowed: bool | None,
) -> None:
    """Anyone else's SMS reaches no agent and gets no answer; the event says why."""
    if allowed is not None:
        bob = next(s for s in entry.subentries.values() if s.title == "Bob")
        hass.config_entries.async_update_subentry(
            entry, bob, data={CONF_PHONE_NUMBER: BOB, CONF_MAY_COMMAND: allowed}
        )
        await hass.async_block_till_done()

    await receive(hass, entry, "Turn on the kitchen light", sender=sender)

    assert agent.asked == []
    assert jobs.bodies == []
    assert [(c["sender"], c["not_acted_on"], c["text"]) for c in commands] == [
        (sender, "not_allowed", None)
    ]


async def test_an_old_sms_is_not_acted_on(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
) -> None:
    """An SMS received more than 5 minutes before it is first seen only fires events."""
    sent_at = "2026-11-22T02:54:59+00:00"  # 5 minutes and 1 second before START

    await receive(hass, entry, "Open the garage", received_at=sent_at)
    await receive(hass, entry, "Open the garage", sms_id="7002", received_at=START_PLUS_4MIN)

    assert [c["not_acted_on"] for c in commands] == ["too_old", None]
    assert len(agent.asked) == 1


START_PLUS_4MIN = "2026-11-22T02:56:00+00:00"


async def test_the_answer_is_cut_to_two_parts(
    hass: HomeAssistant,
    *,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
) -> None:
    """A long answer is cut so that it costs 2 SMS parts at most: 306 GSM characters."""
    agent.answer = "All good. " * 50

    await receive(hass, entry, "How is the house?")

    ((_, text),) = jobs.sent()
    assert text == ("All good. " * 50)[:306]
    assert commands[0]["answer"] == text
    assert commands[0]["answer_parts"] == 2


async def test_an_unicode_answer_is_cut_to_two_unicode_parts(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, agent: FakeAgent
) -> None:
    """An answer that needs Unicode fits 2 parts of 67 characters."""
    agent.answer = "Température : 19 °C ✓ " * 20

    await receive(hass, entry, "Quelle température ?")

    ((_, text),) = jobs.sent()
    assert len(text) == 134


async def test_the_recipients_language_is_asked_for(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A recipient with a language is answered in it."""
    entry = await set_up(hass, mock_api_entry, language="fr")

    await receive(hass, entry, "Allume la lumière de la cuisine")

    assert agent.asked[0]["language"] == "fr"


@pytest.mark.parametrize(
    ("options", "reason"),
    [({"agent_id": ""}, "no_agent"), ({"agent_id": "conversation.gone"}, "no_agent")],
    ids=["no agent chosen", "agent gone"],
)
async def test_without_an_agent_nothing_is_answered(
    hass: HomeAssistant,
    *,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    commands: list[dict[str, Any]],
    freezer: FrozenDateTimeFactory,
    options: dict[str, Any],
    reason: str,
) -> None:
    """With no agent (or none that Home Assistant has), the event says so; nothing is sent."""
    entry = await set_up(hass, mock_api_entry, **options)

    await receive(hass, entry, "Turn on the kitchen light")

    assert [c["not_acted_on"] for c in commands] == [reason]
    assert jobs.bodies == []


async def test_a_failed_answer_is_told_and_not_sent_again(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    commands: list[dict[str, Any]],
) -> None:
    """An answer OVH refused is named in the event, and never retried."""
    jobs.refused.add(BOB)

    await receive(hass, entry, "Turn on the kitchen light")
    await receive(hass, entry, "Turn on the kitchen light")

    assert len(jobs.bodies) == 1
    assert [c["not_acted_on"] for c in commands] == ["answer_failed"]
    assert commands[0]["error"]


async def test_an_agent_that_fails_is_told(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
) -> None:
    """An agent Home Assistant refuses to run answers nothing; the event names the error."""
    agent.error = HomeAssistantError("Agent conversation.fake_agent not found")

    await receive(hass, entry, "Turn on the kitchen light")

    assert [(c["not_acted_on"], c["error"]) for c in commands] == [
        ("no_agent", "Agent conversation.fake_agent not found")
    ]
    assert jobs.bodies == []


async def test_an_empty_answer_sends_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    commands: list[dict[str, Any]],
) -> None:
    """An agent with nothing to say sends no SMS: an empty SMS would cost for nothing."""
    agent.answer = " "

    await receive(hass, entry, "Turn on the kitchen light")

    assert [c["not_acted_on"] for c in commands] == ["no_answer"]
    assert jobs.bodies == []


async def test_an_answer_is_never_commercial(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    agent: FakeAgent,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The entry's SMS carry the STOP mention; an answer asked for does not: noStopClause.

    From a virtual number, one with it would be refused.
    """
    freezer.move_to(START)
    entry = await set_up(hass, mock_api_entry)
    hass.config_entries.async_update_entry(entry, options={**entry.options, "no_stop": False})
    await receive(hass, entry, "Is the door locked?")
    assert jobs.bodies[0]["noStopClause"] is True
