"""The ovh_sms.run_drill action: a drill now, answered with where it stands."""

from __future__ import annotations

from typing import Final

import voluptuous as vol

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN
from .drill import async_get_drill
from .services import called_entry

SERVICE_RUN_DRILL: Final = "run_drill"
RUN_DRILL_SCHEMA: Final = vol.Schema({vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string})


async def _async_run_drill(call: ServiceCall) -> ServiceResponse:
    """Run the entry's drill now: passed or failed when known at once, else running."""
    entry = called_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    keeper = await async_get_drill(call.hass, entry)
    return await keeper.async_run(entry.runtime_data.gateway, entry.runtime_data.account)


@callback
def async_setup_drill_service(hass: HomeAssistant) -> None:
    """Register the drill action."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_RUN_DRILL,
        _async_run_drill,
        schema=RUN_DRILL_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
