"""An API keys entry reading its virtual number, and OVH's answers about it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from tests.conftest import ACCOUNT, API_ENDPOINT

NUMBER = "33644000001"
NUMBERS = f"{API_ENDPOINT}/sms/{ACCOUNT}/virtualNumbers"
NUMBER_INCOMING = f"{NUMBERS}/{NUMBER}/incoming"
NUMBER_JOBS = f"{NUMBERS}/{NUMBER}/jobs"
READ_NUMBER = {"virtual_numbers": {"numbers": [NUMBER]}}


def received(sms_id: int, message: str = "What is the temperature?") -> dict[str, Any]:
    """OVH's answer to .../virtualNumbers/{number}/incoming/{id}: an SMS from Alice."""
    return {
        "id": sms_id,
        "creationDatetime": "2026-11-22T03:01:00+00:00",
        "sender": "+33612345678",
        "message": message,
        "tag": "",
        "credits": 0,
    }


async def reading_the_number(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    ids: list[int],
    **options: Any,
) -> None:
    """Set the entry up reading its virtual number, which holds these ids at OVH."""
    ovh_api.get(NUMBER_INCOMING, json=ids)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=READ_NUMBER | options)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def minute(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let a minute pass: one read."""
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
