"""The readiness state in the entry's diagnostics, the recipients' names redacted."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant

from .conftest import answer_ovh, set_up


async def test_readiness_in_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Each check's state and details; who is on the STOP list is not named."""
    answer_ovh(ovh_api, blacklists={"json": ["+33612345678"]})
    await set_up(hass, mock_api_entry)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_api_entry)
    readiness = diagnostics["readiness"]
    assert (readiness["ready"], readiness["last_check_ok"]) == (False, True)
    assert readiness["checks"]["stop_list"] == "problem"
    assert readiness["checks"]["stopped_recipients"] == REDACTED
    assert readiness["checks"]["failing_recipients"] == REDACTED
    assert "Alice" not in str(diagnostics)
    assert "612345678" not in str(diagnostics)
