"""Base entities: one for the account's service device, one for a recipient's."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import (
    DOMAIN,
    MANUFACTURER,
    MODEL_RECIPIENT,
)
from .coordinator import OvhSmsConfigEntry
from .gateway import OvhSmsGateway


class OvhSmsEntity(Entity):
    """An entity of the account, on its service device."""

    _attr_has_entity_name = True

    def __init__(self, entry: OvhSmsConfigEntry, key: str) -> None:
        """Attach the entity to the account's device, named as its entry; key makes its unique id.

        The entry's title names the way in, so one account's two entries have two devices
        that can be told apart.
        """
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer=MANUFACTURER,
            model=entry.runtime_data.account.model,
            entry_type=DeviceEntryType.SERVICE,
        )


class OvhSmsRecipientEntity(Entity):
    """An entity of one recipient, on a device of its own (a device belongs to one subentry)."""

    _attr_has_entity_name = True
    _attr_name = None

    def __init__(self, entry: OvhSmsConfigEntry, subentry_id: str) -> None:
        """Attach the entity to the recipient's device."""
        self.gateway: OvhSmsGateway = entry.runtime_data.gateway
        self.subentry_id = subentry_id
        self._attr_unique_id = f"{entry.entry_id}_{subentry_id}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, subentry_id)},
            name=entry.subentries[subentry_id].title,
            manufacturer=MANUFACTURER,
            model=MODEL_RECIPIENT,
            entry_type=DeviceEntryType.SERVICE,
        )
