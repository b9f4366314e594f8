"""The month's spending and the budget in the entry's diagnostics."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.core import HomeAssistant
from tests.conftest import ALICE, BOB, PASSWORD, send_sms

from .conftest import budget, set_up


async def test_the_months_spending_and_budget_in_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
) -> None:
    """2 credits spent of a budget of 12.5: both told, and still no secret."""
    await set_up(hass, mock_config_entry, **budget(12.5))
    await send_sms(hass, recipients=[ALICE, BOB], message="Hi")

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)

    assert diagnostics["spending"] == {"credits_this_month": "2", "monthly_budget": "12.5"}
    assert PASSWORD not in str(diagnostics)


async def test_no_budget_is_null_in_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
) -> None:
    """Nothing spent, no budget."""
    await set_up(hass, mock_config_entry)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)

    assert diagnostics["spending"] == {"credits_this_month": "0", "monthly_budget": None}
