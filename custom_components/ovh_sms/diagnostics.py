"""Diagnostics: the entry, its options and the last answer, secrets and numbers redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .const import CONF_LOGIN, CONF_PHONE_NUMBER
from .gateway import OvhSmsConfigEntry

TO_REDACT = {CONF_LOGIN, CONF_PASSWORD, CONF_PHONE_NUMBER, "title"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OvhSmsConfigEntry
) -> dict[str, Any]:
    """Describe the entry without the login, password or any phone number."""
    gateway = entry.runtime_data
    ledger = gateway.ledger
    return {
        "data": async_redact_data(dict(entry.data), TO_REDACT),
        "options": dict(entry.options),
        "recipients": [
            async_redact_data(subentry.as_dict(), TO_REDACT | {"unique_id"})
            for subentry in entry.subentries.values()
        ],
        "credits_left": str(ledger.credits_left) if ledger.credits_left is not None else None,
        "last_sent": ledger.last_sent.isoformat() if ledger.last_sent else None,
        "endpoint": gateway.client.endpoint,
    }
