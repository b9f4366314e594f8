"""Fixtures: the integration set up against the simulator on loopback."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from tests.conftest import LoopbackSimulator, set_up_at


@pytest.fixture
async def simulator_entry(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: LoopbackSimulator
) -> MockConfigEntry:
    """Set up the integration against the simulator, through Home Assistant's real session."""
    return await set_up_at(hass, mock_config_entry, simulator.endpoint)
