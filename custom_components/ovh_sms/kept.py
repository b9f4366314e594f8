"""What an entry keeps across its reloads, for one run of Home Assistant.

The ledger, the delivery tracker and the reply poller each outlive reloads of
their entry: a send or a read still in flight during a reload then reaches the
same object the new setup uses, so nothing is lost or told twice. Each is
loaded from its Store the first time it is asked for. A module declares its
kind once (KeptKind) and saves in kept_store, so every kind is kept, found and
deleted alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

STORAGE_VERSION: Final = 1


class Kept(Protocol):
    """Something kept per entry: loaded once from what it saved, removed with its entry."""

    async def async_load(self) -> None:
        """Read what was saved."""

    async def async_remove(self) -> None:
        """Delete what was saved: the entry was deleted."""


def kept_store[D: Mapping[str, Any] | Sequence[Any]](hass: HomeAssistant, *name: str) -> Store[D]:
    """Give the Store saved as ovh_sms.<name parts joined by dots>."""
    return Store(hass, STORAGE_VERSION, ".".join((DOMAIN, *name)))


def entry_id_of(entry: ConfigEntry) -> str:
    """Key what is kept per entry by the entry's id."""
    return entry.entry_id


class KeptKind[O, T: Kept]:
    """One kind of object kept per owner (an entry, its id, or an entry and a number)."""

    def __init__(
        self, name: str, create: Callable[[HomeAssistant, O], T], kept_id: Callable[[O], str]
    ) -> None:
        """Keep them in hass.data under ovh_sms_<name>, by kept_id(owner) (str for an entry id)."""
        self.key: HassKey[dict[str, T]] = HassKey(f"{DOMAIN}_{name}")
        self._create = create
        self._kept_id = kept_id

    async def async_get(self, hass: HomeAssistant, owner: O) -> T:
        """Give the owner's object of this kind, created and loaded the first time."""
        kept = hass.data.setdefault(self.key, {})
        if (item := kept.get(kept_id := self._kept_id(owner))) is None:
            item = self._create(hass, owner)
            await item.async_load()
            kept[kept_id] = item
        return item

    async def async_forget(self, hass: HomeAssistant, owner: O) -> None:
        """Delete the owner's object and what it saved (it was deleted), loaded or not."""
        kept = hass.data.get(self.key, {})
        item = kept.pop(self._kept_id(owner), None) or self._create(hass, owner)
        await item.async_remove()
