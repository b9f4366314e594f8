"""The alarms' book: the open alarms of an entry, saved, told and fired, and their actions run.

Apart from alarms.py, which moves the alarms along (sends, escalates, listens
to replies, deliveries and alerts), this keeps what every step relies on: the
store, the replies already counted, the ovh_sms_alarm event, the open alarms'
signal, and the final actions run once Home Assistant has started.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Final, TypedDict

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .account import SmsAccount
from .alarm_model import Alarm, StoredAlarm
from .const import DOMAIN, EVENT_ALARM, LOGGER
from .kept import kept_store
from .notices import ALARM_EVENT_KEYS, AlarmStep, AlarmSummary, recipients_among, signal_alarms

# Reply ids already counted, the newest: a reply acknowledges once.
COUNTED_KEPT: Final = 500


class StoredAlarms(TypedDict):
    """What is saved: the open alarms and the reply ids already counted."""

    alarms: list[StoredAlarm]
    counted_replies: list[str]


class AlarmBook:
    """The open alarms of one entry, as saved, told to the sensor and fired as events."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Nothing is open until loaded."""
        self.hass = hass
        self.entry = entry
        self.store: Store[StoredAlarms] = kept_store(hass, entry.entry_id, "alarms")
        self.open: dict[str, Alarm] = {}
        self._counted: dict[str, None] = {}
        self._account: SmsAccount | None = None

    async def async_load(self) -> None:
        """Take up the alarms open before a restart."""
        if (stored := await self.store.async_load()) is not None:
            for item in stored["alarms"]:
                alarm = Alarm.from_stored(item)
                self.open[alarm.alarm_id] = alarm
            self._counted = dict.fromkeys(stored["counted_replies"])

    def recipient_name(self, number: str) -> str | None:
        """Name the recipient of the entry whose number this is, if one is."""
        subentries = recipients_among(self.entry, [number])
        return next((self.entry.subentries[s].title for s in subentries), None)

    @callback
    def _call(self, domain: str, service: str, data: dict[str, Any]) -> None:
        """Call an action in a task of ours; whatever it raises is logged, it stops nothing.

        The action is another integration's, called once Home Assistant has
        started (it may be set up after us); a bug there leaves its trace in the log.
        """
        self._run(
            f"{domain}.{service}",
            partial(self.hass.services.async_call, domain, service, data, blocking=True),
        )

    def _run(self, name: str, act: Callable[[], Awaitable[Any]]) -> None:
        """Run an action, or another account's send, once started; log what it raises."""

        async def run() -> None:
            try:
                await act()
            except (HomeAssistantError, vol.Invalid) as err:
                LOGGER.warning("%s of an alarm failed: %s", name, err)
            except Exception:
                LOGGER.exception("%s of an alarm failed", name)

        @callback
        def when_started(hass: HomeAssistant) -> None:
            hass.async_create_task(run(), f"{DOMAIN} alarm {name}")

        async_at_started(self.hass, when_started)

    def _fire(
        self,
        alarm: Alarm,
        step: AlarmStep,
        *,
        sms_ids: tuple[str, ...] = (),
        by: str | None = None,
        via: str | None = None,
    ) -> None:
        now = dt_util.utcnow()
        values = (
            self.entry.entry_id,
            alarm.alarm_id,
            str(step),
            alarm.code,
            self.recipient_name(alarm.number),
            alarm.number,
            alarm.round,
            list(sms_ids),
            by,
            via,
            round((now - alarm.started_at).total_seconds()),
            now.isoformat(),
        )
        self.hass.bus.async_fire(EVENT_ALARM, dict(zip(ALARM_EVENT_KEYS, values, strict=True)))

    @callback
    def _changed(self) -> None:
        """Save; tell the sensor; have replies read often while an alarm is open."""
        self.store.async_delay_save(self._stored, 0)
        if self._account is not None:
            self._account.async_read_replies_often(
                often=bool(self.open), number=self._account.reply_number or ""
            )
        async_dispatcher_send(
            self.hass,
            signal_alarms(self.entry.entry_id),
            tuple(self._summary(alarm) for alarm in self.open.values()),
        )

    def _summary(self, alarm: Alarm) -> AlarmSummary:
        """Summarise an alarm; after its last SMS only the final actions are left: no deadline."""
        return AlarmSummary(
            alarm.alarm_id,
            alarm.code,
            alarm.message,
            self.recipient_name(alarm.number) or alarm.number,
            alarm.round,
            alarm.started_at,
            None if alarm.last_attempt else alarm.deadline,
        )

    def _stored(self) -> StoredAlarms:
        return {
            "alarms": [alarm.as_stored() for alarm in self.open.values()],
            "counted_replies": list(self._counted)[-COUNTED_KEPT:],
        }
