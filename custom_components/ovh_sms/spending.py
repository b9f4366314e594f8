"""The credits an account spent this calendar month, and the monthly budget ordinary SMS respect.

What a send spent is what OVH charged for it (the API's totalCreditsRemoved);
when OVH does not tell it (http2sms), the estimate (cost.py); when that is
unknown too, one credit a part (OVH's price in France). It is counted per
calendar month in Home Assistant's time zone, saved with Store so a restart
forgets nothing, and back to zero when the month turns.

The budget (option, section spending, 0 = none) refuses an ordinary SMS once
what it would cost no longer fits, before any request. An alarm's SMS
(ovh_sms.send_alarm) and an SMS marked critical always go, and count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, TypedDict

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_point_in_time
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import CONF_MONTHLY_BUDGET, CONF_SPENDING, DOMAIN, entry_options
from .kept import KeptKind, kept_store

SAVE_DELAY: Final = 1

# The options form's section (collapsed): the budget in credits a month, 0 = none.
SPENDING_SECTION: Final[Mapping[vol.Marker, Any]] = {
    vol.Optional(CONF_SPENDING): section(
        vol.Schema(
            {
                vol.Required(CONF_MONTHLY_BUDGET, default=0): NumberSelector(
                    NumberSelectorConfig(min=0, step=0.01, mode=NumberSelectorMode.BOX)
                )
            }
        ),
        {"collapsed": True},
    )
}


class StoredSpending(TypedDict):
    """The month's spending as saved: the month (YYYY-MM) and its credits."""

    month: str
    credits: str


def _month(moment: datetime) -> str:
    return dt_util.as_local(moment).strftime("%Y-%m")


def _next_month(moment: datetime) -> datetime:
    """Give the first instant of the month after this one, in Home Assistant's time zone."""
    local = dt_util.as_local(moment)
    year, month = divmod(local.year * 12 + local.month, 12)
    return datetime(year, month + 1, 1, tzinfo=dt_util.get_default_time_zone())


def monthly_budget(entry: ConfigEntry) -> Decimal | None:
    """Give the entry's monthly budget in credits; None when it has none."""
    budget = Decimal(str(entry_options(entry)[CONF_SPENDING][CONF_MONTHLY_BUDGET]))
    return budget if budget > 0 else None


class MonthlySpending:
    """The credits one entry's sends cost this month, kept across reloads and restarts."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing spent until loaded."""
        self._hass = hass
        self._store: Store[StoredSpending] = kept_store(hass, "spending", entry_id)
        self._month = _month(dt_util.utcnow())
        self._credits = Decimal(0)
        self._listeners: list[Callable[[], None]] = []
        self._timer: CALLBACK_TYPE | None = None
        self._removed = False

    async def async_load(self) -> None:
        """Read what was saved; a damaged value counts as nothing spent."""
        if (stored := await self._store.async_load()) is None:
            return
        try:
            spent = Decimal(stored["credits"])
        except KeyError, ArithmeticError:
            return
        if spent.is_finite():
            self._month, self._credits = stored.get("month", ""), spent

    @property
    def credits(self) -> Decimal:
        """The credits spent this month (none once the month turned)."""
        return self._credits if self._month == _month(dt_util.utcnow()) else Decimal(0)

    @callback
    def add(self, cost: Decimal) -> None:
        """Count what a send cost this month."""
        now = dt_util.utcnow()
        self._credits = self.credits + cost
        self._month = _month(now)
        if not self._removed:
            self._store.async_delay_save(self._stored, SAVE_DELAY)
        self._tell()

    def check(self, entry: ConfigEntry, cost: Decimal) -> None:
        """Refuse an ordinary SMS that the month's budget no longer has room for."""
        if (budget := monthly_budget(entry)) is None:
            return
        spent = self.credits
        if spent >= budget or spent + cost > budget:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="monthly_budget_spent",
                translation_placeholders={
                    "budget": _shown(budget),
                    "spent": _shown(spent),
                    "cost": _shown(cost),
                },
            )

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener after each change, and when the month turns; return its remover."""
        self._listeners.append(listener)
        if self._timer is None:
            self._arm()

        def remove() -> None:
            self._listeners.remove(listener)
            if not self._listeners and self._timer is not None:
                self._timer()
                self._timer = None

        return remove

    @callback
    def _arm(self) -> None:
        self._timer = async_track_point_in_time(
            self._hass, self._async_month_turned, _next_month(dt_util.utcnow())
        )

    @callback
    def _async_month_turned(self, _: datetime) -> None:
        self._arm()
        self._tell()

    @callback
    def _tell(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _stored(self) -> StoredSpending:
        return {"month": self._month, "credits": str(self._credits)}

    async def async_remove(self) -> None:
        """Forget the entry's spending: it was deleted."""
        self._removed = True
        await self._store.async_remove()


def _shown(amount: Decimal) -> str:
    """Write credits without trailing zeros: 12, 12.5."""
    return f"{amount.normalize():f}"


SPENDINGS: KeptKind[str, MonthlySpending] = KeptKind("spending", MonthlySpending, str)
# Give the entry's spending, loaded the first time in this run of Home Assistant.
async_get_spending = SPENDINGS.async_get
# Delete the entry's spending: it was deleted.
async_forget_spending = SPENDINGS.async_forget
