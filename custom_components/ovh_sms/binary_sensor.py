"""The account's "Alarm path" sensor: on when something would stop an alarm's SMS.

Fed by the readiness coordinator (readiness.py): each check's state is an
attribute (translated), with the details that say who or what is concerned.
Unavailable while OVH cannot be reached: never "ready" on a guess.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined, unused-ignore]
    BinarySensorDeviceClass,  # re-exported from .const, which HA 2026.3 lacks
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import OvhSmsConfigEntry
from .entity import OvhSmsEntity
from .readiness import ReadinessCoordinator, loaded_readiness

PARALLEL_UPDATES = 0

ALARM_PATH = BinarySensorEntityDescription(
    key="alarm_path",
    translation_key="alarm_path",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OvhSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's Alarm path sensor."""
    async_add_entities([OvhSmsAlarmPathSensor(entry, loaded_readiness(hass, entry.entry_id))])


class OvhSmsAlarmPathSensor(
    OvhSmsEntity, CoordinatorEntity[ReadinessCoordinator], BinarySensorEntity
):
    """On (a problem) when a check failed or could not be read."""

    entity_description = ALARM_PATH

    def __init__(self, entry: OvhSmsConfigEntry, coordinator: ReadinessCoordinator) -> None:
        """Attach to the account's device and its readiness coordinator."""
        OvhSmsEntity.__init__(self, entry, ALARM_PATH.key)
        CoordinatorEntity.__init__(self, coordinator)

    @property
    def is_on(self) -> bool:
        """A problem when the alarm path is not ready."""
        return not self.coordinator.data.ready

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Each check's state, and who or what each problem concerns."""
        return self.coordinator.data.attributes()
