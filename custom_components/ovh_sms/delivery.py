"""Delivery reports (API keys): each SMS followed until the phone has it, or it failed.

After each accepted send, every SMS id is checked on a backoff schedule (from
20 seconds to every hour) until OVH gives a final state or the SMS's validity
ends, when one last read decides (delivered at its last minute is still
delivered); a deferred SMS is checked from its time on. A final state fires
ovh_sms_delivery once and shows on the recipient's notify entity. At most
CALLS_PER_RUN reads every RUN_GAP (30 a minute) leave half of OVH's fair use
(about 60 calls a minute per key) to everything else. What is being followed is saved, so a
restart neither forgets an SMS nor reports it twice; the tracker itself outlives
reloads of its entry (like the ledger), so a read still in flight during a
reload cannot make a second tracker report the same SMS. A push from OVH (see
push.py) ends the following of an SMS at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, EVENT_DELIVERY, LOGGER
from .kept import KeptKind, entry_id_of, kept_store
from .notices import Accepted, signal_accepted
from .ovhsms import DeliveryReport, OvhSmsError

# Seconds from the send to each check; after the last, one check an hour.
SCHEDULE: Final = (20, 40, 60, 120, 240, 480, 900, 1800, 3600)
LATER: Final = timedelta(hours=1)
# OVH keeps trying an SMS for 48 hours unless told otherwise.
DEFAULT_VALIDITY: Final = timedelta(hours=48)
# At most this many reads in a run, and runs this far apart.
CALLS_PER_RUN: Final = 10
RUN_GAP: Final = timedelta(seconds=20)
STATUS_EXPIRED: Final = "expired"

type ReadDeliveries = Callable[
    [Sequence[str]], Awaitable[Mapping[str, DeliveryReport | OvhSmsError]]
]


def signal_delivery(entry_id: str) -> str:
    """Dispatcher signal of an entry's final delivery states: (recipient, status, sms_id)."""
    return f"{DOMAIN}_{entry_id}_delivery"


class StoredSms(TypedDict):
    """One followed SMS, as saved."""

    sms_id: str
    start: str
    expires: str
    checks: int
    receiver: str


@dataclass(slots=True)
class FollowedSms:
    """An SMS whose delivery is not known yet."""

    sms_id: str
    start: datetime
    expires: datetime
    checks: int = 0
    receiver: str = ""  # known from the first read

    @property
    def next_check(self) -> datetime:
        """When to ask OVH next: on the schedule, then every hour."""
        if self.checks < len(SCHEDULE):
            return self.start + timedelta(seconds=SCHEDULE[self.checks])
        extra = self.checks - len(SCHEDULE) + 1
        return self.start + timedelta(seconds=SCHEDULE[-1]) + LATER * extra

    @property
    def due(self) -> datetime:
        """When to read it next: its next check, or the end of its validity if sooner."""
        return min(self.next_check, self.expires)


class DeliveryTracker:
    """Follows the SMS of one API keys entry until each has a final state."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Nothing is followed until loaded, nor read until started."""
        self.hass = hass
        self.entry = entry
        self._read: ReadDeliveries | None = None
        self.store: Store[list[StoredSms]] = kept_store(hass, entry.entry_id, "deliveries")
        self._followed: dict[str, FollowedSms] = {}
        self._timer: CALLBACK_TYPE | None = None
        self._running = False
        self._not_before = dt_util.utcnow()
        self._removed = False
        # Kept across reloads, it follows a send that ends while its entry reloads.
        self._unfollow = async_dispatcher_connect(
            hass, signal_accepted(entry.entry_id), self.follow
        )

    async def async_load(self) -> None:
        """Take up the SMS followed before a restart, and check the ones that are due."""
        for item in await self.store.async_load() or []:
            start = dt_util.parse_datetime(item["start"])
            expires = dt_util.parse_datetime(item["expires"])
            if start is not None and expires is not None:
                self._followed[item["sms_id"]] = FollowedSms(
                    item["sms_id"], start, expires, item["checks"], item.get("receiver", "")
                )

    @callback
    def async_start(self, read: ReadDeliveries) -> None:
        """Read with read(sms_ids) from now on, the due SMS first."""
        self._read = read
        self._schedule()

    @callback
    def async_stop(self) -> None:
        """Stop reading: the entry unloads (what is followed is kept)."""
        self._read = None
        self._schedule()

    @callback
    def follow(self, accepted: Accepted) -> None:
        """Follow each SMS OVH accepted, from its deferred time if it has one."""
        result = accepted.result
        start = result.deferred or dt_util.utcnow()
        validity = (
            timedelta(minutes=accepted.validity_minutes)
            if accepted.validity_minutes
            else DEFAULT_VALIDITY
        )
        # One id for one recipient is certainly theirs; else the first read tells.
        receiver = result.recipients[0] if len(result.recipients) == 1 else ""
        for sms_id in result.sms_ids:
            self._followed[sms_id] = FollowedSms(sms_id, start, start + validity, 0, receiver)
        self._save()
        self._schedule()

    @callback
    def forget(self, sms_ids: Sequence[str]) -> None:
        """Stop following these SMS (cancelled)."""
        for sms_id in sms_ids:
            self._followed.pop(sms_id, None)
        self._save()
        self._schedule()

    @callback
    def report(self, report: DeliveryReport) -> None:
        """Take a delivery state (read or pushed); a final one is told once."""
        if not report.final or (followed := self._followed.pop(report.sms_id, None)) is None:
            return
        self._tell(
            report.sms_id,
            report.receiver or followed.receiver,  # a push may not name it
            str(report.status),
            {
                "ptt": report.ptt,
                "delivery_receipt": report.delivery_receipt,
                "description": report.description,
                "delivered_at": report.delivered_at.isoformat() if report.delivered_at else None,
            },
        )
        self._save()
        self._schedule()

    async def async_remove(self) -> None:
        """Forget every SMS and delete what was saved: the entry was deleted.

        A read still in flight then finds nothing followed: it tells nothing,
        and saves nothing again.
        """
        self._removed = True
        self._unfollow()
        self._followed.clear()
        self.async_stop()
        await self.store.async_remove()

    @property
    def followed(self) -> list[str]:
        """The ids of the SMS still followed (diagnostics)."""
        return list(self._followed)

    def _tell(self, sms_id: str, receiver: str, status: str, details: dict[str, Any]) -> None:
        """Fire the event and show the state on the recipient's notify entity."""
        self.hass.bus.async_fire(
            EVENT_DELIVERY,
            {
                "config_entry_id": self.entry.entry_id,
                "sms_id": sms_id,
                "recipient": receiver,
                "status": status,
                **details,
            },
        )
        async_dispatcher_send(
            self.hass, signal_delivery(self.entry.entry_id), receiver, status, sms_id
        )

    @callback
    def _schedule(self) -> None:
        """Set the one timer to the earliest check due (now at the soonest)."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        if self._running or self._read is None or not self._followed:
            return
        when = min(sms.due for sms in self._followed.values())
        self._timer = async_track_point_in_utc_time(
            self.hass,
            partial(self._async_run, self._read),
            max(when, self._not_before, dt_util.utcnow()),
        )

    async def _async_run(self, read: ReadDeliveries, now: datetime) -> None:
        """Check the SMS that are due, CALLS_PER_RUN at most; end the expired ones."""
        self._timer = None
        self._running = True
        try:
            await self._async_check(read, now)
        finally:
            self._running = False
            self._not_before = now + RUN_GAP
        self._save()
        self._schedule()

    async def _async_check(self, read: ReadDeliveries, now: datetime) -> None:
        due = sorted(
            (sms for sms in self._followed.values() if sms.due <= now), key=lambda sms: sms.due
        )[:CALLS_PER_RUN]
        answers = await read([sms.sms_id for sms in due])
        for sms in due:
            sms.checks += 1
            answer = answers.get(sms.sms_id)
            if isinstance(answer, DeliveryReport):
                sms.receiver = answer.receiver or sms.receiver
                self.report(answer)
            else:
                LOGGER.debug("Delivery of SMS %s not read: %s", sms.sms_id, answer)
            if sms.expires <= now and self._followed.get(sms.sms_id) is sms:
                self._expire(sms)

    def _expire(self, sms: FollowedSms) -> None:
        """End an SMS whose last read, at the end of its validity, gave no final state."""
        del self._followed[sms.sms_id]
        self._tell(
            sms.sms_id,
            sms.receiver,
            STATUS_EXPIRED,
            {
                "ptt": None,
                "delivery_receipt": None,
                "description": "no final report before the end of its validity",
                "delivered_at": None,
            },
        )

    @callback
    def _save(self) -> None:
        if not self._removed:  # a read that ends after the entry was deleted
            self.store.async_delay_save(self._stored, 1)

    def _stored(self) -> list[StoredSms]:
        return [
            {
                "sms_id": sms.sms_id,
                "start": sms.start.isoformat(),
                "expires": sms.expires.isoformat(),
                "checks": sms.checks,
                "receiver": sms.receiver,
            }
            for sms in self._followed.values()
        ]


TRACKERS: KeptKind[ConfigEntry, DeliveryTracker] = KeptKind(
    "trackers", DeliveryTracker, entry_id_of
)
# Give the entry's tracker, loading it the first time in this run of Home Assistant.
async_get_tracker = TRACKERS.async_get
# Stop following the entry's SMS and delete what it saved: it was deleted.
async_forget_deliveries = TRACKERS.async_forget
