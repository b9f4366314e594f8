"""Phone numbers in the 00 international form OVH expects.

A raw "+" in a form body or query string decodes to a space, so OVH always gets
0033612345678, never +33612345678.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType

from .errors import InvalidRecipientError, NoRecipientsError

_ACCEPTED_TYPES = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


@cache
def load_metadata() -> None:
    """Import every region's numbering plan now; this blocks, so call it from a worker thread.

    phonenumbers imports a region's plan (a Python module) the first time it
    meets a number of that region; loading all of them (about 20 ms, 1.4 MB,
    once per process: later calls return at once) keeps those file reads out
    of an event loop.
    """
    for region in phonenumbers.SUPPORTED_REGIONS:
        PhoneMetadata.metadata_for_region(region)
    for country_code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        PhoneMetadata.metadata_for_nongeo_region(country_code)


def normalize_number(number: str, default_region: str | None = None) -> str:
    """Return the number as 00<country code><number>, or raise InvalidRecipientError.

    A national number (06 12 34 56 78) is read in default_region (an ISO 3166
    code such as "FR"); an international one (+33…, 0033…) needs none.
    """
    candidate = number.strip()
    if candidate.startswith("00"):
        candidate = "+" + candidate[2:]
    try:
        parsed = phonenumbers.parse(candidate, default_region)
    except phonenumbers.NumberParseException as err:
        raise InvalidRecipientError(number) from err
    if (
        not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in _ACCEPTED_TYPES
    ):
        raise InvalidRecipientError(number)
    return "00" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


def normalize_recipients(numbers: Iterable[str], default_region: str | None = None) -> list[str]:
    """Normalise every number, dropping duplicates (first one wins) so nobody gets it twice."""
    recipients = list(dict.fromkeys(normalize_number(n, default_region) for n in numbers))
    if not recipients:
        raise NoRecipientsError
    return recipients
