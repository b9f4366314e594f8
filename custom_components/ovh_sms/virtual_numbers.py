"""Virtual numbers (API keys): numbers of the account that receive SMS at any time, and send.

The options (section "virtual_numbers") name the numbers read: each is read like
the short number's replies, by a poller of its own (replies.py: the same events,
event entity, dedup across restarts, first read as old news, push confirmed by
id, deletion with the replies' option), its SMS told with receiver. A send
whose sender is one of the account's virtual numbers, in any form (+33...,
0033..., 33...), goes out from it: the account's list is read once, at the first
send from a sender written as a number; other senders never read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .const import (
    CONF_ACCOUNT,
    CONF_NUMBERS,
    CONF_VIRTUAL_NUMBERS,
    DEFAULT_OPTIONS,
    LOGGER,
    entry_options,
)
from .ovhsms import OvhApiClient, OvhSmsError
from .replies import async_forget_replies


def chosen_numbers(options: Mapping[str, Any]) -> tuple[str, ...]:
    """Give the virtual numbers the options read, as OVH lists them."""
    return tuple(options[CONF_VIRTUAL_NUMBERS].get(CONF_NUMBERS, ()))


def number_digits(number: str) -> str:
    """Write a number without its international prefix: +33..., 0033... and 33... alike."""
    text = number.strip()
    return text[1:] if text.startswith("+") else text.removeprefix("00")


def sender_numbers(numbers: tuple[str, ...]) -> list[str]:
    """Write virtual numbers as OVH lists them (33644000001) as senders are chosen: +33644000001."""
    return [f"+{number}" for number in numbers]


class VirtualNumbers:
    """Tells which sender is one of the account's virtual numbers, reading them once."""

    def __init__(self, client: OvhApiClient, account: str) -> None:
        """Nothing is read until a sender written as a number asks."""
        self._client = client
        self._account = account
        self._listed: tuple[str, ...] | None = None

    async def async_number_of(self, sender: str | None) -> str | None:
        """Give the virtual number (as OVH lists it) the sender names; None for another sender.

        Raises the client's error when the list cannot be read: nothing was sent.
        """
        if sender is None or not (wanted := number_digits(sender)).isdigit():
            return None
        if self._listed is None:
            self._listed = await self._client.virtual_numbers(self._account)
        return next((number for number in self._listed if number_digits(number) == wanted), None)


async def async_numbers_section(client: OvhApiClient, entry: ConfigEntry) -> dict[vol.Marker, Any]:
    """Give the options' section that picks the numbers read, listing the account's.

    When OVH cannot list them, the numbers already chosen stay offered.
    """
    chosen = chosen_numbers(entry_options(entry))
    try:
        listed = await client.virtual_numbers(entry.data[CONF_ACCOUNT])
    except OvhSmsError as err:
        LOGGER.warning("The virtual numbers of %s could not be listed: %s", entry.title, err)
        listed = ()
    numbers = tuple(dict.fromkeys((*listed, *chosen)))
    choices = [
        SelectOptionDict(value=number, label=label)
        for number, label in zip(numbers, sender_numbers(numbers), strict=True)
    ]
    return {
        vol.Optional(CONF_VIRTUAL_NUMBERS): section(
            vol.Schema(
                {
                    vol.Optional(CONF_NUMBERS): SelectSelector(
                        SelectSelectorConfig(
                            options=choices, multiple=True, mode=SelectSelectorMode.LIST
                        )
                    )
                }
            ),
            {"collapsed": True},
        )
    }


async def async_forget_numbers(
    hass: HomeAssistant, entry: ConfigEntry, kept: Mapping[str, Any] | None = None
) -> None:
    """Delete what the numbers no longer read saved: read again, they start with old news.

    kept: the new options (None: the entry was deleted, every number is forgotten).
    """
    keep = set() if kept is None else set(chosen_numbers({**DEFAULT_OPTIONS, **kept}))
    for number in chosen_numbers(entry_options(entry)):
        if number not in keep:
            await async_forget_replies(hass, entry, number)
