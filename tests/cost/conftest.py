"""An SMS user and an API-keys account whose rates OVH's public API answers (aioclient_mock)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from tests.conftest import API_ENDPOINT

# The rates of SMS to France and Belgium, billed by OVHcloud France.
RATES_FR = f"{API_ENDPOINT}/sms/rates/destinations?country=fr&billingCountry=fr"
RATES_BE = f"{API_ENDPOINT}/sms/rates/destinations?country=be&billingCountry=fr"
BELGIAN = "0032470123456"
SPENT = "sensor.sms_ab1234_1_credits_spent_this_month"


@pytest.fixture
def known_rates() -> None:
    """Start with no rate kept: the cost tests read them."""


@pytest.fixture(autouse=True)
def rates(aioclient_mock: AiohttpClientMocker) -> AiohttpClientMocker:
    """OVH's public API: a part costs 1 credit to France, 1.5 to Belgium (France read at setup)."""
    aioclient_mock.get(RATES_FR, json={"credit": 1, "price": {"value": 0.07}, "vatRate": 20})
    aioclient_mock.get(RATES_BE, json={"credit": 1.5, "price": {"value": 0.1}, "vatRate": 20})
    return aioclient_mock


def requests(aioclient_mock: AiohttpClientMocker) -> list[tuple[str, str]]:
    """List every request made, as (METHOD, URL)."""
    return [(method.upper(), str(url)) for method, url, _, _ in aioclient_mock.mock_calls]


async def set_up(hass: HomeAssistant, entry: MockConfigEntry, **options: Any) -> MockConfigEntry:
    """Set up the entry with these options."""
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def budget(credits_a_month: float) -> dict[str, Any]:
    """Give the options of a monthly budget."""
    return {"spending": {"monthly_budget": credits_a_month}}
