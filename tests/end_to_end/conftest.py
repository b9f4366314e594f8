"""Fixtures: the integration set up against the simulator on loopback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from homeassistant.core import HomeAssistant
from simulator import (
    API_PATH,
    DEFAULT_APPLICATION_KEY,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_CONSUMER_KEY,
    ENDPOINT_PATH,
)
from tests.conftest import ACCOUNT, LoopbackSimulator, account_with_alice, set_up_at


@pytest.fixture
async def simulator_entry(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: LoopbackSimulator
) -> MockConfigEntry:
    """Set up the integration against the simulator, through Home Assistant's real session."""
    return await set_up_at(hass, mock_config_entry, simulator.endpoint)


def api_entry_on(simulator: LoopbackSimulator, **options: Any) -> MockConfigEntry:
    """Give an API keys account on the simulator, from the short number, replies on."""
    return account_with_alice(
        {
            "mode": "api",
            "application_key": DEFAULT_APPLICATION_KEY,
            "application_secret": DEFAULT_APPLICATION_SECRET,
            "consumer_key": DEFAULT_CONSUMER_KEY,
            "account": ACCOUNT,
            "sender": "",
            "endpoint": simulator.endpoint.removesuffix(ENDPOINT_PATH) + API_PATH,
        },
        f"api_{ACCOUNT}",
        options={"replies": True, **options},
    )


async def set_up_api_entry_at(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Set up an API keys entry on the simulator; wait for its first read of replies."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let Home Assistant's clock run; wait for the reads it starts (background tasks)."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
