"""End to end, a virtual number: the simulator's phone texts it, the answer goes out from it.

Once read, an SMS is told once: again after a reload and when the simulator still
lists it; the answer to it leaves from the number that received it (receiver).
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from tests.conftest import ALICE, LoopbackSimulator

from .conftest import api_entry_on, set_up_api_entry_at, wait

NUMBER = "33644000001"


async def test_a_phone_texts_the_number_and_gets_an_answer_from_it(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Texted once: told once (even after a reload); the answer sent from that number."""
    entry = await set_up_api_entry_at(
        hass, api_entry_on(simulator, virtual_numbers={"numbers": [NUMBER]})
    )
    received = async_capture_events(hass, "ovh_sms_received")
    simulator.ovh.api.text(NUMBER, "+33612345678", "What is the temperature?")
    await wait(hass, freezer, 61)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await wait(hass, freezer, 61)
    assert [
        (e.data["sender"], e.data["recipient"], e.data["message"], e.data["receiver"])
        for e in received
    ] == [(ALICE, "Alice", "What is the temperature?", "0033644000001")]
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "recipients": [received[0].data["sender"]],
            "message": "21 °C",
            "sender": received[0].data["receiver"],
        },
        blocking=True,
        return_response=True,
    )
    answer = simulator.ovh.sent[-1]
    assert (answer.sender, answer.recipients, answer.message, answer.via) == (
        "+33644000001",
        ("+33612345678",),
        "21 °C",
        "api",
    )
