"""Alarms: the replies that acknowledge, however a phone writes them and OVH gives the sender."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from homeassistant.core import Event, HomeAssistant
from tests.conftest import ALICE

from .fake_ovh import FakeJobs, reply, send_alarm


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
