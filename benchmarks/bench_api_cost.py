"""What the OVHcloud API mode costs in API calls: at idle, and per send.

OVH's fair use is about 60 calls a minute per consumer key, shared with
anything else using it. The calls are counted on a mocked API while Home
Assistant's clock runs a day; the baseline, measured in the same run, is an
http2sms account's requests for the same sends (one per send, none at idle).
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.coordinator import CREDIT_INTERVAL
from homeassistant.core import HomeAssistant
from tests.conftest import ACCOUNT, ALICE, ENDPOINT, SUCCESS, set_up_api_entry

HOURS = 24
SENDS = 50
FAIR_USE_PER_HOUR = 60 * 60


async def _run_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: timedelta = CREDIT_INTERVAL
) -> None:
    for _ in range(int(timedelta(hours=HOURS) / step)):
        freezer.tick(step)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


async def _send(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    for _ in range(SENDS):
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"config_entry_id": entry.entry_id, "recipients": [ALICE], "message": "Leak"},
            blocking=True,
        )


async def bench_api_calls_at_idle_and_per_send(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    mock_config_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Count calls an hour with nothing to send, and calls per send, against http2sms's."""
    ovh_api.post(ENDPOINT, json=SUCCESS)
    await set_up_api_entry(hass, mock_api_entry)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    for entry in (mock_api_entry, mock_config_entry):
        hass.config_entries.async_update_entry(entry, options={"hourly_limit": 0})
    await hass.async_block_till_done()

    def calls(*, to_api: bool) -> int:
        return sum(
            str(url).startswith("https://eu.api.ovh.com") == to_api
            for _, url, _, _ in ovh_api.mock_calls
        )

    ovh_api.mock_calls.clear()
    await _run_day(hass, freezer)
    idle_per_hour = calls(to_api=True) / HOURS
    print(
        f"\nBENCH API calls an hour at idle: {idle_per_hour:.1f} vs fair use "
        f"{FAIR_USE_PER_HOUR} = {idle_per_hour / FAIR_USE_PER_HOUR:.4f}x "
        f"(http2sms at idle: {calls(to_api=False)})"
    )
    ovh_api.mock_calls.clear()
    await _send(hass, mock_api_entry)
    await _send(hass, mock_config_entry)
    api, http2sms = calls(to_api=True) / SENDS, calls(to_api=False) / SENDS
    print(
        f"\nBENCH requests per send: API {api:.2f} vs http2sms {http2sms:.2f} "
        f"= {api / http2sms:.2f}x  (target: 1.00x when OVH answers creditsLeft)"
    )

    # Each SMS is then followed until OVH reports it: here it never does (48 hours).
    ovh_api.get(
        f"https://eu.api.ovh.com/1.0/sms/{ACCOUNT}/outgoing/26929925",
        json={"id": 26929925, "receiver": "+33612345678", "deliveryReceipt": 0, "ptt": 3},
    )
    ovh_api.mock_calls.clear()
    for _ in range(2):
        await _run_day(hass, freezer)
    follow = sum("/outgoing/" in str(url) for _, url, _, _ in ovh_api.mock_calls)
    print(
        f"\nBENCH delivery reads of one SMS never reported, over its 48 hours: {follow} "
        f"vs one read a minute {48 * 60} = {follow / (48 * 60):.3f}x"
    )

    hass.config_entries.async_update_entry(
        mock_api_entry, options={"hourly_limit": 0, "replies": True}
    )
    ovh_api.get(f"https://eu.api.ovh.com/1.0/sms/{ACCOUNT}/incoming", json=[])
    await hass.config_entries.async_reload(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    ovh_api.mock_calls.clear()
    await _run_day(hass, freezer, step=timedelta(minutes=1))
    with_replies = calls(to_api=True) / HOURS
    print(
        f"\nBENCH API calls an hour at idle, replies on: {with_replies:.1f} vs fair use "
        f"{FAIR_USE_PER_HOUR} = {with_replies / FAIR_USE_PER_HOUR:.4f}x"
    )
