"""Notify: the legacy notify.<name> action and one notify entity per recipient."""

from __future__ import annotations

from typing import Any, override

import voluptuous as vol

from homeassistant.components import notify
from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import ATTR_DATA, ATTR_TARGET, ATTR_TITLE
from homeassistant.components.notify.legacy import BaseNotificationService
from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED, ConfigEntryChange
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

from .const import CONF_PHONE_NUMBER, DOMAIN, MANUFACTURER, MODEL_RECIPIENT, SUBENTRY_RECIPIENT
from .entity import OvhSmsEntity
from .gateway import OvhSmsConfigEntry, OvhSmsGateway
from .services import SMS_OPTIONS_SCHEMA, sms_options

PARALLEL_UPDATES = 0


async def async_get_service(
    hass: HomeAssistant,
    config: ConfigType,
    discovery_info: DiscoveryInfoType | None = None,
) -> OvhSmsNotificationService | None:
    """Give the entry's legacy notify action; it is removed when the entry unloads."""
    entry: OvhSmsConfigEntry | None = None
    if discovery_info is not None:
        entry = hass.config_entries.async_get_entry(discovery_info["entry_id"])
    if entry is None:  # set up from YAML, which this integration does not take
        return None
    service = OvhSmsNotificationService(entry.runtime_data)
    entry.async_on_unload(service.async_unregister_services)
    return service


class OvhSmsNotificationService(BaseNotificationService):
    """notify.<name>: message, title, target numbers and data options."""

    def __init__(self, gateway: OvhSmsGateway) -> None:
        """Send through the entry's gateway."""
        self.gateway = gateway

    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:  # noqa: ANN401
        """Send to the targets, or to every recipient of the entry when there are none."""
        try:
            options = sms_options(SMS_OPTIONS_SCHEMA(kwargs.get(ATTR_DATA) or {}))
        except vol.Invalid as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_data",
                translation_placeholders={"error": str(err)},
            ) from err
        targets = kwargs.get(ATTR_TARGET) or self.gateway.subentry_numbers()
        await self.gateway.async_send(list(targets), message, options, kwargs.get(ATTR_TITLE))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OvhSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an entity for each recipient, and for each one added later."""
    added: set[str] = set()

    @callback
    def add_new_recipients() -> None:
        for subentry_id, subentry in entry.subentries.items():
            if subentry.subentry_type == SUBENTRY_RECIPIENT and subentry_id not in added:
                added.add(subentry_id)
                async_add_entities(
                    [OvhSmsRecipientEntity(entry, subentry_id)], config_subentry_id=subentry_id
                )

    @callback
    def entry_changed(change: ConfigEntryChange, changed: OvhSmsConfigEntry) -> None:
        if change is ConfigEntryChange.UPDATED and changed.entry_id == entry.entry_id:
            add_new_recipients()

    add_new_recipients()
    entry.async_on_unload(
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, entry_changed)
    )


class OvhSmsRecipientEntity(OvhSmsEntity, NotifyEntity):
    """notify.send_message to one recipient, with the entry's default options."""

    # NotifyEntityFeature is defined in notify's __init__ up to HA 2026.8 and
    # implicitly re-exported from notify.const since: no single import serves both.
    _attr_supported_features = notify.NotifyEntityFeature.TITLE  # type: ignore[attr-defined,unused-ignore]
    _attr_translation_key = "recipient"

    _attr_name = None

    def __init__(self, entry: OvhSmsConfigEntry, subentry_id: str) -> None:
        """Give the recipient a device of its own (a device belongs to one subentry)."""
        super().__init__(entry, subentry_id)
        self._entry = entry
        self._subentry_id = subentry_id
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, subentry_id)},
            name=entry.subentries[subentry_id].title,
            manufacturer=MANUFACTURER,
            model=MODEL_RECIPIENT,
            entry_type=DeviceEntryType.SERVICE,
        )

    @property
    def phone_number(self) -> str:
        """The recipient's number, read at send time so an edit applies at once."""
        return str(self._entry.subentries[self._subentry_id].data[CONF_PHONE_NUMBER])

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the SMS to this recipient."""
        await self.gateway.async_send([self.phone_number], message, title=title)
