"""End to end, commands by SMS: the simulator's phone talks to Home Assistant's own agent.

Alice, allowed to talk to the house, answers an SMS of the house with "turn on
the kitchen light": Home Assistant's built-in agent turns it on and Alice gets
its answer by SMS, once, even when OVH lists her SMS again after a restart. A
number that is no recipient texting the same changes nothing and gets nothing.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ovh_sms.command_guard import GUARDS
from custom_components.ovh_sms.const import CONF_MAY_COMMAND, CONF_PHONE_NUMBER, DOMAIN
from custom_components.ovh_sms.replies import POLLERS
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.setup import async_setup_component
from tests.conftest import ALICE, LoopbackSimulator

from .conftest import api_entry_on, set_up_api_entry_at, wait

LIGHT = "input_boolean.kitchen_light"
STRANGER = "0033611111111"
COMMANDS = {
    "agent_id": "conversation.home_assistant",
    "keywords": [],
    "pin": "",
    "commands_per_sender_hourly": 10,
    "answers_daily": 20,
}


async def set_up_house(hass: HomeAssistant) -> None:
    """Home Assistant with its built-in agent and a kitchen light exposed to Assist."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"kitchen_light": {"name": "Kitchen light"}}}
    )
    assert await async_setup_component(hass, "conversation", {})
    async_expose_entity(hass, "conversation", LIGHT, should_expose=True)


async def text_the_house(
    hass: HomeAssistant, simulator: LoopbackSimulator, number: str, message: str
) -> int:
    """Have the house text this number from the short number, and the phone answer; its id."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"recipients": [number], "message": "Good morning"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return simulator.ovh.api.reply(int(response["sms_ids"][0]), message).id


def sent_to(simulator: LoopbackSimulator, number: str) -> list[str]:
    """List the texts the simulator sent to this number (given in the 00 form), oldest first."""
    international = f"+{number.removeprefix('00')}"
    return [sms.message for sms in simulator.ovh.sent if international in sms.recipients]


async def allowed_alice(hass: HomeAssistant, simulator: LoopbackSimulator) -> MockConfigEntry:
    """Set up the API keys account on the simulator, Alice allowed to talk to the house."""
    entry = api_entry_on(simulator, commands=COMMANDS)
    entry.add_to_hass(hass)
    alice = next(iter(entry.subentries.values()))
    hass.config_entries.async_update_subentry(
        entry, alice, data={CONF_PHONE_NUMBER: ALICE, CONF_MAY_COMMAND: True}
    )
    return await set_up_api_entry_at(hass, entry)


async def restart_having_forgotten_the_read(
    hass: HomeAssistant, entry: MockConfigEntry, saved_reads: dict[str, Any]
) -> list[Event]:
    """Restart before the reader saved what it read (OVH's list is new to it again), light off.

    The command guard's saved ids are what is left to stop a replay. Gives the
    ovh_sms_received events from then on.
    """
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)
    hass.data.pop(GUARDS.key)
    hass.data.pop(POLLERS.key)
    saved_reads["data"]["seen"] = []
    await hass.services.async_call("input_boolean", "turn_off", {"entity_id": LIGHT}, blocking=True)
    received = async_capture_events(hass, "ovh_sms_received")
    assert await hass.config_entries.async_setup(entry.entry_id)
    return received


async def test_alice_turns_the_light_on_once_even_listed_again_after_a_restart(
    hass: HomeAssistant,
    simulator: LoopbackSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """One SMS, one light on, one answer: a restart that forgot the read does not replay it."""
    await set_up_house(hass)
    entry = await allowed_alice(hass, simulator)
    commands = async_capture_events(hass, "ovh_sms_command")

    await text_the_house(hass, simulator, ALICE, "turn on the kitchen light")
    await wait(hass, freezer, 61)

    assert hass.states.get(LIGHT).state == STATE_ON
    [greeting, answer] = sent_to(simulator, ALICE)
    assert greeting == "Good morning"
    assert answer == commands[0].data["answer"]
    assert answer
    assert commands[0].data["not_acted_on"] is None

    received = await restart_having_forgotten_the_read(
        hass, entry, hass_storage[f"{DOMAIN}.{entry.entry_id}.replies"]
    )
    await wait(hass, freezer, 61)

    assert [e.data["message"] for e in received] == ["turn on the kitchen light"]
    assert hass.states.get(LIGHT).state == STATE_OFF
    assert len(sent_to(simulator, ALICE)) == 2
    assert len(commands) == 1


async def test_an_unknown_number_changes_nothing(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The same SMS from a number that is no recipient: no light, no answer."""
    await set_up_house(hass)
    await allowed_alice(hass, simulator)
    commands = async_capture_events(hass, "ovh_sms_command")

    await text_the_house(hass, simulator, STRANGER, "turn on the kitchen light")
    await wait(hass, freezer, 61)

    assert hass.states.get(LIGHT).state == STATE_OFF
    assert sent_to(simulator, STRANGER) == ["Good morning"]
    assert [e.data["not_acted_on"] for e in commands] == ["not_allowed"]
