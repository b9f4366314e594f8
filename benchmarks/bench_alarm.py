"""How fast an alarm hears its acknowledgement, and what reading that fast costs in API calls.

Polled: a reply lands at OVH at each second of the read cycle in turn; the time
until the acknowledged event is counted on Home Assistant's clock. The
baseline, in the same run, is the same reply to a plain SMS, read at the usual
interval. Pushed: OVH's call has the reply read at once (the poller's confirm,
as the webhook calls it); CPU time to the acknowledged event, OVH's
answer mocked. First, the API calls in an hour while one alarm stays open,
against OVH's fair use (with replies on and no alarm, 64 an hour:
bench_api_cost).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
import itertools
import re
import statistics
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN, EVENT_ALARM, EVENT_RECEIVED
from custom_components.ovh_sms.replies import async_get_poller
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from tests.alarms.fake_ovh import FakeJobs
from tests.conftest import ACCOUNT, ALICE, API_ENDPOINT

FAIR_USE_PER_HOUR = 60 * 60
# Replies placed at each second of a minute: the usual read cycle.
OFFSETS = range(60)


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _reply(reply_id: int, message: str) -> dict[str, object]:
    return {"id": reply_id, "sender": "+33612345678", "message": message, "credits": 1}


async def _seconds_to_hear(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    jobs: FakeJobs,
    reply: tuple[int, str],
    heard: list[object],
) -> int:
    """Put a reply at OVH; count the seconds of Home Assistant's clock until it is heard."""
    told = len(heard)
    reply_id, message = reply
    jobs.replies[str(reply_id)] = _reply(reply_id, message)
    seconds = 0
    while len(heard) == told:
        await _tick(hass, freezer)
        seconds += 1
        assert seconds < 300, f"reply {reply_id} never heard"
    return seconds


async def _open_alarm(hass: HomeAssistant) -> str:
    response = await hass.services.async_call(
        DOMAIN,
        "send_alarm",
        {"message": "Leak!", "recipients": [ALICE], "escalate_after": {"hours": 2}},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return str(response["code"])


async def bench_alarm_acknowledgement(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Time from a reply at OVH to the acknowledged event; API calls an hour while one is open."""
    jobs = FakeJobs()
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json={"creditsLeft": 42.5})
    ovh_api.post(f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs", side_effect=jobs)
    ovh_api.get(re.compile(r"/outgoing/\d+$"), side_effect=jobs.outgoing)
    ovh_api.get(re.compile(r"/incoming(/\d+)?$"), side_effect=jobs.incoming)
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, options={"replies": True, "hourly_limit": 0}
    )
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    received = async_capture_events(hass, EVENT_RECEIVED)
    acknowledged: list[object] = []

    @callback
    def is_acknowledged(data: Mapping[str, Any]) -> bool:
        return bool(data["step"] == "acknowledged")

    @callback
    def heard(event: Event) -> None:
        acknowledged.append(event)

    hass.bus.async_listen(EVENT_ALARM, heard, is_acknowledged)

    # The hour first: its SMS (id 1) is delivered, as most are; nothing else is followed.
    jobs.reports["1"] = {"id": 1, "receiver": "+33612345678", "deliveryReceipt": 1, "ptt": 4}
    code = await _open_alarm(hass)
    ovh_api.mock_calls.clear()
    for _ in range(3600):
        await _tick(hass, freezer)
    calls = len(ovh_api.mock_calls)
    print(
        f"\nBENCH API calls in the hour one alarm stays open: {calls} vs fair use "
        f"{FAIR_USE_PER_HOUR} = {calls / FAIR_USE_PER_HOUR:.3f}x (no alarm: 64)"
    )
    replies = itertools.count(100)
    await _seconds_to_hear(hass, freezer, jobs, (next(replies), f"OK {code}"), acknowledged)

    plain, polled = [], []
    for offset in OFFSETS:
        for _ in range(offset):
            await _tick(hass, freezer)
        reply = (next(replies), "1")
        plain.append(await _seconds_to_hear(hass, freezer, jobs, reply, received))
    for offset in OFFSETS:
        code = await _open_alarm(hass)
        for _ in range(offset % 15):
            await _tick(hass, freezer)
        reply = (next(replies), f"OK {code}")
        polled.append(await _seconds_to_hear(hass, freezer, jobs, reply, acknowledged))
    print(
        f"\nBENCH reply at OVH to acknowledged, polled (Home Assistant's clock, {len(polled)} "
        f"offsets): median {statistics.median(polled):.1f} s, max {max(polled)} s vs a plain "
        f"reply: median {statistics.median(plain):.1f} s, max {max(plain)} s "
        f"= {statistics.median(polled) / statistics.median(plain):.2f}x"
    )

    poller = await async_get_poller(hass, mock_api_entry)
    pushed = []
    for _ in OFFSETS:
        code = await _open_alarm(hass)
        reply_id = next(replies)
        jobs.replies[str(reply_id)] = _reply(reply_id, f"OK {code}")
        told = len(acknowledged)
        start = time.process_time()  # freezegun stops perf_counter
        await poller.async_confirm(str(reply_id), dt_util.utcnow())
        pushed.append(time.process_time() - start)
        assert len(acknowledged) == told + 1
    print(
        f"\nBENCH reply pushed to acknowledged (CPU time, median of {len(pushed)}): "
        f"{statistics.median(pushed) * 1e6:.0f} µs once OVH calls, vs polled: median "
        f"{statistics.median(polled):.1f} s"
    )
