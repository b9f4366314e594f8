"""Sends to 1,000 recipients: on the wire, and in the event loop.

1,000 recipients against one request's worth, with OVH answering each request after 100 ms:
the simulator waits ANSWER_DELAY before it answers each request, like a slow
OVH, so the time of a send is mostly waiting for answers. A send to BATCH_SIZE
numbers needs one request; a send to 1,000 numbers needs 20. Sent one after the
other they take about 20x the single request; with a few requests in flight at
once the target is at most 6x. Building the SMS to 1,000 saved recipients
(normalised when saved) against 1,000 typed numbers (parsed on each send).
"""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from benchmarks.measure import median_seconds, report
from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN
from custom_components.ovh_sms.coordinator import OvhSmsConfigEntry
from custom_components.ovh_sms.ovhsms import BATCH_SIZE
from custom_components.ovh_sms.sms_options import SmsOptions
from homeassistant.core import HomeAssistant
from tests.conftest import LoopbackSimulator, add_recipient

ROUNDS = 5
ANSWER_DELAY = 0.1
NUMBERS = [f"06 12 {n // 100:02d} {n % 100:02d} 00" for n in range(1000)]


async def bench_thousand_recipients(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """Send to 1,000 numbers and to BATCH_SIZE (one request), OVH answering late; compare."""
    hass.config_entries.async_update_entry(simulator_entry, options={CONF_HOURLY_LIMIT: 0})
    simulator.ovh.credits *= 10**6
    simulator.ovh.answer_delay = ANSWER_DELAY

    async def send_to(numbers: list[str]) -> None:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"recipients": numbers, "message": "Storm warning"},
            blocking=True,
            return_response=True,
        )

    one_request = await median_seconds(lambda: send_to(NUMBERS[:BATCH_SIZE]), ROUNDS)
    assert len(simulator.ovh.requests) == ROUNDS, "a send to BATCH_SIZE numbers is one request"
    thousand = await median_seconds(lambda: send_to(NUMBERS), ROUNDS)
    per_send = (len(simulator.ovh.requests) - ROUNDS) // ROUNDS
    assert len(simulator.ovh.sent) == ROUNDS * (1 + per_send), "every request was accepted"
    report(
        f"1000 recipients vs {BATCH_SIZE}, OVH answering after"
        f" {ANSWER_DELAY * 1000:.0f} ms (median of {ROUNDS})",
        thousand,
        one_request,
        f"target: ≤ 6x; {per_send} requests per send vs 1",
    )


async def bench_saved_recipients(hass: HomeAssistant, simulator_entry: OvhSmsConfigEntry) -> None:
    """Build an SMS to 1,000 saved recipients and to the same 1,000 numbers typed; compare.

    Saved recipients were normalised when saved; typed numbers are parsed on
    each send (about 35 µs each, in the event loop).
    """
    saved = [f"0033612{n // 100:02d}{n % 100:02d}00" for n in range(1000)]
    for number in saved:
        add_recipient(hass, simulator_entry, number)
    gateway = simulator_entry.runtime_data.gateway

    async def build(numbers: list[str]) -> None:
        gateway.build(numbers, "Storm warning", SmsOptions())

    typed = await median_seconds(lambda: build(NUMBERS), ROUNDS)
    saved_time = await median_seconds(lambda: build(saved), ROUNDS)
    report(
        f"building an SMS to 1000 saved recipients vs typed numbers (median of {ROUNDS})",
        saved_time,
        typed,
        "target: well under 0.1x",
    )
