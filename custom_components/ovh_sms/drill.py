"""The drill: a test SMS, on a schedule or on demand, that must reach the phone in 10 minutes.

Each entry has one DrillKeeper, kept across reloads (like the alarms) and
saved: the next scheduled drill and the running drill's deadline are stored
times, armed again at setup, so a restart neither loses nor repeats a drill (a
drill is saved as running before its SMS leaves; one whose SMS was in flight at
a restart fails as "may have been sent"). With API keys a drill passes on its
delivery report (and, when asked, a reply from the recipient) before its
deadline; with an SMS user, which gets no reports, it passes once OVH accepted
it. A failed drill raises a repair issue saying why; the next passed drill
clears it. Every step fires ovh_sms_drill.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
from homeassistant.util.ulid import ulid_now

from .account import SmsAccount, urgent_sms_options
from .const import (
    CONF_ACCOUNT,
    CONF_DRILL_ENABLED,
    CONF_DRILL_RECIPIENT,
    CONF_DRILL_REPLY,
    CONF_DRILL_TIME,
    CONF_DRILL_WEEKDAY,
    DOMAIN,
    EVENT_DRILL,
    ISSUE_DRILL_FAILED,
    LOGGER,
)
from .delivery import signal_delivery
from .drill_model import (
    DRILL_WINDOW,
    Drill,
    DrillFailure,
    DrillStep,
    StoredDrills,
    next_scheduled_drill,
)
from .drill_options import drill_options
from .gateway import OvhSmsGateway
from .issues import async_create_entry_issue, async_delete_entry_issue
from .kept import KeptKind, entry_id_of, kept_store
from .notices import ReceivedSms, recipients_among, signal_received
from .ovhsms import DeliveryStatus, OutcomeUnknownError
from .sms_options import SmsOptions

# After a restart past a drill's deadline, the reads due at start still count for it.
RESTART_GRACE: Final = timedelta(minutes=1)
# Who asks the reply poller to read often while a drill waits for a reply.
REPLY_WAITER: Final = "drill"


class DrillKeeper:
    """Runs the drills of one entry: on its schedule, or when asked; judges the running one."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Nothing runs until loaded and started."""
        self.hass = hass
        self.entry = entry
        self.store: Store[StoredDrills] = kept_store(hass, entry.entry_id, "drill")
        self.running: Drill | None = None
        self.next_run: datetime | None = None
        self._schedule: str | None = None
        self._account: SmsAccount | None = None
        self._listeners: list[CALLBACK_TYPE] = []
        self._next_timer: CALLBACK_TYPE | None = None
        self._deadline: CALLBACK_TYPE | None = None
        # The reply that passed the last drill, whoever hears of it after the drill.
        self._confirmation: str | None = None

    async def async_load(self) -> None:
        """Take up the schedule and the drill running before a restart."""
        if (stored := await self.store.async_load()) is not None:
            self._schedule = stored["schedule"]
            self.next_run = dt_util.parse_datetime(stored["next_run"] or "")
            if stored["running"] is not None:
                self.running = Drill.from_stored(stored["running"])

    @callback
    def async_start(self, gateway: OvhSmsGateway, account: SmsAccount) -> None:
        """Listen to reports and replies; arm the running drill's deadline and the next drill.

        A schedule changed in the options starts from now; a drill due while
        Home Assistant was down runs now, once.
        """
        self._account = account
        entry_id = self.entry.entry_id
        self._listeners = [
            async_dispatcher_connect(self.hass, signal_delivery(entry_id), self._delivered),
            async_dispatcher_connect(self.hass, signal_received(entry_id), self._received),
        ]
        options = drill_options(self.entry)
        schedule = (
            f"{options[CONF_DRILL_WEEKDAY]} {options[CONF_DRILL_TIME]}"
            if options[CONF_DRILL_ENABLED]
            else None
        )
        if schedule != self._schedule or self.next_run is None:
            self._schedule = schedule
            self.next_run = next_scheduled_drill(options, dt_util.utcnow())
            self._save()
        self._arm_next(gateway, account)
        if (drill := self.running) is not None:
            # Its deadline passed while down: the reports and replies read at start count.
            self._arm(drill, dt_util.utcnow() + RESTART_GRACE)
            self._read_replies_often()

    @callback
    def async_stop(self) -> None:
        """Stop (the entry unloads); the schedule and the running drill are kept."""
        for unsub in self._listeners:
            unsub()
        self._listeners = []
        if self._next_timer is not None:
            self._next_timer()
            self._next_timer = None
        self._disarm()
        if self._account is not None:
            self._account.async_read_replies_often(often=False, waiter=REPLY_WAITER)
        self._account = None

    async def async_remove(self) -> None:
        """Forget everything and delete what was saved: the entry was deleted."""
        self.async_stop()
        self.running = None
        await self.store.async_remove()

    def diagnostics(self) -> dict[str, Any]:
        """Describe the next drill and the running one, its numbers redacted."""
        return {
            "next_run": self.next_run.isoformat() if self.next_run else None,
            "running": async_redact_data(self.running.as_stored(), {"number", "reply_number"})
            if self.running
            else None,
        }

    async def async_run(self, gateway: OvhSmsGateway, account: SmsAccount) -> dict[str, Any]:
        """Run a drill now; answer where it stands (passed, failed or running until its deadline).

        Its recipient is the one chosen in the options; one drill runs at a
        time. The send is counted as done before it leaves, and never repeated.
        """
        if self.running is not None:
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="drill_running")
        subentry_id: str = drill_options(self.entry).get(CONF_DRILL_RECIPIENT, "")
        if subentry_id not in self.entry.subentries:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="drill_no_recipient"
            )
        reply_number = account.reply_number
        wants_reply = bool(drill_options(self.entry)[CONF_DRILL_REPLY] and reply_number is not None)
        drill = Drill(
            ulid_now(),
            gateway.recipient_number(subentry_id),
            dt_util.utcnow() + DRILL_WINDOW,
            wants_reply,
            reply_number=reply_number or "",
        )
        self.running = drill
        self._fire(drill, DrillStep.STARTED)
        message = await self._async_sms_text(wants_reply=wants_reply)
        options = urgent_sms_options(reply_number)
        await self.store.async_save(self._stored())
        self._arm(drill)
        send = self.hass.async_create_task(
            self._async_send(drill, gateway, account, (message, options)), f"{DOMAIN} drill SMS"
        )
        return await asyncio.shield(send)

    async def _async_send(
        self,
        drill: Drill,
        gateway: OvhSmsGateway,
        account: SmsAccount,
        text: tuple[str, SmsOptions],
    ) -> dict[str, Any]:
        """Send the drill's SMS once and follow it; a cancelled caller does not stop it."""
        try:
            result = await gateway.async_send([drill.number], *text)
        except HomeAssistantError as err:
            unknown = isinstance(err.__cause__, OutcomeUnknownError)
            failure = DrillFailure.OUTCOME_UNKNOWN if unknown else DrillFailure.NOT_ACCEPTED
            self._end(drill, failure, str(err))
            return self._response(drill, DrillStep.FAILED, failure)
        drill.sms_ids = result.sms_ids
        if not account.reports_delivery:  # an SMS user: OVH's acceptance is all it can know
            self._end(drill)
            return self._response(drill, DrillStep.PASSED)
        self._save()
        self._read_replies_often()
        return self._response(drill, None)

    def _response(
        self, drill: Drill, step: DrillStep | None, failure: DrillFailure | None = None
    ) -> dict[str, Any]:
        return {
            "drill_id": drill.drill_id,
            "outcome": str(step) if step else "running",
            "reason": str(failure) if failure else None,
            "sms_ids": list(drill.sms_ids),
            "deadline": drill.deadline.isoformat(),
        }

    async def _async_sms_text(self, *, wants_reply: bool) -> str:
        """Give the drill's text in Home Assistant's language.

        It goes as an alarm's SMS (urgent_sms_options): from the same number, and
        critical, as the monthly budget stops no alarm, so no drill.
        """
        texts = await async_get_translations(
            self.hass, self.hass.config.language, "common", [DOMAIN]
        )
        key = "drill_reply" if wants_reply else "drill"
        return texts[f"component.{DOMAIN}.common.{key}"].replace(
            "{account}", self.entry.data[CONF_ACCOUNT]
        )

    @callback
    def _arm_next(self, gateway: OvhSmsGateway, account: SmsAccount) -> None:
        """Run the next scheduled drill at its time; one passed already runs now."""
        if self.next_run is not None:
            self._next_timer = async_track_point_in_utc_time(
                self.hass, partial(self._scheduled, gateway, account), self.next_run
            )

    @callback
    def _scheduled(self, gateway: OvhSmsGateway, account: SmsAccount, now: datetime) -> None:
        """Run the scheduled drill and arm the next; a drill still running skips this one."""
        self.next_run = next_scheduled_drill(drill_options(self.entry), max(now, dt_util.utcnow()))
        self._save()
        self._arm_next(gateway, account)
        if self.running is not None:
            LOGGER.info("The scheduled drill of %s is skipped: one is running", self.entry.title)
            return
        self.entry.async_create_background_task(
            self.hass, self._async_run_scheduled(gateway, account), f"{DOMAIN} drill"
        )

    async def _async_run_scheduled(self, gateway: OvhSmsGateway, account: SmsAccount) -> None:
        """Run a scheduled drill; one that cannot even start (no recipient) is a failed drill."""
        try:
            await self.async_run(gateway, account)
        except ServiceValidationError as err:
            LOGGER.warning("The drill of %s could not start: %s", self.entry.title, err)
            self._raise_issue(DrillFailure.NOT_ACCEPTED, str(err), "-", dt_util.utcnow())

    @callback
    def _arm(self, drill: Drill, not_before: datetime | None = None) -> None:
        """Judge the drill at its deadline (armed before its SMS leaves), not before not_before."""
        self._disarm()
        self._deadline = async_track_point_in_utc_time(
            self.hass,
            partial(self._deadline_passed, drill),
            max(drill.deadline, not_before or drill.deadline),
        )

    @callback
    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline()
            self._deadline = None

    @callback
    def _deadline_passed(self, drill: Drill, now: datetime) -> None:
        """Fail the drill for what did not come in time."""
        self._deadline = None
        if not drill.sms_ids:
            self._end(drill, DrillFailure.OUTCOME_UNKNOWN, "its SMS was on its way at a restart")
        elif drill.delivered:
            self._end(drill, DrillFailure.NO_REPLY, "no reply in time")
        else:
            self._end(drill, DrillFailure.NOT_DELIVERED, "no final delivery report in time")

    @callback
    def _delivered(self, receiver: str, status: str, sms_id: str) -> None:
        """Pass on delivery (unless a reply is wanted); fail at once on a failed report."""
        if (drill := self.running) is None or sms_id not in drill.sms_ids:
            return
        if status != DeliveryStatus.DELIVERED:
            self._end(drill, DrillFailure.NOT_DELIVERED, f"delivery report: {status}")
        elif drill.wants_reply:
            drill.delivered = True
            self._save()
        else:
            self._end(drill)

    def confirms(self, received: ReceivedSms) -> bool:
        """Tell whether an SMS confirms (or confirmed) the drill: it is no command."""
        return received.sms_id == self._confirmation or self._confirmed(received) is not None

    def _confirmed(self, received: ReceivedSms) -> Drill | None:
        """Give the running drill this SMS confirms, if one does."""
        drill = self.running
        return drill if drill is not None and drill.confirmed_by(received) else None

    @callback
    def _received(self, received: ReceivedSms) -> None:
        """Pass the drill on the reply that confirms it."""
        if (drill := self._confirmed(received)) is not None:
            self._confirmation = received.sms_id
            self._end(drill)

    @callback
    def _end(self, drill: Drill, failure: DrillFailure | None = None, error: str = "") -> None:
        """End the drill: passed clears the repair issue, failed raises it."""
        self._disarm()
        self.running = None
        self._save()
        self._read_replies_often()
        if failure is None:
            async_delete_entry_issue(self.hass, self.entry.entry_id, ISSUE_DRILL_FAILED)
            self._fire(drill, DrillStep.PASSED)
            return
        LOGGER.warning("The drill of %s failed (%s): %s", self.entry.title, failure, error)
        self._fire(drill, DrillStep.FAILED, failure)
        recipient = self._recipient_name(drill.number) or drill.number
        self._raise_issue(failure, error, recipient, drill.deadline - DRILL_WINDOW)

    @callback
    def _raise_issue(
        self, failure: DrillFailure, error: str, recipient: str, started: datetime
    ) -> None:
        """Say what failed in the drill started then (local time), to whom."""
        async_create_entry_issue(
            self.hass,
            self.entry.entry_id,
            ISSUE_DRILL_FAILED,
            {
                "account": self.entry.title,
                "recipient": recipient,
                "error": error,
                "at": dt_util.as_local(started).strftime("%Y-%m-%d %H:%M"),
            },
            translation_key=f"drill_{failure}",
        )

    @callback
    def _read_replies_often(self) -> None:
        """Read replies often while a drill waits for one, as while an alarm does."""
        if self._account is not None:
            drill = self.running
            self._account.async_read_replies_often(
                often=drill is not None and drill.wants_reply,
                waiter=REPLY_WAITER,
                number=drill.reply_number if drill is not None else "",
            )

    def _recipient_name(self, number: str) -> str | None:
        """Name the recipient of the entry whose number this is, if one still is."""
        subentries = recipients_among(self.entry, [number])
        return next((self.entry.subentries[s].title for s in subentries), None)

    def _fire(self, drill: Drill, step: DrillStep, failure: DrillFailure | None = None) -> None:
        self.hass.bus.async_fire(
            EVENT_DRILL,
            {
                "config_entry_id": self.entry.entry_id,
                "drill_id": drill.drill_id,
                "step": str(step),
                "reason": str(failure) if failure else None,
                "recipient": self._recipient_name(drill.number),
                "number": drill.number,
                "sms_ids": list(drill.sms_ids),
                "deadline": drill.deadline.isoformat(),
            },
        )

    @callback
    def _save(self) -> None:
        self.store.async_delay_save(self._stored, 0)

    def _stored(self) -> StoredDrills:
        return {
            "schedule": self._schedule,
            "next_run": self.next_run.isoformat() if self.next_run else None,
            "running": self.running.as_stored() if self.running else None,
        }


DRILLS: KeptKind[ConfigEntry, DrillKeeper] = KeptKind("drills", DrillKeeper, entry_id_of)
# Give the entry's drill keeper, loading it the first time in this run of Home Assistant.
async_get_drill = DRILLS.async_get
# Drop the entry's drill and delete what it saved: it was deleted.
async_forget_drill = DRILLS.async_forget
