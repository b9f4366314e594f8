"""The outbox: SMS that certainly did not leave because OVH could not be reached.

Only a failure that proves nothing went out is queued (see queueable, in
queued_sms.py); an SMS that may have gone is never queued, so nothing is ever
sent twice. The outbox is kept across reloads (kept.py) and saved with Store
across restarts; it is drained oldest first, one SMS at a time under a lock, at
a stored deadline re-armed at setup (first try after FIRST_TRY, doubling, at most MAX_BACKOFF).
An SMS still waiting at its maximum age is dropped and reported: a very late
alarm misleads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util, ulid as ulid_util

from .const import DOMAIN, ISSUE_OUTBOX_WAITING, LOGGER
from .issues import async_create_entry_issue, async_delete_entry_issue
from .kept import KeptKind, kept_store
from .queued_sms import FailOverQueued, QueuedSms, SendQueued, StoredOutbox
from .sms_options import SmsOptions

# SMS (one per recipient) an account's outbox holds at most.
MAX_QUEUED: Final = 200
FIRST_TRY: Final = timedelta(seconds=10)
MAX_BACKOFF: Final = timedelta(minutes=2)
# A repair issue says so while an SMS has waited longer than this.
LONG_WAIT: Final = timedelta(minutes=5)

EVENT_QUEUED: Final = "ovh_sms_queued"
EVENT_DROPPED: Final = "ovh_sms_dropped"


class Outbox:
    """One entry's queued SMS, oldest first, and the deadline of the next try."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is queued until loaded."""
        self._hass = hass
        self._entry_id = entry_id
        self._store: Store[StoredOutbox] = kept_store(hass, entry_id, "outbox")
        self.sms: list[QueuedSms] = []
        self.next_try: datetime | None = None
        self._failures = 0
        self._send: SendQueued | None = None
        self._fail_over: FailOverQueued | None = None
        self._account = ""
        self._timer: CALLBACK_TYPE | None = None
        self._lock = asyncio.Lock()
        self._listeners: list[Callable[[], None]] = []

    async def async_load(self) -> None:
        """Read what was saved."""
        if (stored := await self._store.async_load()) is None:
            return
        self.sms = [QueuedSms.from_stored(sms) for sms in stored["sms"]]
        self.next_try = dt_util.parse_datetime(stored["next_try"] or "")
        self._failures = stored["failures"]

    @property
    def count(self) -> int:
        """The SMS waiting, one per recipient."""
        return sum(len(sms.recipients) for sms in self.sms)

    def oldest(self) -> datetime | None:
        """When the oldest SMS waiting was queued."""
        return min((sms.queued_at for sms in self.sms), default=None)

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener after each change; give the way to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_start(self, send: SendQueued, account: str, fail_over: FailOverQueued) -> None:
        """Try the queued SMS with this sender (the entry's new gateway) at the stored deadline.

        An SMS too old to wait any longer goes to fail_over: the account's fallbacks.
        """
        self._send = send
        self._fail_over = fail_over
        self._account = account
        self._arm()

    @callback
    def async_stop(self) -> None:
        """Stop trying (the entry unloads); a try in flight finishes."""
        self._send = None
        self._fail_over = None
        if self._timer is not None:
            self._timer()
            self._timer = None

    @callback
    def queue(
        self,
        recipients: list[str],
        message: str,
        title: str | None,
        options: SmsOptions,
        max_delay: timedelta,
    ) -> QueuedSms | None:
        """Keep an SMS for later; None when the outbox is full (it is then not queued)."""
        if self.count + len(recipients) > MAX_QUEUED:
            return None
        now = dt_util.utcnow()
        sms = QueuedSms(
            ulid_util.ulid_now(), recipients, message, title, options, now, now + max_delay
        )
        self.sms.append(sms)
        if self.next_try is None:
            self.next_try = now + FIRST_TRY
        self._hass.bus.async_fire(
            EVENT_QUEUED,
            {
                "config_entry_id": self._entry_id,
                "recipients": len(recipients),
                "queued_at": now.isoformat(),
                "until": sms.expires_at.isoformat(),
            },
        )
        self._changed()
        return sms

    @callback
    def async_nudge(self) -> None:
        """Try now: OVH just accepted another SMS of this account."""
        if self.sms and not self._lock.locked():
            self.next_try = dt_util.utcnow()
            self._changed()

    def _changed(self) -> None:
        """Save, re-arm the deadline, say whether SMS wait too long and tell the listeners."""
        self._store.async_delay_save(self._as_stored, 1)
        self._arm()
        oldest = self.oldest()
        if oldest is None or dt_util.utcnow() - oldest < LONG_WAIT:
            async_delete_entry_issue(self._hass, self._entry_id, ISSUE_OUTBOX_WAITING)
        else:
            async_create_entry_issue(
                self._hass,
                self._entry_id,
                ISSUE_OUTBOX_WAITING,
                {
                    "account": self._account,
                    "count": str(self.count),
                    "since": dt_util.as_local(oldest).strftime("%H:%M"),
                },
            )
        for listener in list(self._listeners):
            listener()

    def _as_stored(self) -> StoredOutbox:
        return StoredOutbox(
            next_try=self.next_try.isoformat() if self.next_try else None,
            failures=self._failures,
            sms=[sms.as_stored() for sms in self.sms],
        )

    def _arm(self) -> None:
        """Wake at the next try, or earlier when an SMS expires or starts waiting too long."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        if self._send is None or not self.sms or self.next_try is None:
            return
        wake = min(self.next_try, *(sms.expires_at for sms in self.sms))
        if (waited_long := (self.oldest() or wake) + LONG_WAIT) > dt_util.utcnow():
            wake = min(wake, waited_long)
        self._timer = async_track_point_in_utc_time(self._hass, self._async_wake, wake)

    @callback
    def _async_wake(self, _now: datetime) -> None:
        self._timer = None
        self._hass.async_create_background_task(self.async_drain(), f"{DOMAIN} outbox")

    async def async_drain(self) -> None:
        """Drop what is too old; send the rest oldest first; stop at the first SMS OVH cannot take.

        One drain at a time: an SMS is taken out of the outbox before it is
        sent, so no one gets it twice.
        """
        async with self._lock:
            for sms in self._drop_expired():
                if self._fail_over is not None:
                    await self._fail_over(sms)
            while self.sms and self._send is not None:
                if dt_util.utcnow() < (self.next_try or dt_util.utcnow()):
                    break
                sms = self.sms.pop(0)
                retry = await self._send(sms)
                if retry is not None:
                    sms.recipients = retry.recipients
                    sms.attempts += 1
                    self.sms.insert(0, sms)
                    self._failures += 1
                    backoff = min(FIRST_TRY * 2 ** (self._failures - 1), MAX_BACKOFF)
                    self.next_try = dt_util.utcnow() + backoff
                    break
                self._failures = 0
            if not self.sms:
                self.next_try = None
            self._changed()

    def _drop_expired(self) -> list[QueuedSms]:
        """Take out, report and give the SMS past their maximum age."""
        now = dt_util.utcnow()
        expired = [sms for sms in self.sms if sms.expires_at <= now]
        for sms in expired:
            self.sms.remove(sms)
            self.report_dropped(sms, "expired")
            LOGGER.warning(
                "An SMS to %d recipient(s) queued at %s was dropped: OVH could not be "
                "reached before its maximum age (%s)",
                len(sms.recipients),
                dt_util.as_local(sms.queued_at).isoformat(timespec="seconds"),
                dt_util.as_local(sms.expires_at).isoformat(timespec="seconds"),
            )
        return expired

    @callback
    def report_dropped(self, sms: QueuedSms, reason: str) -> None:
        """Fire the event of a queued SMS given up: expired, refused, or that may have gone."""
        self._hass.bus.async_fire(
            EVENT_DROPPED,
            {
                "config_entry_id": self._entry_id,
                "recipients": len(sms.recipients),
                "queued_at": sms.queued_at.isoformat(),
                "reason": reason,
            },
        )

    async def async_remove(self) -> None:
        """Forget everything and delete what was saved: the entry was deleted."""
        self.async_stop()
        self.sms.clear()
        await self._store.async_remove()


OUTBOXES: KeptKind[str, Outbox] = KeptKind("outboxes", Outbox, str)
# Give the entry's outbox, loaded the first time.
async_get_outbox = OUTBOXES.async_get
# Delete the entry's outbox: it was deleted.
async_forget_outbox = OUTBOXES.async_forget
