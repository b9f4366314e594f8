"""What an entry keeps across its reloads, for one run of Home Assistant.

The ledger, the delivery tracker and the reply poller each outlive reloads of
their entry: a send or a read still in flight during a reload then reaches the
same object the new setup uses, so nothing is lost or told twice. Each is
loaded from its Store the first time it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey


class Kept(Protocol):
    """Something kept per entry: loaded once from what it saved."""

    async def async_load(self) -> None:
        """Read what was saved."""


async def async_get_kept[T: Kept](
    hass: HomeAssistant, key: HassKey[dict[str, T]], entry_id: str, create: Callable[[], T]
) -> T:
    """Give the entry's object of this kind, created and loaded the first time."""
    kept = hass.data.setdefault(key, {})
    if (item := kept.get(entry_id)) is None:
        item = create()
        await item.async_load()
        kept[entry_id] = item
    return item


@callback
def async_pop_kept[T](hass: HomeAssistant, key: HassKey[dict[str, T]], entry_id: str) -> T | None:
    """Take the entry's object of this kind out (the entry was deleted), if there is one."""
    return hass.data.get(key, {}).pop(entry_id, None)
