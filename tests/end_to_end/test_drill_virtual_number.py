"""End to end, a drill while the entry reads a virtual number: it goes as an alarm does.

From the number an alarm would go from (the entry's sender when it is that
virtual number, else the short number when its replies are read, else the
virtual number); Alice's reply to it, read within 15 s since that number is
read often while the drill waits, passes the drill.
"""

from __future__ import annotations

import json

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.core import HomeAssistant
from tests.conftest import LoopbackSimulator

from .conftest import api_entry_on, wait
from .test_alarms import sent

NUMBER = "33644000001"
ALICE_PHONE = "+33612345678"
DRILL = {"enabled": False, "recipient": "alice_id", "require_reply": True}
TEXT = "Test SMS of Home Assistant ({account}): the alarm path works. Reply OK to confirm."


async def drill_from_the_number(
    hass: HomeAssistant, simulator: LoopbackSimulator, *, sender: str, replies: bool
) -> str:
    """Set the account up reading its virtual number, with this sender; run the drill."""
    entry = api_entry_on(
        simulator,
        replies=replies,
        virtual_numbers={"numbers": [NUMBER]},
        drill=DRILL,
        no_stop=False,
    )
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "sender": sender})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await hass.services.async_call("ovh_sms", "run_drill", {}, blocking=True, return_response=True)
    return str(entry.data["account"])


@pytest.mark.parametrize(
    ("sender", "replies"),
    [(f"+{NUMBER}", True), (f"+{NUMBER}", False), ("", False)],
    ids=["sender_with_short_replies", "sender_alone", "short_number_not_read"],
)
async def test_alice_confirms_by_texting_the_number(
    hass: HomeAssistant,
    simulator: LoopbackSimulator,
    freezer: FrozenDateTimeFactory,
    sender: str,
    replies: bool,  # noqa: FBT001 - a parameter of the test
) -> None:
    """The drill from the virtual number, without the STOP mention; Alice's reply to it passes."""
    events = async_capture_events(hass, "ovh_sms_drill")
    account = await drill_from_the_number(hass, simulator, sender=sender, replies=replies)
    assert sent(simulator) == [((ALICE_PHONE,), f"+{NUMBER}", TEXT.format(account=account))]
    assert simulator.ovh.sent[0].no_stop

    await wait(hass, freezer, 30)
    assert [event.data["step"] for event in events] == ["started"]
    simulator.ovh.api.text(NUMBER, ALICE_PHONE, "ok")
    await wait(hass, freezer, 15)
    assert [event.data["step"] for event in events] == ["started", "passed"]


async def test_the_short_number_when_the_sender_is_not_read(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """An alpha sender, the short number's replies read: the drill goes from the short number.

    Without the STOP mention, though the entry's SMS carry it.
    """
    account = await drill_from_the_number(hass, simulator, sender="", replies=True)
    assert sent(simulator) == [((ALICE_PHONE,), "", TEXT.format(account=account))]
    assert simulator.ovh.sent[0].no_stop


async def test_the_diagnostics_hide_the_number_the_drill_went_from(
    hass: HomeAssistant, simulator: LoopbackSimulator, hass_client: ClientSessionGenerator
) -> None:
    """The virtual number the running drill went from, the account's phone number, is nowhere."""
    await drill_from_the_number(hass, simulator, sender=f"+{NUMBER}", replies=False)
    entry = hass.config_entries.async_entries("ovh_sms")[0]
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert diagnostics["drill"]["running"]["reply_number"] == "**REDACTED**"
    assert NUMBER not in json.dumps(diagnostics)
