"""Repairs: an entry kinsoi/ha-ovh-sms-plugin left behind becomes an API keys entry of ours.

That integration used the same domain with OVHcloud API keys. With the user's
consent (the repair's Fix button), its keys, SMS account, sender and recipients
become an API keys entry of this integration; its own settings (rate limits)
are dropped, this integration's hourly limit applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant

from .config_flow import free_notify_action
from .const import (
    CONF_ACCOUNT,
    CONF_APPLICATION_KEY,
    CONF_APPLICATION_SECRET,
    CONF_CONSUMER_KEY,
    CONF_ENDPOINT,
    CONF_MODE,
    CONF_PHONE_NUMBER,
    CONF_SENDER,
    CONF_SERVICE_NAME,
    DOMAIN,
    MODE_API,
    SUBENTRY_RECIPIENT,
    api_unique_id,
    entry_title,
)
from .ovhsms import DEFAULT_API_ENDPOINT, SmsValidationError, normalize_number
from .readiness_checks import ISSUE_STOP_LIST
from .readiness_repairs import StopListRepairFlow

# The fix flow's result: RepairsFlowResult in newer Home Assistant, FlowResult before.
type FixResult = Any

# What kinsoi/ha-ovh-sms-plugin saved, beside the three keys named as ours.
FOREIGN_ACCOUNT = "service_name"
FOREIGN_RECIPIENTS = "recipients"
_FOREIGN_KEYS = (CONF_APPLICATION_KEY, CONF_APPLICATION_SECRET, CONF_CONSUMER_KEY)


def convertible_foreign_entry(data: Mapping[str, Any]) -> bool:
    """Tell whether a foreign entry holds what an API keys entry needs."""
    keys = (*_FOREIGN_KEYS, FOREIGN_ACCOUNT)
    return all(isinstance(data.get(key), str) and data[key].strip() for key in keys)


def _foreign_numbers(data: Mapping[str, Any], country: str | None) -> list[str]:
    """Its recipients in our form, each once; what is not a phone number is left out."""
    numbers: list[str] = []
    raw = data.get(FOREIGN_RECIPIENTS) or []
    for number in raw if isinstance(raw, list) else []:
        try:
            normalized = normalize_number(str(number), country)
        except SmsValidationError:
            continue
        if normalized not in numbers:
            numbers.append(normalized)
    return numbers


class ForeignEntryRepairFlow(RepairsFlow):
    """Ask before turning the foreign entry into one of ours, then do it and reload it."""

    def __init__(self, entry_id: str) -> None:
        """Repair this entry."""
        self._entry_id = entry_id

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> FixResult:
        """Show what will be kept."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, str] | None = None) -> FixResult:
        """Convert on confirmation: keys, account, sender, recipients kept."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or not convertible_foreign_entry(entry.data):
            return self.async_abort(reason="entry_gone")
        account = str(entry.data[FOREIGN_ACCOUNT]).strip().lower()
        numbers = _foreign_numbers(entry.data, self.hass.config.country)
        if user_input is None:
            return self.async_show_form(
                step_id="confirm",
                data_schema=vol.Schema({}),
                description_placeholders={
                    "title": entry.title,
                    "account": account,
                    "recipients": str(len(numbers)),
                },
            )
        other = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, api_unique_id(account)
        )
        if other is not None and other.entry_id != entry.entry_id:
            return self.async_abort(reason="already_configured")
        _convert(self.hass, entry, account, numbers)
        self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_create_entry(data={})


def _convert(hass: HomeAssistant, entry: ConfigEntry, account: str, numbers: list[str]) -> None:
    data = entry.data
    hass.config_entries.async_update_entry(
        entry,
        title=entry_title({CONF_MODE: MODE_API, CONF_ACCOUNT: account}),
        unique_id=api_unique_id(account),
        minor_version=2,
        data={
            CONF_MODE: MODE_API,
            **{key: str(data[key]).strip() for key in _FOREIGN_KEYS},
            CONF_ACCOUNT: account,
            CONF_SENDER: str(data.get(CONF_SENDER) or "").strip(),
            CONF_ENDPOINT: DEFAULT_API_ENDPOINT,
        },
        options={CONF_SERVICE_NAME: free_notify_action(hass)},
    )
    for number in numbers:
        hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType({CONF_PHONE_NUMBER: number}),
                subentry_type=SUBENTRY_RECIPIENT,
                title=number,
                unique_id=number,
            ),
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Give the flow that repairs the issue: a recipient on the STOP list, or a foreign entry."""
    data = data or {}
    if issue_id.startswith(ISSUE_STOP_LIST):
        return StopListRepairFlow(
            str(data["entry_id"]), str(data["number"]), str(data["recipient"])
        )
    return ForeignEntryRepairFlow(str(data["entry_id"]))
