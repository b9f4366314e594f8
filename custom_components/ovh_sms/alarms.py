"""Alarms: an SMS to each recipient in turn until one acknowledges, then the final actions.

Each entry has one AlarmKeeper, kept across reloads (like the ledger) and
saved, so an alarm resumes after a restart where it was. An attempt's SMS is
counted as sent, and saved so, before it leaves: it is never sent twice. The
next recipient gets the SMS when the deadline passes (a deadline passed while
Home Assistant was down escalates at once), when OVH refuses the SMS, or when
its delivery report says failed or expired. A reply (read from OVH, or pushed
and confirmed) from a number the alarm went to, with its code or a plain OK,
acknowledges it once; so do ovh_sms.acknowledge_alarm and its alert entity
turned off. Every step fires ovh_sms_alarm; every change tells the open alarms
on signal_alarms.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import partial
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, Platform
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
    split_entity_id,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from .account import SmsAccount, urgent_sms_options
from .alarm_book import AlarmBook
from .alarm_model import Alarm, acknowledged_alarms
from .const import DOMAIN, LOGGER
from .delivery import signal_delivery
from .failover import async_send_by, other_account
from .gateway import OvhSmsGateway
from .kept import KeptKind, entry_id_of
from .notices import AlarmStep, ReceivedSms, signal_received
from .ovhsms import DeliveryStatus, OutcomeUnknownError
from .sms_options import SmsOptions

ALERT_DOMAIN: Final = "alert"


class AlarmKeeper(AlarmBook):
    """Keeps the open alarms of one entry, and moves each along."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Nothing is open until loaded, nor moves until started."""
        super().__init__(hass, entry)
        self._gateway: OvhSmsGateway | None = None
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._alerts: dict[str, CALLBACK_TYPE] = {}
        self._listeners: list[CALLBACK_TYPE] = []

    @callback
    def async_start(self, gateway: OvhSmsGateway, account: SmsAccount) -> None:
        """Send with this gateway; listen to replies, deliveries and alerts; arm the deadlines.

        Called at the end of the entry's setup: the sensor listens already.
        """
        self._gateway = gateway
        self._account = account
        entry_id = self.entry.entry_id
        self._listeners = [
            async_dispatcher_connect(self.hass, signal_received(entry_id), self._received),
            async_dispatcher_connect(self.hass, signal_delivery(entry_id), self._delivered),
        ]
        for alarm in self.open.values():
            self._watch_alert(alarm)
            self._arm(alarm)
        self._changed()

    @callback
    def async_stop(self) -> None:
        """Stop moving the alarms (the entry unloads); they are kept."""
        self._gateway = None
        self._account = None
        for unsub in [*self._listeners, *self._timers.values(), *self._alerts.values()]:
            unsub()
        self._listeners = []
        self._timers.clear()
        self._alerts.clear()

    async def async_remove(self) -> None:
        """Forget every alarm and delete what was saved: the entry was deleted."""
        self.async_stop()
        self.open.clear()
        await self.store.async_remove()

    async def async_open(self, alarm: Alarm, gateway: OvhSmsGateway) -> tuple[str, ...]:
        """Open an alarm and send its first SMS with the loaded entry's gateway; give its ids.

        The send is the integration's task: a cancelled caller does not stop it.
        """
        self.open[alarm.alarm_id] = alarm
        self._fire(alarm, AlarmStep.STARTED)
        self._watch_alert(alarm)
        send = self.hass.async_create_task(self._async_send(alarm, gateway), f"{DOMAIN} alarm SMS")
        await asyncio.shield(send)
        return alarm.sms_ids

    @callback
    def acknowledge(self, alarm: Alarm, by: str | None, via: str) -> None:
        """End an alarm as acknowledged; one acknowledged by SMS turns its alert off."""
        self._close(alarm)
        self._fire(alarm, AlarmStep.ACKNOWLEDGED, by=by, via=via)
        if via != ALERT_DOMAIN and alarm.alert_entity is not None:
            self._call(ALERT_DOMAIN, "turn_off", {ATTR_ENTITY_ID: alarm.alert_entity})

    @callback
    def cancel(self, alarm: Alarm) -> None:
        """End an alarm without acknowledgement: no further SMS, no final actions."""
        self._close(alarm)
        self._fire(alarm, AlarmStep.CANCELLED)

    async def _async_send(self, alarm: Alarm, gateway: OvhSmsGateway) -> None:
        """Send the attempt's SMS once; a refusal escalates at once.

        The attempt is saved as sent before the SMS leaves: a restart during the
        send never sends it again. One that may have gone counts as sent. An
        alarm that ended or moved on while it was being saved sends nothing.
        """
        attempt = alarm.attempt
        alarm.deadline = dt_util.utcnow() + alarm.escalate_after
        alarm.sms_ids = ()
        if alarm.number not in alarm.sent_to:
            alarm.sent_to.append(alarm.number)
        message, options = await self.async_sms_text(alarm.code, alarm.message)
        await self.store.async_save(self._stored())
        if not self._still_at(alarm, attempt):
            return
        self._changed()
        try:
            result = await gateway.async_send([alarm.number], message, options, alarm.title)
        except HomeAssistantError as err:
            if not isinstance(err.__cause__, OutcomeUnknownError):
                LOGGER.warning("Alarm %s not sent: %s", alarm.code, err)
                if self._still_at(alarm, attempt):
                    self._escalate(alarm)
                return
            LOGGER.warning("Alarm %s may have been sent, counted as sent: %s", alarm.code, err)
        else:
            alarm.sms_ids = result.sms_ids
        if self._still_at(alarm, attempt):
            self._changed()
            self._fire(alarm, AlarmStep.SENT, sms_ids=alarm.sms_ids)
            self._arm(alarm)

    async def async_sms_text(self, code: str, message: str) -> tuple[str, SmsOptions]:
        """Give an alarm SMS's text and options: how to acknowledge it, when replies are read.

        Such an SMS goes from a number whose SMS are read (the account's
        reply_number), whatever the entry's sender; the line is in Home
        Assistant's language.
        """
        number = None if self._account is None else self._account.reply_number
        options = urgent_sms_options(number)
        if number is None:
            return message, options
        texts = await async_get_translations(
            self.hass, self.hass.config.language, "common", [DOMAIN]
        )
        line = texts[f"component.{DOMAIN}.common.alarm_reply"].replace("{code}", code)
        return f"{message}\n{line}", options

    def _still_at(self, alarm: Alarm, attempt: int) -> bool:
        """Whether the alarm is open and still at this attempt (nothing moved it meanwhile)."""
        return self.open.get(alarm.alarm_id) is alarm and alarm.attempt == attempt

    @callback
    def _escalate(self, alarm: Alarm) -> None:
        """Go to the next attempt, or end the alarm as exhausted after the last."""
        self._disarm(alarm)
        if alarm.last_attempt:
            self._exhaust(alarm)
            return
        if (gateway := self._gateway) is None:  # unloaded: escalates when set up again
            alarm.deadline = dt_util.utcnow()
            self._changed()
            return
        alarm.attempt += 1
        self._fire(alarm, AlarmStep.ESCALATED)
        self.hass.async_create_task(self._async_send(alarm, gateway), f"{DOMAIN} alarm SMS")

    @callback
    def _exhaust(self, alarm: Alarm) -> None:
        """End the alarm (saved so) and call its final actions once.

        Exhausted while Home Assistant starts, it calls them once started: the
        notify entities and actions they name are set up by then.
        """
        self._close(alarm)
        self._fire(alarm, AlarmStep.EXHAUSTED)
        text = {"message": alarm.message} | ({"title": alarm.title} if alarm.title else {})

        @callback
        def call_final_actions(hass: HomeAssistant) -> None:
            for target in alarm.then:
                if other_account(hass, target) is not None:  # a fallback's kind of channel
                    send = partial(
                        async_send_by,
                        hass,
                        target,
                        list(alarm.numbers),
                        alarm.message,
                        alarm.title,
                        critical=True,
                    )
                    self._run(target, send)
                elif hass.states.get(target) is not None:
                    self._call(Platform.NOTIFY, "send_message", {ATTR_ENTITY_ID: target, **text})
                else:
                    self._call(Platform.NOTIFY, split_entity_id(target)[1], text)

        async_at_started(self.hass, call_final_actions)

    @callback
    def _close(self, alarm: Alarm) -> None:
        """Forget an alarm that ended: nothing of it happens again."""
        self._disarm(alarm)
        if (unwatch := self._alerts.pop(alarm.alarm_id, None)) is not None:
            unwatch()
        del self.open[alarm.alarm_id]
        self._changed()

    @callback
    def _arm(self, alarm: Alarm) -> None:
        """Escalate at the deadline; one passed already escalates now."""
        self._disarm(alarm)
        if self._gateway is not None:
            self._timers[alarm.alarm_id] = async_track_point_in_utc_time(
                self.hass, partial(self._deadline_passed, alarm), alarm.deadline
            )

    @callback
    def _disarm(self, alarm: Alarm) -> None:
        if (unsub := self._timers.pop(alarm.alarm_id, None)) is not None:
            unsub()

    @callback
    def _deadline_passed(self, alarm: Alarm, now: datetime) -> None:
        del self._timers[alarm.alarm_id]
        self._escalate(alarm)

    @callback
    def _watch_alert(self, alarm: Alarm) -> None:
        """End the alarm as acknowledged when its alert is turned off in Home Assistant."""
        if alarm.alert_entity is None:
            return

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            new, old = event.data["new_state"], event.data["old_state"]
            if new and new.state == STATE_OFF and (old is None or old.state != STATE_OFF):
                self.acknowledge(alarm, None, ALERT_DOMAIN)

        self._alerts[alarm.alarm_id] = async_track_state_change_event(
            self.hass, alarm.alert_entity, changed
        )

    def acknowledges(self, received: ReceivedSms) -> bool:
        """Tell whether an SMS acknowledges (or acknowledged) an open alarm: it is no command."""
        return received.sms_id in self._counted or bool(
            acknowledged_alarms(list(self.open.values()), received.sender, received.message)
        )

    @callback
    def _received(self, received: ReceivedSms) -> None:
        """Acknowledge the alarms a reply names, once."""
        if received.sms_id in self._counted:
            return
        found = acknowledged_alarms(list(self.open.values()), received.sender, received.message)
        if found:
            self._counted[received.sms_id] = None
        for alarm, number in found:
            self.acknowledge(alarm, self.recipient_name(number) or number, "sms")

    @callback
    def _delivered(self, receiver: str, status: str, sms_id: str) -> None:
        """Tell a delivered SMS of an alarm; escalate at once from one that will not arrive."""
        alarm = next((a for a in self.open.values() if sms_id in a.sms_ids), None)
        if alarm is None:
            return
        if status == DeliveryStatus.DELIVERED:
            self._fire(alarm, AlarmStep.DELIVERED, sms_ids=(sms_id,))
        else:  # failed or expired: it will not reach the phone
            LOGGER.info("Alarm %s SMS %s not delivered (%s): escalated", alarm.code, sms_id, status)
            self._escalate(alarm)


def find_open_alarm(hass: HomeAssistant, alarm_id: str) -> tuple[AlarmKeeper, Alarm] | None:
    """Find an open alarm of any entry, and its keeper."""
    for keeper in hass.data.get(ALARMS.key, {}).values():
        if (alarm := keeper.open.get(alarm_id)) is not None:
            return keeper, alarm
    return None


ALARMS: KeptKind[ConfigEntry, AlarmKeeper] = KeptKind("alarms", AlarmKeeper, entry_id_of)
# Give the entry's alarm keeper, loading it the first time in this run of Home Assistant.
async_get_alarms = ALARMS.async_get
# Drop the entry's alarms and delete what it saved: it was deleted.
async_forget_alarms = ALARMS.async_forget
