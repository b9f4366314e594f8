"""End to end, two-way, with API keys: the simulator plays the phone.

A delivery marked on the simulator arrives as ovh_sms_delivery; an answer typed
there arrives as ovh_sms_received and on the event entity; a deferred SMS goes
with differedPeriod and can be cancelled.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from tests.conftest import ALICE, LoopbackSimulator

from .conftest import api_entry_on, set_up_api_entry_at, wait


async def api_entry(hass: HomeAssistant, simulator: LoopbackSimulator) -> MockConfigEntry:
    """Set up an API keys account on the simulator, from the short number, replies on."""
    return await set_up_api_entry_at(hass, api_entry_on(simulator))


async def send(hass: HomeAssistant, **data: Any) -> list[str]:
    """Send to Alice; give the SMS ids."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"recipients": [ALICE], "message": "Alarm! Reply 1 to disarm", **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return list(response["sms_ids"])


async def test_delivered_then_answered(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The phone gets the SMS and answers "1": both reach Home Assistant."""
    await api_entry(hass, simulator)
    deliveries = async_capture_events(hass, "ovh_sms_delivery")
    received = async_capture_events(hass, "ovh_sms_received")
    [sms_id] = await send(hass, tag="alarm")
    simulator.ovh.api.set_delivery(int(sms_id), "delivered")
    await wait(hass, freezer, 20)
    assert [(e.data["sms_id"], e.data["status"], e.data["recipient"]) for e in deliveries] == [
        (sms_id, "delivered", ALICE)
    ]
    simulator.ovh.api.reply(int(sms_id), "1")
    await wait(hass, freezer, 61)
    assert [
        (e.data["sender"], e.data["recipient"], e.data["message"], e.data["tag"]) for e in received
    ] == [(ALICE, "Alice", "1", "alarm")]
    state = hass.states.get("event.sms_ab1234_1_sms_received")
    assert state is not None
    assert (state.attributes["event_type"], state.attributes["message"]) == ("received", "1")


async def test_deferred_then_cancelled(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A deferred SMS waits at OVH as a job; cancelling it takes it back and refunds it."""
    await api_entry(hass, simulator)
    credit_before = simulator.ovh.credits
    when = (dt_util.utcnow() + timedelta(hours=2)).isoformat()
    [sms_id] = await send(hass, deferred=when)
    [sent] = simulator.ovh.sent
    assert sent.deferred is not None
    response = await hass.services.async_call(
        DOMAIN, "cancel_sms", {"sms_ids": [sms_id]}, blocking=True, return_response=True
    )
    assert response == {"cancelled": [sms_id]}
    assert int(sms_id) in simulator.ovh.api.cancelled
    assert simulator.ovh.credits == credit_before
