"""Sensors: the credit left and the time of the last SMS, both kept across restarts.

Both come through the account's coordinator: from the answers to sends, and
with API keys from the credit it reads every 15 minutes too (http2sms has no
call that reads the credit without sending).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import AccountState, OvhSmsConfigEntry, OvhSmsCoordinator
from .entity import OvhSmsEntity

PARALLEL_UPDATES = 0

type SensorValue = Decimal | datetime | None


def _as_shown(credits_left: Decimal | None) -> Decimal | None:
    """OVH's credit without trailing zeros: 500, not 500.0 (the API's float); 230.5, not 230.50."""
    if credits_left is None:
        return None
    if credits_left == credits_left.to_integral_value():
        return credits_left.quantize(Decimal(1))
    return credits_left.normalize()


@dataclass(frozen=True, kw_only=True)
class OvhSmsSensorDescription(SensorEntityDescription):
    """A sensor fed by the account's coordinator."""

    value_fn: Callable[[AccountState], SensorValue]
    attributes_fn: Callable[[AccountState], dict[str, datetime]] = lambda _: {}


SENSORS = (
    OvhSmsSensorDescription(
        key="credits_left",
        translation_key="credits_left",
        state_class=SensorStateClass.MEASUREMENT,
        # The unit is translated (entity.sensor.credits_left.unit_of_measurement).
        value_fn=lambda state: _as_shown(state.credits_left),
    ),
    OvhSmsSensorDescription(
        key="last_sent",
        translation_key="last_sent",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.last_sent,
        # A deferred SMS is the last one only once its time came.
        attributes_fn=lambda state: (
            {"scheduled_at": state.next_scheduled} if state.next_scheduled else {}
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OvhSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's sensors."""
    async_add_entities(OvhSmsSensor(entry, description) for description in SENSORS)


class OvhSmsSensor(OvhSmsEntity, CoordinatorEntity[OvhSmsCoordinator], RestoreSensor):
    """Shows the account's value, or the state restored when it has none (older versions)."""

    entity_description: OvhSmsSensorDescription

    def __init__(self, entry: OvhSmsConfigEntry, description: OvhSmsSensorDescription) -> None:
        """Attach to the account and its coordinator."""
        OvhSmsEntity.__init__(self, entry, description.key)
        CoordinatorEntity.__init__(self, entry.runtime_data.coordinator)
        self.entity_description = description
        self._restored: SensorValue = None

    async def async_added_to_hass(self) -> None:
        """Restore the last value; the coordinator then tells each send."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_sensor_data()) is not None and isinstance(
            last.native_value, Decimal | datetime
        ):
            self._restored = last.native_value

    @property
    def native_value(self) -> SensorValue:
        """The value from the last accepted send, or the restored one before any."""
        value = self.entity_description.value_fn(self.coordinator.data)
        return self._restored if value is None else value

    @property
    def extra_state_attributes(self) -> dict[str, datetime]:
        """The time of the next scheduled SMS, on Last SMS."""
        return self.entity_description.attributes_fn(self.coordinator.data)
