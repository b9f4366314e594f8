"""Notify: the legacy notify.<name> action and one notify entity per recipient."""

from __future__ import annotations

from datetime import datetime
from typing import Any, override

import voluptuous as vol

from homeassistant.components import notify
from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import (
    ATTR_DATA,
    ATTR_TARGET,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
)
from homeassistant.components.notify.legacy import BaseNotificationService
from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED, ConfigEntryChange
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType
from homeassistant.util import dt as dt_util

from .const import (
    CONF_ACCOUNT,
    DOMAIN,
    ISSUE_NOTIFY_ACTION_TAKEN,
    LOGGER,
    SUBENTRY_RECIPIENT,
)
from .coordinator import OvhSmsConfigEntry
from .delivery import signal_delivery
from .entity import OvhSmsRecipientEntity
from .gateway import OvhSmsGateway
from .issues import async_create_entry_issue, async_delete_entry_issue
from .notices import WentOut, signal_went_out
from .sms_options import SMS_OPTIONS_SCHEMA, SmsOptions, outbox_max_delay

# A notify group passes the same data to every member: keys meant for other
# platforms (the mobile app's priority, ttl, push, ...) are left out, so that
# they never stop the SMS. Each key of this integration is checked on its own.
_OPTION_SCHEMAS = {
    str(key): vol.Schema({key: validator}) for key, validator in SMS_OPTIONS_SCHEMA.schema.items()
}

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
    service = OvhSmsNotificationService(entry.runtime_data.gateway)
    entry.async_on_unload(service.async_unregister_services)
    return service


class OvhSmsNotificationService(BaseNotificationService):
    """notify.<name>: message, title, target numbers and data options."""

    def __init__(self, gateway: OvhSmsGateway) -> None:
        """Send through the entry's gateway."""
        self.gateway = gateway
        self._unloaded = False

    async def async_register_services(self) -> None:
        """Register notify.<name>, unless anything else has that name: a repair issue says so.

        Home Assistant's legacy notify would keep the other action silently, and
        remove it when this entry unloads.
        """
        if self._unloaded or self.gateway.notify_action is not None:
            return
        if self.hass.services.has_service(NOTIFY_DOMAIN, self._service_name):
            async_create_entry_issue(
                self.hass,
                self.gateway.entry.entry_id,
                ISSUE_NOTIFY_ACTION_TAKEN,
                {"name": self._service_name, "account": self.gateway.entry.data[CONF_ACCOUNT]},
            )
            return
        await super().async_register_services()
        self.gateway.notify_action = self._service_name
        async_delete_entry_issue(self.hass, self.gateway.entry.entry_id, ISSUE_NOTIFY_ACTION_TAKEN)

    async def async_unregister_services(self) -> None:
        """Remove only the action this entry registered itself."""
        self._unloaded = True
        async_delete_entry_issue(self.hass, self.gateway.entry.entry_id, ISSUE_NOTIFY_ACTION_TAKEN)
        if self.gateway.notify_action == self._service_name:
            self.gateway.notify_action = None
            await super().async_unregister_services()

    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:  # noqa: ANN401
        """Send to the targets; without a target, to every recipient of the entry.

        An empty target list (a template that found nobody) sends nothing.
        """
        if (targets := kwargs.get(ATTR_TARGET)) is None:
            numbers = self.gateway.recipient_numbers()
        elif not (numbers := [target for target in targets if target.strip()]):
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="empty_target")
        options = SmsOptions.from_data(self._usable_options(kwargs.get(ATTR_DATA) or {}))
        await self.gateway.async_send_or_queue(
            numbers,
            message,
            options,
            kwargs.get(ATTR_TITLE),
            max_delay=outbox_max_delay(self.gateway.entry, {}),
            lenient=True,
        )

    def _usable_options(self, data: dict[str, Any]) -> dict[str, Any]:
        """Our options in data; a value OVH cannot take is left out with a warning.

        An alert or a notify group calling this action never sees its error, and
        the SMS would be lost.
        """
        if ignored := sorted(set(data) - set(_OPTION_SCHEMAS)):
            LOGGER.debug("Ignoring data keys meant for other notify platforms: %s", ignored)
        options: dict[str, Any] = {}
        for key, value in data.items():
            if (schema := _OPTION_SCHEMAS.get(key)) is None:
                continue
            try:
                options |= schema({key: value})
            except vol.Invalid as err:
                self.gateway.warn_left_out(key, str(err))
        return options


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
                    [OvhSmsRecipientNotify(entry, subentry_id)], config_subentry_id=subentry_id
                )

    @callback
    def entry_changed(change: ConfigEntryChange, changed: OvhSmsConfigEntry) -> None:
        if change is ConfigEntryChange.UPDATED and changed.entry_id == entry.entry_id:
            add_new_recipients()

    add_new_recipients()
    entry.async_on_unload(
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, entry_changed)
    )


class OvhSmsRecipientNotify(OvhSmsRecipientEntity, NotifyEntity):
    """notify.send_message to one recipient, with the entry's default options."""

    # NotifyEntityFeature is defined in notify's __init__ up to HA 2026.8 and
    # implicitly re-exported from notify.const since: no single import serves both.
    _attr_supported_features = notify.NotifyEntityFeature.TITLE  # type: ignore[attr-defined,unused-ignore]
    _attr_translation_key = "recipient"

    @property
    def phone_number(self) -> str:
        """The recipient's number, read at send time so an edit applies at once."""
        return self.gateway.recipient_number(self.subentry_id)

    _delivery: tuple[str, str] | None = None
    _scheduled_at: datetime | None = None

    @property
    def extra_state_attributes(self) -> dict[str, str | datetime]:
        """The last final delivery state known (API keys) and its SMS; the next scheduled SMS."""
        attributes: dict[str, str | datetime] = {}
        if self._delivery is not None:
            status, sms_id = self._delivery
            attributes |= {"delivery_status": status, "delivery_sms_id": sms_id}
        if self._scheduled_at is not None:
            attributes["scheduled_at"] = self._scheduled_at
        return attributes

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the account's sends (any action may reach this recipient) and deliveries.

        The last delivery state shown before a restart is shown again.
        """
        await super().async_added_to_hass()
        if (last := await self.async_get_last_state()) is not None and isinstance(
            status := last.attributes.get("delivery_status"), str
        ):
            self._delivery = (status, str(last.attributes.get("delivery_sms_id", "")))
        entry_id = self.gateway.entry.entry_id
        self.async_on_remove(
            async_dispatcher_connect(self.hass, signal_went_out(entry_id), self._async_went_out)
        )
        self._scheduled_at = self.gateway.ledger.next_scheduled(self.phone_number)
        self.async_on_remove(self.gateway.ledger.async_add_listener(self._async_ledger_changed))
        self.async_on_remove(
            async_dispatcher_connect(self.hass, signal_delivery(entry_id), self._async_delivery)
        )

    @callback
    def _async_ledger_changed(self) -> None:
        """Show when the next SMS scheduled for this recipient goes; write only a change."""
        scheduled_at = self.gateway.ledger.next_scheduled(self.phone_number)
        if scheduled_at != self._scheduled_at:
            self._scheduled_at = scheduled_at
            self.async_write_ha_state()

    @callback
    def _async_delivery(self, recipient: str, status: str, sms_id: str) -> None:
        if recipient == self.phone_number:
            self._delivery = (status, sms_id)
            self.async_write_ha_state()

    @callback
    def _async_went_out(self, sms: WentOut) -> None:
        """Record the notification when another action's SMS went to this recipient."""
        if sms.recorded_by == self.entity_id or self.subentry_id not in sms.subentry_ids:
            return
        if (record := getattr(self, "_async_record_notification", None)) is not None:
            record()
            return
        # Older Home Assistant (2026.3 among them) keeps the time private to NotifyEntity.
        self._NotifyEntity__set_state(dt_util.utcnow().isoformat())  # type: ignore[attr-defined,unused-ignore]
        self.async_write_ha_state()

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the SMS to this recipient; notify.send_message records it."""
        await self.gateway.async_send_or_queue(
            [self.phone_number],
            message,
            SmsOptions(),
            title,
            max_delay=outbox_max_delay(self.gateway.entry, {}),
            recorded_by=self.entity_id,
            lenient=True,
        )
