"""Sensors: credit left, last SMS (kept across restarts), open alarms, outbox, spent this month.

The first two come through the account's coordinator: from the answers to sends,
and with API keys from the credit it reads every 15 minutes too (http2sms has no
call that reads the credit without sending). Open alarms come from the alarms'
signal, which tells all of them on each change and once when the entry is set up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import AccountState, OvhSmsConfigEntry, OvhSmsCoordinator
from .entity import OvhSmsEntity
from .notices import AlarmSummary, signal_alarms
from .readiness import ReadinessCoordinator, loaded_readiness
from .spending import monthly_budget

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
OPEN_ALARMS = SensorEntityDescription(key="open_alarms", translation_key="open_alarms")
OUTBOX = SensorEntityDescription(
    key="outbox", translation_key="outbox", state_class=SensorStateClass.MEASUREMENT
)
# Back to 0 when the month turns: a total that only increases, then resets.
SPENT_THIS_MONTH = SensorEntityDescription(
    key="spent_this_month",
    translation_key="spent_this_month",
    state_class=SensorStateClass.TOTAL_INCREASING,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OvhSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's sensors."""
    async_add_entities(
        [
            *(OvhSmsSensor(entry, description) for description in SENSORS),
            OvhSmsOpenAlarmsSensor(entry),
            OvhSmsOutboxSensor(entry),
            OvhSmsSpendingSensor(entry),
            OvhSmsDaysOfCreditSensor(entry, loaded_readiness(hass, entry.entry_id)),
        ]
    )


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


def _alarm_attribute(summary: AlarmSummary) -> dict[str, Any]:
    """One open alarm as the sensor's attribute lists it, its times in ISO 8601."""
    alarm = asdict(summary)
    alarm["started_at"] = summary.started_at.isoformat()
    alarm["deadline"] = None if summary.deadline is None else summary.deadline.isoformat()
    return alarm


class OvhSmsOpenAlarmsSensor(OvhSmsEntity, SensorEntity):
    """How many of the account's alarms are open, and where each one stands.

    Not restored: the alarms' signal tells the open alarms when the entry is set up.
    """

    entity_description = OPEN_ALARMS

    def __init__(self, entry: OvhSmsConfigEntry) -> None:
        """Attach to the account's device, with no alarm open until the signal says otherwise."""
        super().__init__(entry, OPEN_ALARMS.key)
        self._entry_id = entry.entry_id
        self._attr_native_value = 0
        self._attr_extra_state_attributes = {"alarms": []}

    async def async_added_to_hass(self) -> None:
        """Listen to the account's open alarms."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, signal_alarms(self._entry_id), self._async_alarms)
        )

    @callback
    def _async_alarms(self, alarms: tuple[AlarmSummary, ...]) -> None:
        self._attr_native_value = len(alarms)
        self._attr_extra_state_attributes = {"alarms": [_alarm_attribute(a) for a in alarms]}
        self.async_write_ha_state()


class OvhSmsOutboxSensor(OvhSmsEntity, SensorEntity):
    """How many SMS wait for OVH in the account's outbox, and since when the oldest does.

    The time the oldest was queued rather than its age: the state changes only
    when the outbox does.
    """

    entity_description = OUTBOX

    def __init__(self, entry: OvhSmsConfigEntry) -> None:
        """Attach to the account's device and its outbox."""
        super().__init__(entry, OUTBOX.key)
        self._outbox = entry.runtime_data.gateway.outbox

    async def async_added_to_hass(self) -> None:
        """Follow the outbox's changes."""
        await super().async_added_to_hass()
        self.async_on_remove(self._outbox.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> int:
        """The SMS waiting, one per recipient."""
        return self._outbox.count

    @property
    def extra_state_attributes(self) -> dict[str, str | None]:
        """When the oldest SMS waiting was queued."""
        oldest = self._outbox.oldest()
        return {"oldest_queued_at": oldest.isoformat() if oldest else None}


class OvhSmsSpendingSensor(OvhSmsEntity, SensorEntity):
    """The credits the account's SMS cost this calendar month, and its monthly budget."""

    entity_description = SPENT_THIS_MONTH

    def __init__(self, entry: OvhSmsConfigEntry) -> None:
        """Attach to the account's device and its month's spending."""
        super().__init__(entry, SPENT_THIS_MONTH.key)
        self._entry = entry
        self._spending = entry.runtime_data.gateway.spending

    async def async_added_to_hass(self) -> None:
        """Follow each send's cost and the turn of the month."""
        await super().async_added_to_hass()
        self.async_on_remove(self._spending.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> Decimal:
        """The credits spent this month."""
        return _as_shown(self._spending.credits) or Decimal(0)

    @property
    def extra_state_attributes(self) -> dict[str, float | None]:
        """The monthly budget, None when there is none."""
        budget = monthly_budget(self._entry)
        return {"monthly_budget": None if budget is None else float(budget)}


DAYS_OF_CREDIT = SensorEntityDescription(
    key="days_of_credit_left",
    translation_key="days_of_credit_left",
    device_class=SensorDeviceClass.DURATION,
    native_unit_of_measurement=UnitOfTime.DAYS,
    state_class=SensorStateClass.MEASUREMENT,
)


class OvhSmsDaysOfCreditSensor(OvhSmsEntity, CoordinatorEntity[ReadinessCoordinator], SensorEntity):
    """How many days the credit lasts at the last 30 days' mean spending (readiness.py).

    Unknown until a week of credit history, or while nothing is spent; its
    attribute says which.
    """

    entity_description = DAYS_OF_CREDIT

    def __init__(self, entry: OvhSmsConfigEntry, coordinator: ReadinessCoordinator) -> None:
        """Attach to the account's device and its readiness coordinator."""
        OvhSmsEntity.__init__(self, entry, DAYS_OF_CREDIT.key)
        CoordinatorEntity.__init__(self, coordinator)

    @property
    def native_value(self) -> int | None:
        """The days of credit left, when known."""
        return self.coordinator.data.days_of_credit_left

    @property
    def extra_state_attributes(self) -> dict[str, str]:
        """What the value rests on: the spending, or why it is unknown."""
        return {"runway_basis": self.coordinator.data.checks["runway"].details["runway_basis"]}
