"""Alarms: the replies that acknowledge, however a phone writes them and OVH gives the sender."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from homeassistant.core import Event, HomeAssistant
from tests.conftest import ALICE

from .fake_ovh import BOB, FakeJobs, reply, send_alarm, wait


def acknowledged(events: list[Event[dict[str, Any]]]) -> list[str]:
    """Give the id of each acknowledged alarm."""
    return [e.data["alarm_id"] for e in events if e.data["step"] == "acknowledged"]


@pytest.mark.parametrize("text", ["ok{code}", "OK{code}!", "Ok {code}.", "{code}", "OK-{code}"])
async def test_the_code_glued_to_ok_or_alone_acknowledges(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, text: str
) -> None:
    """A phone's keyboard leaves out the space, adds a full stop: the code still counts."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    first = await send_alarm(hass)
    await send_alarm(hass, message="Smoke!")  # a plain OK would be ambiguous
    reply(hass, entry, ALICE, text.format(code=first["code"]), "r1")
    await hass.async_block_till_done()
    assert acknowledged(events) == [first["alarm_id"]]


@pytest.mark.parametrize("text", ["OK {code}0", "OK 1{code}", "ok merci"])
async def test_another_number_or_more_than_ok_does_not_acknowledge(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, text: str
) -> None:
    """A code inside a longer number is not the code; a plain OK is OK alone."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    first = await send_alarm(hass)
    reply(hass, entry, ALICE, text.format(code=first["code"]), "r1")
    await hass.async_block_till_done()
    assert acknowledged(events) == []


@pytest.mark.parametrize("sender", ["+33612345678", "0033612345678", "33612345678", "0612345678"])
async def test_the_recipient_replies_in_any_form_ovh_gives_the_number(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    sender: str,
) -> None:
    """OVH writes the sender +33…, 0033…, 33… or 06…: it is Alice, who acknowledges."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    first = await send_alarm(hass)
    jobs.reply(31, sender, "OK", "2026-11-22T03:00:14+00:00")
    await wait(hass, freezer, 15)
    assert [
        (e.data["alarm_id"], e.data["acknowledged_by"])
        for e in events
        if e.data["step"] == "acknowledged"
    ] == [(first["alarm_id"], "Alice")]
    await wait(hass, freezer, 600)
    assert len(jobs.bodies) == 1


async def test_a_number_of_another_country_with_the_same_digits_does_not_acknowledge(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs
) -> None:
    """+44 6 12 34 56 78 ends as Alice's number does, yet is not hers."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    await send_alarm(hass)
    reply(hass, entry, "0044612345678", "OK", "r1")
    reply(hass, entry, "612345678", "OK", "r2")
    await hass.async_block_till_done()
    assert acknowledged(events) == []


async def test_a_reply_with_the_codes_of_two_alarms_acknowledges_both_once(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """Alice answers both alarms in one SMS, "OK 47 52": both end, told again it moves nothing."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    first = await send_alarm(hass)
    second = await send_alarm(hass, message="Smoke!")
    third = await send_alarm(hass, message="Door!")
    both = f"OK {first['code']} {second['code']}"
    reply(hass, entry, ALICE, both, "r1")
    reply(hass, entry, ALICE, both, "r1")
    await hass.async_block_till_done()
    assert acknowledged(events) == [first["alarm_id"], second["alarm_id"]]
    await wait(hass, freezer, 120)
    assert [receiver for receiver, text in jobs.sent() if text.startswith("Door!")] == [ALICE, BOB]
    assert third["alarm_id"] not in acknowledged(events)


async def test_two_alarms_started_at_once_get_different_codes(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two automations start an alarm on the same trigger: each code names one alarm."""
    monkeypatch.setattr("secrets.choice", lambda codes: codes[0])
    first, second = await asyncio.gather(send_alarm(hass), send_alarm(hass, message="Smoke!"))
    assert {first["code"], second["code"]} == {"10", "11"}


async def test_a_national_sender_two_numbers_of_the_alarm_could_be_acknowledges_it_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """07 61 23 45 67 is written alike in France and Switzerland: the alarm went to both."""
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass, recipients=["+33761234567", "+41761234567"])
    await wait(hass, freezer, 120)
    reply(hass, entry, "0761234567", f"OK {response['code']}", "r1")
    await hass.async_block_till_done()
    assert acknowledged(events) == [response["alarm_id"]]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
