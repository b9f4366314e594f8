"""GET /sms/rates/destinations: what one SMS part costs towards a country, unsigned.

The credit is what the simulated account charges a part to that country
(SimulatedAccount.credit_to_country: credit_per_segment, or the country's own
in country_credits). Assumption: the price is that credit at OVH's French
price of a credit (0.07 euros excluding VAT, a public catalogue price that
may change).
country is required and must be a two-letter code; billingCountry, when
given, too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
import re
from typing import Final

from .wire import api_error, number

RATES_PATH: Final = "/sms/rates/destinations"
_COUNTRY: Final = re.compile(r"[a-z]{2}")
_EUROS_PER_CREDIT: Final = Decimal("0.07")
_VAT_RATE: Final = 20


def destination_rate(
    query: Mapping[str, str], credit_to: Callable[[str], Decimal]
) -> dict[str, object]:
    """Answer the rate of one SMS part towards the queried country (credit_to gives it)."""
    country = query.get("country")
    if country is None:
        raise api_error(400, "[country] Property is mandatory")
    for name in ("country", "billingCountry"):
        if name in query and not _COUNTRY.fullmatch(query[name]):
            raise api_error(
                400, f"[{name}] Given data ({query[name]}) is not valid for type sms.CountryEnum"
            )
    credit_per_part = credit_to(country)
    price = credit_per_part * _EUROS_PER_CREDIT
    return {
        "credit": number(credit_per_part),
        "price": {"currencyCode": "EUR", "value": number(price), "text": f"{price:.2f} €"},
        "vatRate": _VAT_RATE,
    }
