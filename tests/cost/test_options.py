"""The spending section of the options: the budget saved under its own key, and then applied."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from tests.conftest import DEFAULT_OPTIONS, notify, state_of

from .conftest import SPENT, set_up


async def test_the_budget_is_set_in_its_section(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """The collapsed section saves {spending: {monthly_budget}}; the reloaded entry shows it."""
    await set_up(hass, mock_config_entry)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["data_schema"].schema["spending"].options == {"collapsed": True}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], DEFAULT_OPTIONS | {"spending": {"monthly_budget": 12.5}}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options["spending"] == {"monthly_budget": 12.5}
    await notify(hass, message="Hi")
    assert state_of(hass, SPENT) == "1"
    assert hass.states.get(SPENT).attributes["monthly_budget"] == 12.5
