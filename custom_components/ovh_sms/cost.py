"""What an SMS costs before and beside its send: its parts, its coding, its credits per recipient.

The parts and the coding are the client's own count (ovhsms/message.py, the
one OVH's estimate agrees with). The credits are the parts times OVH's rate
towards each recipient's country (GET /sms/rates/destinations, unsigned, so
both ways in can read it), kept in one Store for every account and read again
once RATE_MAX_AGE old. At setup, the rates of the recipients' countries and
of the home's are read in the background, so that a send finds them. A send
never waits for a rate: its estimate takes the rates kept (a country never
read gives null credits) and reads a missing or old one in the background for
the next send; a read that failed is tried again after RATE_RETRY_AFTER, no
sooner. A dry run (ovh_sms.send_sms with dry_run) reads the rates it lacks
first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER
from .kept import kept_store
from .ovhsms import OvhSmsError, Sms, SmsCoding, country_of

# OVH's rates change a few times a year at most.
RATE_MAX_AGE: Final = timedelta(days=30)
# A country OVH does not price, or OVH out of reach: read again this much later at the soonest.
RATE_RETRY_AFTER: Final = timedelta(hours=6)
# The countries whose OVHcloud company sells SMS (the others' accounts are billed by France's).
BILLING_COUNTRIES: Final = frozenset({"FR", "GB", "IE", "ES", "IT", "PL"})
DEFAULT_BILLING_COUNTRY: Final = "FR"
_CODINGS: Final = {SmsCoding.GSM7: "gsm7", SmsCoding.UCS2: "ucs2"}

DATA_RATES: HassKey[RateBook] = HassKey(f"{DOMAIN}_rates")

# Reads the credits one SMS part costs towards a country, billed by another (ISO codes).
type RateReader = Callable[[str, str], Awaitable[Decimal]]


class StoredRate(TypedDict):
    """A rate as saved."""

    credits: str
    read_at: str


@dataclass(frozen=True, slots=True)
class RecipientCost:
    """What the SMS costs for one recipient; credits None when the country's rate is unknown."""

    number: str
    country: str | None
    parts: int
    credits: Decimal | None


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """What an SMS costs: its coding and parts, and its credits for each recipient."""

    coding: str
    parts: int
    recipients: tuple[RecipientCost, ...]

    def credits_for(self, numbers: tuple[str, ...] | None = None) -> Decimal | None:
        """Total the credits for these recipients (all when None); None if any is unknown."""
        total = Decimal(0)
        for cost in self.recipients:
            if numbers is not None and cost.number not in numbers:
                continue
            if cost.credits is None:
                return None
            total += cost.credits
        return total

    def charge_for(self, numbers: tuple[str, ...] | None = None) -> Decimal:
        """Give the credits, or where a rate is unknown one credit a part (OVH's French price)."""
        if (known := self.credits_for(numbers)) is not None:
            return known
        return Decimal(
            sum(cost.parts for cost in self.recipients if numbers is None or cost.number in numbers)
        )

    def as_dict(self) -> dict[str, Any]:
        """Give the estimate as an action's response carries it."""
        total = self.credits_for()
        return {
            "coding": self.coding,
            "parts": self.parts,
            "credits": None if total is None else float(total),
            "recipients": [
                {
                    "number": cost.number,
                    "country": cost.country,
                    "parts": cost.parts,
                    "credits": None if cost.credits is None else float(cost.credits),
                }
                for cost in self.recipients
            ],
        }


def billing_country(hass: HomeAssistant) -> str:
    """Give the country whose OVHcloud company likely bills the account: the home's, or France."""
    country = (hass.config.country or "").upper()
    return country if country in BILLING_COUNTRIES else DEFAULT_BILLING_COUNTRY


class RateBook:
    """The rates read from OVH, by destination and billing country, saved for every account."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is known until loaded."""
        self._hass = hass
        self._store: Store[dict[str, StoredRate]] = kept_store(hass, "rates")
        self._rates: dict[str, tuple[Decimal, datetime]] = {}
        self._reading: dict[str, asyncio.Task[None]] = {}
        self._failed_at: dict[str, datetime] = {}

    async def async_load(self) -> None:
        """Read the rates saved; a damaged one is left out."""
        for key, stored in (await self._store.async_load() or {}).items():
            read_at = dt_util.parse_datetime(stored.get("read_at") or "")
            try:
                rate = Decimal(stored["credits"])
            except KeyError, ArithmeticError:
                continue
            if read_at is not None and rate.is_finite():
                self._rates[key] = (rate, read_at)

    def rate(self, country: str, billing: str) -> Decimal | None:
        """Give the rate kept, however old."""
        kept = self._rates.get(f"{country}/{billing}")
        return None if kept is None else kept[0]

    def fresh(self, country: str, billing: str) -> bool:
        """Tell whether the rate is kept and younger than RATE_MAX_AGE."""
        kept = self._rates.get(f"{country}/{billing}")
        return kept is not None and dt_util.utcnow() - kept[1] < RATE_MAX_AGE

    def due(self, country: str, billing: str) -> bool:
        """Tell whether a read in the background is due: not fresh, no failure lately."""
        failed_at = self._failed_at.get(f"{country}/{billing}")
        recently_failed = failed_at is not None and dt_util.utcnow() - failed_at < RATE_RETRY_AFTER
        return not self.fresh(country, billing) and not recently_failed

    async def async_read(self, country: str, billing: str, read: RateReader) -> None:
        """Read one rate from OVH unless fresh, and keep it; a failure keeps what was kept.

        Reads of one rate at once share one request.
        """
        key = f"{country}/{billing}"
        if self.fresh(country, billing):
            return  # read meanwhile
        if (reading := self._reading.get(key)) is None:
            reading = self._hass.async_create_background_task(
                self._async_read(key, country, billing, read), f"{DOMAIN} rate {key}"
            )
            if not reading.done():  # started eagerly: it may be over already
                self._reading[key] = reading
        await asyncio.shield(reading)

    async def _async_read(self, key: str, country: str, billing: str, read: RateReader) -> None:
        try:
            self._rates[key] = (await read(country, billing), dt_util.utcnow())
        except OvhSmsError as err:
            LOGGER.debug("The rate of an SMS to %s could not be read: %s", country, err)
            self._failed_at[key] = dt_util.utcnow()
            return
        finally:
            self._reading.pop(key, None)
        self._failed_at.pop(key, None)
        self._store.async_delay_save(self._stored, 1)

    def _stored(self) -> dict[str, StoredRate]:
        return {
            key: {"credits": str(rate), "read_at": read_at.isoformat()}
            for key, (rate, read_at) in self._rates.items()
        }


async def async_get_rate_book(hass: HomeAssistant) -> RateBook:
    """Give the rates kept, loaded the first time in this run of Home Assistant."""
    if (book := hass.data.get(DATA_RATES)) is None:
        loaded = RateBook(hass)
        await loaded.async_load()
        book = hass.data.setdefault(DATA_RATES, loaded)
    return book


class SmsCosts:
    """Estimates an entry's SMS from the rates kept, reading them through its account."""

    def __init__(self, hass: HomeAssistant, book: RateBook, read: RateReader) -> None:
        """Estimate with this book; read a rate with read."""
        self._hass = hass
        self._book = book
        self._read = read

    def estimate(self, sms: Sms) -> CostEstimate:
        """Estimate from the rates kept, never waiting; an old rate is read again meanwhile."""
        return self._estimate(sms, self._kept_costs(sms.recipients, sms.segments))

    async def async_estimate(self, sms: Sms) -> CostEstimate:
        """Estimate after reading the rates missing or old (a dry run: it may wait)."""
        billing = billing_country(self._hass)
        countries = {country for number in sms.recipients if (country := country_of(number))}
        await asyncio.gather(
            *(
                self._book.async_read(country, billing, self._read)
                for country in countries
                if not self._book.fresh(country, billing)
            )
        )
        return self._estimate(sms, self._costs(sms.recipients, sms.segments, billing))

    def async_read_ahead(self, numbers: Iterable[str]) -> None:
        """Read in the background the rates of these numbers' countries and the home's."""
        countries = {country_of(number) for number in numbers}
        self._read_in_background({*countries, (self._hass.config.country or "").upper()})

    def _kept_costs(self, numbers: Sequence[str], parts: int) -> tuple[RecipientCost, ...]:
        """Cost by the rates kept; one missing or kept too long is read in the background."""
        costs = self._costs(numbers, parts, billing_country(self._hass))
        self._read_in_background({cost.country for cost in costs})
        return costs

    def _read_in_background(self, countries: set[str | None]) -> None:
        """Read the rates due of these countries for the next SMS; nobody waits for them."""
        billing = billing_country(self._hass)
        for country in countries:
            if country and self._book.due(country, billing):
                self._hass.async_create_background_task(
                    self._book.async_read(country, billing, self._read), f"{DOMAIN} rate"
                )

    def _costs(self, numbers: Sequence[str], parts: int, billing: str) -> tuple[RecipientCost, ...]:
        costs = []
        for number in numbers:
            country = country_of(number)
            rate = None if country is None else self._book.rate(country, billing)
            costs.append(
                RecipientCost(number, country, parts, None if rate is None else rate * parts)
            )
        return tuple(costs)

    @staticmethod
    def _estimate(sms: Sms, costs: tuple[RecipientCost, ...]) -> CostEstimate:
        return CostEstimate(_CODINGS[sms.message.coding], sms.segments, costs)
