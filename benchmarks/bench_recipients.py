"""1,000 recipients: how many requests, and the total time against one batch of 50."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from benchmarks.measure import median_seconds, report
from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN
from custom_components.ovh_sms.http2sms import BATCH_SIZE
from homeassistant.core import HomeAssistant
from tests.conftest import LoopbackSimulator

ROUNDS = 20
NUMBERS = [f"06 12 {n // 100:02d} {n % 100:02d} 00" for n in range(1000)]


async def bench_thousand_recipients(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """Send to 1,000 numbers and to 50; compare the medians."""
    hass.config_entries.async_update_entry(simulator_entry, options={CONF_HOURLY_LIMIT: 0})
    simulator.ovh.credits *= 10**6

    def send_to(numbers: list[str]) -> object:
        return hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"recipients": numbers, "message": "Storm warning"},
            blocking=True,
            return_response=True,
        )

    one_batch = await median_seconds(lambda: send_to(NUMBERS[:BATCH_SIZE]), ROUNDS)
    requests = len(simulator.ovh.requests)
    thousand = await median_seconds(lambda: send_to(NUMBERS), ROUNDS)
    per_send = (len(simulator.ovh.requests) - requests) // ROUNDS
    print(f"\nBENCH 1000 recipients: {per_send} requests of at most {BATCH_SIZE} per send")
    report(
        "1000 recipients, whole send (median)",
        thousand,
        one_batch,
        f"expected: about {per_send}x, {per_send} requests",
    )
