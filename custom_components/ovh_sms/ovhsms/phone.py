"""Phone numbers in the 00 international form OVH expects.

A raw "+" in a form body or query string decodes to a space, so OVH always gets
0033612345678, never +33612345678.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import cache, lru_cache
from typing import Final

import phonenumbers
from phonenumbers import Leniency, PhoneMetadata, PhoneNumberFormat, PhoneNumberType

from .errors import (
    InvalidRecipientError,
    MultipleNumbersError,
    NationalNumberWithoutCountryError,
    NoRecipientsError,
)

# Regions that share France's ten-digit national plan, mainland first: from any
# of them, 06 12 34 56 78 is a mainland mobile and 0692 12 34 56 one of Réunion.
# A country calling code has 1 to 3 digits.
MAX_CALLING_CODE_LENGTH: Final = 3
FRENCH_PLAN: Final = ("FR", "RE", "YT", "GP", "BL", "MF", "MQ", "GF", "PM")

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
    """Return the number as 00<country code><number>, or raise a validation error.

    A national number (06 12 34 56 78) is read in default_region (an ISO 3166
    code such as "FR"); an international one (+33…, 0033…) needs none. The
    regions of France's national plan read each other's numbers as they are
    dialled there: 0692… from mainland France is Réunion's +262 692….
    A field that holds several numbers is refused, never cut to the first.
    """
    candidate = number.strip()
    if candidate.startswith("00"):
        candidate = "+" + candidate[2:]
    international = candidate.startswith("+")
    if default_region is None and not international and any(map(str.isdigit, candidate)):
        raise NationalNumberWithoutCountryError(number)
    regions = [default_region]
    if default_region in FRENCH_PLAN and not international:
        regions += [region for region in FRENCH_PLAN if region != default_region]
    for region in regions:
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException as err:
            _refuse_several(number, candidate, region)
            raise InvalidRecipientError(number) from err
        if parsed.extension:
            _refuse_several(number, candidate, region)
            raise InvalidRecipientError(number)
        if (
            phonenumbers.is_valid_number(parsed)
            and phonenumbers.number_type(parsed) in _ACCEPTED_TYPES
        ):
            return "00" + phonenumbers.format_number(parsed, PhoneNumberFormat.E164)[1:]
    raise InvalidRecipientError(number)


def _refuse_several(number: str, candidate: str, region: str | None) -> None:
    """Raise MultipleNumbersError if the text holds more than one phone number."""
    matches = phonenumbers.PhoneNumberMatcher(candidate, region, leniency=Leniency.POSSIBLE)
    if sum(1 for _ in matches) > 1:
        raise MultipleNumbersError(number)


def normalize_recipients(
    numbers: Iterable[str],
    default_region: str | None = None,
    normalized: Collection[str] = frozenset(),
) -> list[str]:
    """Normalise every number, dropping duplicates (first one wins) so nobody gets it twice.

    The numbers in normalized are already in the 00 form (saved recipients,
    normalised when saved): they are taken as they are, not parsed again.
    """
    recipients = list(
        dict.fromkeys(
            number if number in normalized else normalize_number(number, default_region)
            for number in numbers
        )
    )
    if not recipients:
        raise NoRecipientsError
    return recipients


@lru_cache(maxsize=4096)  # bounded: a runaway automation may text many numbers
def country_of(number: str) -> str | None:
    """Give the ISO 3166 country of a number in the 00 form; None when no country has it.

    Read from the country calling code (they are prefix-free) and, where several
    countries share one (+1, +7, +44, +262, +590), from the numbering plans;
    the number is not parsed again. A non-geographic code (+800, +882) has none.
    """
    digits = number.removeprefix("00")
    for length in range(1, MAX_CALLING_CODE_LENGTH + 1):
        prefix, national = digits[:length], digits[length:]
        if not prefix.isdigit() or int(prefix) not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            continue
        parsed = phonenumbers.PhoneNumber(
            country_code=int(prefix), national_number=int(national) if national.isdigit() else 0
        )
        # A number no plan knows belongs to the code's main country (GB for +44).
        region = phonenumbers.region_code_for_number(
            parsed
        ) or phonenumbers.region_code_for_country_code(int(prefix))
        return region if region.isalpha() and region != phonenumbers.UNKNOWN_REGION else None
    return None
