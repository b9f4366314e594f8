"""What readiness remembers across restarts: the credit spent each day and the last deliveries.

The credit is taken as the account's coordinator shows it (each read with API
keys, each send's answer in both modes): a drop is spending, a rise a top-up
(never negative spending). Each recipient's last final delivery states come
from the delivery tracker's signal. Both are saved in the entry's own store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .delivery import signal_delivery
from .kept import kept_store
from .ovhsms import parse_credit

# The spending the runway is computed from, and the least history it needs.
SPENDING_WINDOW: Final = 30
MIN_HISTORY_DAYS: Final = 7
# The final states that count as a failed delivery; how many in a row make a problem.
FAILED_STATES: Final = frozenset({"failed", "expired"})
DELIVERIES_KEPT: Final = 2
_SAVE_DELAY: Final = 1


class RunwayBasis(StrEnum):
    """What the runway rests on (the sensor's attribute)."""

    SPENDING = "spending"  # the mean daily spending of the window
    NOT_ENOUGH_HISTORY = "not_enough_history"  # fewer than MIN_HISTORY_DAYS days of credit
    NO_SPENDING = "no_spending"  # nothing spent in the window: the credit lasts
    NO_CREDIT_KNOWN = "no_credit_known"


@dataclass(frozen=True, slots=True)
class Runway:
    """Days of credit left at the mean daily spending, and what that rests on."""

    days: int | None
    basis: RunwayBasis


class StoredHistory(TypedDict):
    """The store's form: credit and days as text, deliveries by 00-form number."""

    credit: str | None
    since: str | None
    spent: dict[str, str]
    deliveries: dict[str, list[str]]


class ReadinessHistory:
    """The entry's credit by day and each recipient's last deliveries, saved."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is known until loaded."""
        self._store: Store[StoredHistory] = kept_store(hass, entry_id, "readiness")
        self._hass = hass
        self._entry_id = entry_id
        self.credit: Decimal | None = None
        self.since: date | None = None
        self.spent: dict[date, Decimal] = {}
        self.deliveries: dict[str, list[str]] = {}
        self._listeners: list[Callable[[], None]] = []

    async def async_load(self) -> None:
        """Read what was saved; a damaged value is left out."""
        stored = await self._store.async_load()
        if stored is None:
            return
        self.credit = parse_credit(stored.get("credit"))
        self.since = _day(stored.get("since"))
        for day, amount in stored.get("spent", {}).items():
            if (when := _day(day)) is not None and (value := parse_credit(amount)) is not None:
                self.spent[when] = value
        self.deliveries = {
            number: [str(state) for state in states][-DELIVERIES_KEPT:]
            for number, states in stored.get("deliveries", {}).items()
        }

    @callback
    def async_start(self, entry: ConfigEntry) -> None:
        """Follow the final delivery states until the entry unloads, then save at once."""
        entry.async_on_unload(
            async_dispatcher_connect(
                self._hass, signal_delivery(self._entry_id), self._async_delivered
            )
        )
        entry.async_on_unload(self._async_save)

    async def _async_save(self) -> None:
        await self._store.async_save(self._stored())

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call listener after each change; return the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def observe_credit(self, credit: Decimal | None) -> None:
        """Take the credit as shown now: a drop since the last one is today's spending."""
        if credit is None or credit == self.credit:
            return
        today = dt_util.now().date()
        if self.since is None:
            self.since = today
        if self.credit is not None and credit < self.credit:
            self.spent[today] = self.spent.get(today, Decimal(0)) + self.credit - credit
        self.credit = credit
        oldest = today - timedelta(days=SPENDING_WINDOW - 1)
        self.spent = {day: amount for day, amount in self.spent.items() if day >= oldest}
        self._changed()

    def runway(self) -> Runway:
        """Days of credit left at the last SPENDING_WINDOW days' mean daily spending."""
        if self.credit is None or self.since is None:
            return Runway(None, RunwayBasis.NO_CREDIT_KNOWN)
        today = dt_util.now().date()
        days = min(SPENDING_WINDOW, (today - self.since).days + 1)
        if days < MIN_HISTORY_DAYS:
            return Runway(None, RunwayBasis.NOT_ENOUGH_HISTORY)
        oldest = today - timedelta(days=days - 1)
        spent = sum((amount for day, amount in self.spent.items() if day >= oldest), Decimal(0))
        if spent <= 0:
            return Runway(None, RunwayBasis.NO_SPENDING)
        return Runway(int(max(self.credit, Decimal(0)) * days / spent), RunwayBasis.SPENDING)

    def failing(self, number: str) -> bool:
        """Tell whether the recipient's last DELIVERIES_KEPT SMS all failed."""
        states = self.deliveries.get(number, [])
        return len(states) == DELIVERIES_KEPT and all(state in FAILED_STATES for state in states)

    @callback
    def _async_delivered(self, receiver: str, status: str, sms_id: str) -> None:
        if not receiver:
            return
        states = self.deliveries.setdefault(receiver, [])
        states.append(status)
        del states[:-DELIVERIES_KEPT]
        self._changed()

    @callback
    def _changed(self) -> None:
        self._store.async_delay_save(self._stored, _SAVE_DELAY)
        for listener in list(self._listeners):
            listener()

    def _stored(self) -> StoredHistory:
        return {
            "credit": None if self.credit is None else str(self.credit),
            "since": None if self.since is None else self.since.isoformat(),
            "spent": {day.isoformat(): str(amount) for day, amount in self.spent.items()},
            "deliveries": self.deliveries,
        }

    async def async_remove(self) -> None:
        """Delete what was saved: the entry was deleted."""
        await self._store.async_remove()


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
