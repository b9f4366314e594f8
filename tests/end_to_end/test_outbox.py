"""End to end: OVH down, notify.ovh_sms queues; OVH back, the SMS arrives once; failover.

The simulator's "unreachable" switch refuses connections, as a server down
does; Home Assistant's clock is frozen and moved a second at a time.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ovh_sms.const import CONF_ENDPOINT
from custom_components.ovh_sms.failover import CONF_FALLBACKS, EVENT_FAILOVER
from homeassistant.core import HomeAssistant
from simulator import OvhSimulator
from tests.conftest import (
    ALICE,
    PASSWORD,
    LoopbackSimulator,
    serving,
    set_up_second_account,
    state_of,
)

from .conftest import wait

OUTBOX = "sensor.sms_ab1234_1_outbox"
TWO_MINUTES = 120
SECOND = "sms-cd5678-1"


async def test_ovh_down_queues_then_the_sms_arrives_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: LoopbackSimulator,
    simulator_entry: MockConfigEntry,
) -> None:
    """Refused, the SMS waits (outbox 1); served again, it arrives within 2 minutes, once."""
    ovh = simulator.ovh
    await ovh.reachability.switch(unreachable=True)
    await hass.services.async_call("notify", "ovh_sms", {"message": "Door open"}, blocking=True)
    assert state_of(hass, OUTBOX) == "1"
    await wait(hass, freezer, 300)  # tried again, refused, the backoff at its 2 minutes
    assert (ovh.requests, state_of(hass, OUTBOX)) == ([], "1")
    await ovh.reachability.switch(unreachable=False)
    seconds = 0
    while not ovh.sent:
        await wait(hass, freezer, 1)
        seconds += 1
        assert seconds <= TWO_MINUTES
    await wait(hass, freezer, 600)
    [sms] = ovh.sent
    assert (sms.recipients, sms.message) == ((ALICE,), "Door open")
    assert state_of(hass, OUTBOX) == "0"


async def test_credentials_refused_a_second_account_sends_it_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: LoopbackSimulator,
    simulator_entry: MockConfigEntry,
) -> None:
    """The first account's password refused, its fallback, another account, sends it once."""
    events = async_capture_events(hass, EVENT_FAILOVER)
    async with serving(OvhSimulator(account=SECOND, login="ha", password=PASSWORD)) as other:
        second = await set_up_second_account(hass, simulator_entry)
        hass.config_entries.async_update_entry(
            second, data=second.data | {CONF_ENDPOINT: other.endpoint}
        )
        await hass.config_entries.async_reload(second.entry_id)
        hass.config_entries.async_update_entry(
            simulator_entry, options=simulator_entry.options | {CONF_FALLBACKS: [second.entry_id]}
        )
        await hass.async_block_till_done()
        simulator.ovh.password = "changed-on-ovh"  # noqa: S105
        await hass.services.async_call("notify", "ovh_sms", {"message": "Door open"}, blocking=True)
        await wait(hass, freezer, 600)
        [sms] = other.ovh.sent
        assert (sms.recipients, sms.message) == ((ALICE,), "Door open")
    assert simulator.ovh.sent == []
    assert [event.data["path"] for event in events] == [second.entry_id]
    assert state_of(hass, OUTBOX) == "0"
