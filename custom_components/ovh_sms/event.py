"""The account's "SMS received" event entity (API keys with replies on)."""

from __future__ import annotations

from dataclasses import fields

from homeassistant.components.event import DOMAIN as EVENT_DOMAIN, EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .command_options import command_settings, masked
from .commands import signal_keyword
from .const import DOMAIN, entry_options
from .coordinator import OvhSmsConfigEntry
from .entity import OvhSmsEntity
from .notices import ReceivedSms, signal_received
from .virtual_numbers import chosen_numbers

PARALLEL_UPDATES = 0
ENTITY_KEY = "sms_received"
EVENT_TYPE_RECEIVED = "received"
# What the entity keeps of a reply: the event's data without the entry's id.
REPLY_ATTRIBUTES = tuple(field.name for field in fields(ReceivedSms))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OvhSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entity when the entry reads replies or virtual numbers; else remove it."""
    if entry.runtime_data.account.reads_replies or chosen_numbers(entry_options(entry)):
        async_add_entities([OvhSmsReceivedEvent(entry)])
        return
    registry = er.async_get(hass)
    unique_id = f"{entry.entry_id}_{ENTITY_KEY}"
    if entity_id := registry.async_get_entity_id(EVENT_DOMAIN, DOMAIN, unique_id):
        registry.async_remove(entity_id)


class OvhSmsReceivedEvent(OvhSmsEntity, EventEntity):
    """Fires "received" with the sender, the text and the tag of each reply.

    An SMS whose first word is one of the keywords of the options fires that
    keyword too, once commands.py let it through (an allowed sender, the PIN).
    """

    _attr_translation_key = ENTITY_KEY

    def __init__(self, entry: OvhSmsConfigEntry) -> None:
        """Attach to the account's device."""
        super().__init__(entry, ENTITY_KEY)
        self._attr_event_types = [EVENT_TYPE_RECEIVED, *command_settings(entry).keywords]
        self._entry = entry
        self._entry_id = entry.entry_id

    async def async_added_to_hass(self) -> None:
        """Listen to the account's replies."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_received(self._entry_id), self._async_received
            )
        )
        self.async_on_remove(
            async_dispatcher_connect(self.hass, signal_keyword(self._entry_id), self._async_keyword)
        )

    @callback
    def _async_received(self, reply: ReceivedSms) -> None:
        self._trigger_event(EVENT_TYPE_RECEIVED, masked(self._entry, reply))
        self.async_write_ha_state()

    @callback
    def _async_keyword(self, keyword: str, received: ReceivedSms) -> None:
        self._trigger_event(keyword, masked(self._entry, received))
        self.async_write_ha_state()
