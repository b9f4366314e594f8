"""The drill's section of the options: its form, its checks, and the options as read."""

from __future__ import annotations

from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import WEEKDAYS
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TimeSelector,
)

from .const import (
    CONF_DRILL,
    CONF_DRILL_ENABLED,
    CONF_DRILL_RECIPIENT,
    CONF_DRILL_REPLY,
    CONF_DRILL_TIME,
    CONF_DRILL_WEEKDAY,
    CONF_NUMBERS,
    CONF_REPLIES,
    CONF_VIRTUAL_NUMBERS,
    DEFAULT_OPTIONS,
    SUBENTRY_RECIPIENT,
)

# The translations of the days, under selector.
WEEKDAY_SELECTOR: Final = "drill_weekday"


def drill_options(entry: ConfigEntry) -> dict[str, Any]:
    """Give the entry's drill options, each one not set taking its default."""
    return {**DEFAULT_OPTIONS[CONF_DRILL], **entry.options.get(CONF_DRILL, {})}


def drill_form(entry: ConfigEntry, *, replies: bool) -> section:
    """Give the options form's drill section; a reply is offered where replies are read."""
    recipients = [
        SelectOptionDict(value=subentry_id, label=subentry.title)
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_RECIPIENT
    ]
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_DRILL_ENABLED): BooleanSelector(),
        vol.Required(CONF_DRILL_WEEKDAY): SelectSelector(
            SelectSelectorConfig(
                options=list(WEEKDAYS),
                translation_key=WEEKDAY_SELECTOR,
                mode=SelectSelectorMode.DROPDOWN,
            )
        ),
        vol.Required(CONF_DRILL_TIME): TimeSelector(),
        vol.Optional(CONF_DRILL_RECIPIENT): SelectSelector(
            SelectSelectorConfig(options=recipients, mode=SelectSelectorMode.DROPDOWN)
        ),
    }
    if replies:
        fields[vol.Required(CONF_DRILL_REPLY)] = BooleanSelector()
    return section(vol.Schema(fields), {"collapsed": True})


def drill_form_errors(entry: ConfigEntry, user_input: dict[str, Any]) -> dict[str, str]:
    """Check the drill section, completed with its defaults: a recipient, SMS read.

    A required reply needs a number whose SMS are read (the drill goes from it):
    the short number's replies, or a virtual number.
    """
    if CONF_DRILL not in user_input:
        return {}
    drill = user_input[CONF_DRILL] = {**DEFAULT_OPTIONS[CONF_DRILL], **user_input[CONF_DRILL]}
    if drill[CONF_DRILL_ENABLED] and drill.get(CONF_DRILL_RECIPIENT) not in entry.subentries:
        return {"base": "drill_recipient_required"}
    numbers = user_input.get(CONF_VIRTUAL_NUMBERS, {}).get(CONF_NUMBERS)
    if drill[CONF_DRILL_REPLY] and not (user_input.get(CONF_REPLIES) or numbers):
        return {"base": "drill_reply_needs_replies"}
    return {}
