"""The outbox: how long 100 queued SMS take to leave once OVH is back.

A real Home Assistant against the simulator on loopback. With the simulator
unreachable (its switch: connections refused), 100 calls of notify.ovh_sms
queue 100 SMS; switched back, the clock is moved to the outbox's first try and
the wall time until the outbox is empty is measured: one drain, oldest first,
one SMS at a time. Baseline, in the same run: 100 direct sends of the same
SMS, one call after the other.
"""

from __future__ import annotations

from freezegun import api as freezegun_api
from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from benchmarks.measure import report
from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT
from custom_components.ovh_sms.outbox import FIRST_TRY, OUTBOXES
from homeassistant.core import HomeAssistant
from tests.conftest import LoopbackSimulator

SMS = 100


def wall_clock() -> float:
    """Give the real time.perf_counter: the frozen clock stops the patched one."""
    return freezegun_api.real_perf_counter()


async def notify(hass: HomeAssistant, count: int) -> None:
    """Call notify.ovh_sms count times, one after the other."""
    for number in range(count):
        await hass.services.async_call(
            "notify", "ovh_sms", {"message": f"Water leak {number}"}, blocking=True
        )


async def bench_outbox_drain_vs_direct_sends(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: LoopbackSimulator,
    simulator_entry: MockConfigEntry,
) -> None:
    """Wall time of the drain of 100 queued SMS against 100 direct sends."""
    hass.config_entries.async_update_entry(simulator_entry, options={CONF_HOURLY_LIMIT: 0})
    await hass.async_block_till_done()
    ovh = simulator.ovh
    ovh.credits *= 1000
    start = wall_clock()
    await notify(hass, SMS)
    direct = wall_clock() - start
    await ovh.reachability.switch(unreachable=True)
    await notify(hass, SMS)
    outbox = hass.data[OUTBOXES.key][simulator_entry.entry_id]
    assert outbox.count == SMS
    await ovh.reachability.switch(unreachable=False)
    freezer.tick(FIRST_TRY)
    start = wall_clock()
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    drain = wall_clock() - start
    assert outbox.count == 0
    assert len(ovh.sent) == 2 * SMS
    report(f"outbox drain of {SMS} SMS", drain, direct, f"baseline: {SMS} direct sends")
