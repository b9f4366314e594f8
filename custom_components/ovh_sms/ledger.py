"""What an account did, kept across reloads and restarts: credit, last SMS, hourly budget.

A reload replaces the entry's gateway and entities, while a send in flight
finishes on the old gateway: both write to the same ledger, so its answer still
reaches the new sensors. The ledger is saved with Home Assistant's Store, so a
restart neither forgets the credit nor resets the hourly safety limit.

The ledger follows the entry's accepted sends for as long as it is kept, loaded
or not. A deferred SMS OVH accepted is scheduled, not sent: it becomes the last
SMS, and its recipients' notify entities are told it went out, at its time
(after a restart, when the entry is set up again), and never once cancelled.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NotRequired, TypedDict

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .kept import KeptKind, kept_store
from .notices import Accepted, WentOut, recipients_among, signal_accepted, signal_went_out
from .ovhsms import SendResult, parse_credit

HOUR = timedelta(hours=1)
# Sends come in bursts: one write a second at most; Home Assistant writes what
# is pending when it stops.
SAVE_DELAY = 1

DATA_SETUP_SENDS: HassKey[dict[str, SendResult]] = HassKey(f"{DOMAIN}_setup_sends")


class StoredScheduledSms(TypedDict):
    """A scheduled SMS, as saved."""

    at: str
    recipients: list[str]
    sms_ids: list[str]


class StoredLedger(TypedDict):
    """The ledger as saved (scheduled: since 0.4)."""

    credits_left: str | None
    last_sent: str | None
    spent: list[tuple[str, int]]
    scheduled: NotRequired[list[StoredScheduledSms]]


@dataclass(slots=True)
class ScheduledSms:
    """A deferred SMS OVH accepted and holds until its time.

    recipients is empty when some of its ids were cancelled: which recipients
    still get it is then unknown.
    """

    at: datetime
    recipients: tuple[str, ...]
    sms_ids: list[str]


@dataclass(slots=True)
class Spent:
    """SMS parts counted in the hourly budget at a time (lowered when some were not sent)."""

    when: datetime
    count: int


class HourlyBudget:
    """The SMS parts (recipients x parts) spent in the past rolling hour."""

    def __init__(self, spent: list[Spent] | None = None) -> None:
        """Start from what was spent before."""
        self._spent: deque[Spent] = deque(spent or ())

    def as_list(self, now: datetime) -> list[Spent]:
        """List what still counts at this time, oldest first."""
        while self._spent and self._spent[0].when <= now - HOUR:
            self._spent.popleft()
        return list(self._spent)

    def available_at(self, count: int, limit: int, now: datetime) -> datetime:
        """When count more parts fit under the limit: now, or when enough is an hour old."""
        spent = self.as_list(now)
        used = sum(item.count for item in spent)
        for item in spent:
            if used + count <= limit:
                break
            used -= item.count
            now = item.when + HOUR
        return now

    def spend(self, count: int, now: datetime) -> Spent:
        """Count parts now."""
        spent = Spent(now, count)
        self._spent.append(spent)
        return spent


class AccountLedger:
    """The credit left, the last SMS and the hourly budget of one config entry."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is known until loaded."""
        self._hass = hass
        self._entry_id = entry_id
        self._store: Store[StoredLedger] = kept_store(hass, entry_id)
        self.credits_left: Decimal | None = None
        self.last_sent: datetime | None = None
        self.budget = HourlyBudget()
        self.scheduled: list[ScheduledSms] = []
        self._timer: CALLBACK_TYPE | None = None
        self._started = False
        self._listeners: list[Callable[[], None]] = []
        self._removed = False
        self._unfollow = async_dispatcher_connect(hass, signal_accepted(entry_id), self.record)

    async def async_load(self) -> None:
        """Read what was saved; a damaged value is left out rather than failing the setup."""
        stored = await self._store.async_load()
        if stored is None:
            return
        self.credits_left = parse_credit(stored.get("credits_left"))
        self.last_sent = dt_util.parse_datetime(stored.get("last_sent") or "")
        spent = []
        for when, count in stored.get("spent", []):
            if (time := dt_util.parse_datetime(when)) is not None:
                spent.append(Spent(time, int(count)))
        self.budget = HourlyBudget(spent)
        for item in stored.get("scheduled", []):
            if (at := dt_util.parse_datetime(item.get("at") or "")) is not None:
                self.scheduled.append(
                    ScheduledSms(at, tuple(item.get("recipients", ())), item.get("sms_ids", []))
                )

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener after each change; return the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def record(self, accepted: Accepted) -> None:
        """Keep what an accepted send answered; a deferred SMS is scheduled, not sent."""
        result = accepted.result
        if result.credits_left is not None:
            self.credits_left = result.credits_left
        now = dt_util.utcnow()
        if result.deferred is not None and result.deferred > now:
            self.scheduled.append(
                ScheduledSms(result.deferred, result.recipients, list(result.sms_ids))
            )
            self._arm()
        else:
            self._gone(now, accepted.subentry_ids, accepted.recorded_by)
        self._tell()

    @callback
    def cancel(self, sms_ids: list[str]) -> None:
        """Forget the scheduled SMS OVH cancelled: they never show as sent."""
        cancelled = set(sms_ids)
        for sms in self.scheduled:
            kept = [sms_id for sms_id in sms.sms_ids if sms_id not in cancelled]
            if len(kept) < len(sms.sms_ids) and len(sms.recipients) > 1:
                sms.recipients = ()  # which of them still get it is unknown
            sms.sms_ids = kept
        self.scheduled = [sms for sms in self.scheduled if sms.sms_ids]
        self._arm()
        self._tell()

    def next_scheduled(self, recipient: str | None = None) -> datetime | None:
        """Give the time of the next scheduled SMS (to this recipient, if given)."""
        return min(
            (sms.at for sms in self.scheduled if recipient is None or recipient in sms.recipients),
            default=None,
        )

    @callback
    def async_start(self) -> None:
        """Follow the scheduled SMS; one whose time passed goes now.

        Called once the entry's entities listen: after a restart or while the
        entry was unloaded, an SMS whose time passed meanwhile reaches them.
        """
        self._started = True
        self._arm()

    @callback
    def async_stop(self) -> None:
        """Stop following the scheduled SMS (the entry unloads); they are kept."""
        self._started = False
        self._arm()

    @callback
    def _arm(self) -> None:
        """Set the one timer to the next scheduled SMS, while started."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        if self._started and (at := self.next_scheduled()) is not None:
            self._timer = async_track_point_in_utc_time(self._hass, self._async_due, at)

    @callback
    def _async_due(self, now: datetime) -> None:
        """Record the scheduled SMS whose time came as sent."""
        self._timer = None
        entry = self._hass.config_entries.async_get_entry(self._entry_id)
        for sms in [sms for sms in self.scheduled if sms.at <= now]:
            self.scheduled.remove(sms)
            # The recipients whose number it was sent to, as the entry has them now.
            recipients = recipients_among(entry, sms.recipients) if entry else frozenset()
            self._gone(sms.at, recipients, None)
        self._arm()
        self._tell()

    @callback
    def _gone(self, when: datetime, recipients: frozenset[str], recorded_by: str | None) -> None:
        """Make an SMS that went out the last one; tell its recipients' notify entities."""
        self.last_sent = max(when, self.last_sent or when)
        async_dispatcher_send(
            self._hass, signal_went_out(self._entry_id), WentOut(recipients, recorded_by)
        )

    @callback
    def _tell(self) -> None:
        self._changed()
        for listener in list(self._listeners):
            listener()

    @callback
    def keep_credits(self, credits_left: Decimal) -> None:
        """Keep the credit read from OVH (the coordinator that read it shows it itself)."""
        self.credits_left = credits_left
        self._changed()

    @callback
    def spend(self, count: int) -> Spent:
        """Count parts in the hourly budget now."""
        spent = self.budget.spend(count, dt_util.utcnow())
        self._changed()
        return spent

    @callback
    def give_back(self, spent: Spent, count: int) -> None:
        """Uncount parts that were certainly not sent."""
        spent.count -= count
        self._changed()

    @callback
    def _changed(self) -> None:
        if not self._removed:  # a send that finishes after the entry was deleted
            self._store.async_delay_save(self._stored, SAVE_DELAY)

    def _stored(self) -> StoredLedger:
        return {
            "credits_left": str(self.credits_left) if self.credits_left is not None else None,
            "last_sent": self.last_sent.isoformat() if self.last_sent else None,
            "spent": [
                (item.when.isoformat(), item.count)
                for item in self.budget.as_list(dt_util.utcnow())
            ],
            "scheduled": [
                {
                    "at": sms.at.isoformat(),
                    "recipients": list(sms.recipients),
                    "sms_ids": sms.sms_ids,
                }
                for sms in self.scheduled
            ],
        }

    async def async_remove(self) -> None:
        """Forget the account: its entry was deleted."""
        self._removed = True
        self._unfollow()
        self.async_stop()
        await self._store.async_remove()


LEDGERS: KeptKind[str, AccountLedger] = KeptKind("ledgers", AccountLedger, str)
# Give the entry's ledger, loading it the first time in this run of Home Assistant.
async_get_ledger = LEDGERS.async_get
# Delete the entry's credit, last SMS and hourly budget: it was deleted.
async_forget_ledger = LEDGERS.async_forget


@callback
def async_remember_setup_send(hass: HomeAssistant, unique_id: str, result: SendResult) -> None:
    """Keep the config flow's test SMS for the entry it creates (its id is not known yet)."""
    hass.data.setdefault(DATA_SETUP_SENDS, {})[unique_id] = result


@callback
def async_pop_setup_send(hass: HomeAssistant, unique_id: str | None) -> SendResult | None:
    """Take the test SMS the config flow sent for this entry, if any."""
    return hass.data.get(DATA_SETUP_SENDS, {}).pop(unique_id or "", None)
