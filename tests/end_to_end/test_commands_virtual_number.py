"""End to end, the judged round trip: Alice texts the house's virtual number.

The entry reads a virtual number, the short number's replies off, commands on
with Home Assistant's built-in agent, Alice allowed to talk to the house. Her
"turn on the kitchen light" turns it on and one answer leaves from the virtual
number to her; OVH listing her SMS again after a restart changes nothing; a
stranger's identical SMS changes nothing and gets no answer.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ovh_sms.command_guard import GUARDS
from custom_components.ovh_sms.const import CONF_MAY_COMMAND, CONF_PHONE_NUMBER, DOMAIN
from custom_components.ovh_sms.replies import POLLERS
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from tests.conftest import ALICE, LoopbackSimulator

from .conftest import api_entry_on, set_up_api_entry_at, wait
from .test_commands import COMMANDS, LIGHT, STRANGER, set_up_house

NUMBER = "33644000001"


def answers_to(simulator: LoopbackSimulator, number: str) -> list[tuple[str, str]]:
    """List the (sender, text) of the SMS the simulator sent to this number (00 form)."""
    international = f"+{number.removeprefix('00')}"
    return [
        (sms.sender, sms.message) for sms in simulator.ovh.sent if international in sms.recipients
    ]


async def house_on_a_virtual_number(
    hass: HomeAssistant, simulator: LoopbackSimulator, **options: Any
) -> MockConfigEntry:
    """Set up the account reading only its virtual number, Alice allowed to talk to the house."""
    entry = api_entry_on(
        simulator,
        replies=False,
        virtual_numbers={"numbers": [NUMBER]},
        commands=COMMANDS,
        **options,
    )
    entry.add_to_hass(hass)
    alice = next(iter(entry.subentries.values()))
    hass.config_entries.async_update_subentry(
        entry, alice, data={CONF_PHONE_NUMBER: ALICE, CONF_MAY_COMMAND: True}
    )
    return await set_up_api_entry_at(hass, entry)


async def test_alice_texts_the_virtual_number_and_the_light_turns_on_once(
    hass: HomeAssistant,
    simulator: LoopbackSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """One SMS, one light on, one answer from the virtual number; not again after a restart."""
    await set_up_house(hass)
    entry = await house_on_a_virtual_number(hass, simulator)
    commands = async_capture_events(hass, "ovh_sms_command")

    simulator.ovh.api.text(NUMBER, f"+{ALICE.removeprefix('00')}", "turn on the kitchen light")
    await wait(hass, freezer, 61)

    assert hass.states.get(LIGHT).state == STATE_ON
    [(sender, answer)] = answers_to(simulator, ALICE)
    assert sender == f"+{NUMBER}"
    assert answer == commands[0].data["answer"]
    assert answer
    assert [(e.data["not_acted_on"], e.data["receiver"]) for e in commands] == [
        (None, f"00{NUMBER}")
    ]

    # A restart before the poller saved what it read: OVH's list is new to it again.
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)
    hass.data.pop(GUARDS.key)
    hass.data.pop(POLLERS.key)
    hass_storage[f"{DOMAIN}.{entry.entry_id}.{NUMBER}.replies"]["data"]["seen"] = []
    await hass.services.async_call("input_boolean", "turn_off", {"entity_id": LIGHT}, blocking=True)
    received = async_capture_events(hass, "ovh_sms_received")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait(hass, freezer, 61)

    assert [e.data["message"] for e in received] == ["turn on the kitchen light"]
    assert hass.states.get(LIGHT).state == STATE_OFF
    assert len(answers_to(simulator, ALICE)) == 1
    assert len(commands) == 1


async def test_a_stranger_texting_the_virtual_number_changes_nothing(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The same SMS from a number that is no recipient: no light, no answer, told as not allowed."""
    await set_up_house(hass)
    await house_on_a_virtual_number(hass, simulator)
    commands = async_capture_events(hass, "ovh_sms_command")
    received = async_capture_events(hass, "ovh_sms_received")

    simulator.ovh.api.text(NUMBER, f"+{STRANGER.removeprefix('00')}", "turn on the kitchen light")
    await wait(hass, freezer, 61)

    assert hass.states.get(LIGHT).state == STATE_OFF
    assert answers_to(simulator, STRANGER) == []
    assert [e.data["not_acted_on"] for e in commands] == ["not_allowed"]
    assert [(e.data["sender"], e.data["recipient"]) for e in received] == [(STRANGER, None)]
    [entity] = hass.states.async_all("event")  # the short number's replies are off
    assert (entity.attributes["event_type"], entity.attributes["receiver"]) == (
        "received",
        f"00{NUMBER}",
    )


async def test_the_answer_leaves_from_the_number_without_the_stop_mention(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The entry asks for OVH's STOP mention, which a virtual number cannot add: still answered."""
    await set_up_house(hass)
    await house_on_a_virtual_number(hass, simulator, no_stop=False)
    commands = async_capture_events(hass, "ovh_sms_command")

    simulator.ovh.api.text(NUMBER, f"+{ALICE.removeprefix('00')}", "turn on the kitchen light")
    await wait(hass, freezer, 61)

    assert [e.data["not_acted_on"] for e in commands] == [None]
    assert answers_to(simulator, ALICE) == [(f"+{NUMBER}", commands[0].data["answer"])]
