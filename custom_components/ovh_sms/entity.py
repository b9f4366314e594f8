"""Base entity, on the account's service device unless it says otherwise."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import CONF_ACCOUNT, DOMAIN, MANUFACTURER, MODEL
from .gateway import OvhSmsConfigEntry, OvhSmsGateway


class OvhSmsEntity(Entity):
    """An entity of one OVH SMS account."""

    _attr_has_entity_name = True

    def __init__(self, entry: OvhSmsConfigEntry, key: str) -> None:
        """Attach the entity to the account's device; key makes its unique id."""
        self.gateway: OvhSmsGateway = entry.runtime_data
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.data[CONF_ACCOUNT],
            manufacturer=MANUFACTURER,
            model=MODEL,
            entry_type=DeviceEntryType.SERVICE,
        )
