"""The Fix of a recipient on OVH's STOP list: confirm, then take him off it.

OVH sends nothing to a number on its STOP list (he answered STOP once). The
removal (DELETE /sms/{s}/blacklists/{number}) sends no SMS and may be made
again, so an unknown outcome is simply told; a key without the right gets the
access repair and reauthentication, which asks for a key with it.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow

from .const import CONF_ACCOUNT
from .errors import async_react_to_failure
from .ovhsms import OvhSmsError
from .readiness import readiness_of

type FixResult = Any


class StopListRepairFlow(RepairsFlow):
    """Ask, then take the recipient off the account's STOP list and check again."""

    def __init__(self, entry_id: str, number: str, recipient: str) -> None:
        """Repair this entry's recipient; number is spelled as OVH's list gave it."""
        self._entry_id = entry_id
        self._number = number
        self._recipient = recipient

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> FixResult:
        """Show who will be taken off."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, str] | None = None) -> FixResult:
        """Take him off on confirmation."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        readiness = readiness_of(self.hass, self._entry_id)
        if entry is None or readiness is None or readiness.client is None:
            return self.async_abort(reason="entry_not_loaded")
        placeholders = {"recipient": self._recipient, "account": entry.data[CONF_ACCOUNT]}
        if user_input is None:
            return self.async_show_form(
                step_id="confirm", data_schema=vol.Schema({}), description_placeholders=placeholders
            )
        try:
            await readiness.client.remove_from_stop_list(entry.data[CONF_ACCOUNT], self._number)
        except OvhSmsError as err:
            if async_react_to_failure(self.hass, entry, err).reauth:
                return self.async_abort(reason="new_key_needed")
            return self.async_abort(
                reason="not_removed",
                description_placeholders={**placeholders, "error": str(err)},
            )
        # Checked again now, not debounced: the sensor is off when the repair is gone.
        await readiness.async_refresh()
        return self.async_create_entry(data={})
