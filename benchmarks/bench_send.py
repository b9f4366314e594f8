"""Per-send cost of ovh_sms.send_sms against a bare aiohttp POST of the same form.

Both go to the same simulator on loopback through Home Assistant's shared
session, interleaved round by round; the ratio is what the integration adds
(validation, action call, response data, sensors, event) to the round trip.
"""

from __future__ import annotations

import statistics
import time

from pytest_homeassistant_custom_component.common import MockConfigEntry

from benchmarks.measure import report
from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN
from custom_components.ovh_sms.ovhsms import build_sms, form
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from tests.conftest import ACCOUNT, ALICE, LOGIN, PASSWORD, LoopbackSimulator

ROUNDS = 400
MESSAGE = "Water leak in the cellar"


async def bench_send_sms_vs_bare_post(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """Median per-send time of the action and of the bare POST, and their ratio."""
    hass.config_entries.async_update_entry(simulator_entry, options={CONF_HOURLY_LIMIT: 0})
    simulator.ovh.credits *= 1000
    session = async_get_clientsession(hass)
    fields = {"account": ACCOUNT, "login": LOGIN, "password": PASSWORD}
    fields |= form(build_sms([ALICE], MESSAGE, now=dt_util.utcnow()), [ALICE])

    async def bare_post() -> None:
        async with session.post(simulator.endpoint, data=fields) as response:
            assert '"status":100' in await response.text()

    async def action() -> None:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"recipients": [ALICE], "message": MESSAGE},
            blocking=True,
            return_response=True,
        )

    bare, ours = [], []
    for _ in range(ROUNDS):
        for run, durations in ((bare_post, bare), (action, ours)):
            start = time.perf_counter()
            await run()
            durations.append(time.perf_counter() - start)
    assert len(simulator.ovh.sent) == 2 * ROUNDS
    report(
        "send_sms per send (median)",
        statistics.median(ours),
        statistics.median(bare),
        "target: under 1.5x",
    )
