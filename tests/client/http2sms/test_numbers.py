"""Recipients: every written form of a number becomes the 00 form OVH takes, or is refused."""

from __future__ import annotations

import contextlib
import sys

from hypothesis import given, strategies as st
import pytest

from custom_components.ovh_sms.ovhsms import (
    InvalidRecipientError,
    MultipleNumbersError,
    NationalNumberWithoutCountryError,
    NoRecipientsError,
    country_of,
    load_metadata,
    normalize_number,
)
from tests.conftest import ALICE

from .conftest import sms


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+33 6 12 34 56 78", "0033612345678"),
        ("0033612345678", "0033612345678"),
        ("06 12 34 56 78", "0033612345678"),
        ("06.12.34.56.78", "0033612345678"),
        ("01 23 45 67 89", "0033123456789"),
        ("+44 7911 123456", "00447911123456"),
        ("+262 692 12 34 56", "00262692123456"),
        ("+1 415 555 2671", "0014155552671"),
    ],
)
def test_numbers_in_00_form(number: str, expected: str) -> None:
    """Every accepted form becomes 00 + country code + number."""
    assert normalize_number(number, "FR") == expected


@pytest.mark.parametrize(
    "number",
    ["", "123", "hello", "+33 6 12", "08 92 68 01 23", "09 70 12 34 56", "06 12 34 56 78 90"],
)
def test_invalid_numbers_are_named(number: str) -> None:
    """Junk, short, premium-rate and VoIP numbers are refused, naming the entry."""
    with pytest.raises(InvalidRecipientError) as err:
        normalize_number(number, "FR")
    assert err.value.recipient == number


def test_national_number_needs_a_region() -> None:
    """Without a country a national number cannot be read, and the error says why."""
    with pytest.raises(NationalNumberWithoutCountryError) as err:
        normalize_number("06 12 34 56 78", None)
    assert err.value.recipient == "06 12 34 56 78"
    assert normalize_number("+33 6 12 34 56 78", None) == ALICE
    assert normalize_number("0033 6 12 34 56 78", None) == ALICE


@pytest.mark.parametrize("region", ["FR", "RE", "GP", "MQ", "GF", "YT"])
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("0692 12 34 56", "00262692123456"),  # Réunion
        ("0693 12 34 56", "00262693123456"),  # Réunion
        ("0639 40 12 34", "00262639401234"),  # Mayotte
        ("0690 12 34 56", "00590690123456"),  # Guadeloupe, St Martin, St Barthélemy
        ("0691 22 34 56", "00590691223456"),  # Guadeloupe
        ("0696 12 34 56", "00596696123456"),  # Martinique
        ("0697 12 34 56", "00596697123456"),  # Martinique
        ("0694 12 34 56", "00594694123456"),  # Guyane
        ("06 12 34 56 78", ALICE),  # mainland France
        ("0262 12 34 56", "00262262123456"),  # a Réunion landline
    ],
)
def test_french_overseas_numbers_in_national_form(region: str, number: str, expected: str) -> None:
    """Numbers of France's plan are read as dialled from anywhere in it, with their own code."""
    assert normalize_number(number, region) == expected


def test_other_countries_keep_their_own_plan() -> None:
    """Outside France's plan a national number is only read in the country set."""
    with pytest.raises(InvalidRecipientError):
        normalize_number("0692 12 34 56", "BE")
    assert normalize_number("0470 12 34 56", "BE") == "0032470123456"


@pytest.mark.parametrize(
    "field",
    [
        "0612345678;0698765432",
        "0612345678,0698765432",
        "0612345678 0698765432",
        "06 12 34 56 78, 06 98 76 54 32",
        "0612345678/0698765432",
        "0612345678 et 0698765432",
        "0612345678\n0698765432",
        "+33612345678;+33698765432",
    ],
)
@pytest.mark.parametrize("region", ["FR", None])
def test_one_field_holds_one_number(field: str, region: str | None) -> None:
    """A field with two numbers is refused whole, never sent to the first one only."""
    if region is None:
        field = field.replace("06", "+336")
    with pytest.raises(MultipleNumbersError) as err:
        normalize_number(field, region)
    assert err.value.recipient == field


def test_an_extension_is_not_a_phone() -> None:
    """An SMS cannot reach an extension: such a number is refused, not cut."""
    with pytest.raises(InvalidRecipientError):
        normalize_number("+33 6 12 34 56 78 ext 12", "FR")


def test_duplicates_and_empty_recipients() -> None:
    """The same phone written twice gets one SMS; no recipient is refused."""
    assert sms(recipients=["+33612345678", "06 12 34 56 78"], default_region="FR").recipients == (
        ALICE,
    )
    with pytest.raises(NoRecipientsError):
        sms(recipients=[])


# Metropolitan French mobile ranges (0639 is Mayotte's, under +262).
_FRENCH_MOBILE = st.from_regex(r"(6[12]|7[5-8])[0-9]{7}", fullmatch=True)


@given(_FRENCH_MOBILE, st.sampled_from(["", " ", "."]))
def test_french_mobiles_property(digits: str, sep: str) -> None:
    """Every French mobile, in national, +33 or 0033 form, gives the same 00 number."""
    national = "0" + sep.join([digits[0]] + [digits[i : i + 2] for i in range(1, 9, 2)])
    for written in (national, "+33" + national[1:], "0033" + national[1:]):
        assert normalize_number(written, "FR") == "0033" + digits


def test_load_metadata_imports_every_numbering_plan() -> None:
    """After load_metadata, no number of any region imports a plan (a file read) any more."""
    load_metadata()
    modules = set(sys.modules)
    for number in ("+49 151 23456789", "+1 202 555 0143", "+81 90 1234 5678", "+800 1234 5678"):
        with contextlib.suppress(InvalidRecipientError):
            normalize_number(number)
    assert {"phonenumbers.data.region_DE", "phonenumbers.data.region_800"} <= modules
    assert set(sys.modules) == modules


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("0033612345678", "FR"),
        ("0032470123456", "BE"),
        ("0014155552671", "US"),
        ("0016135550123", "CA"),
        ("00262692123456", "RE"),
        ("00447700900123", "GB"),  # no plan of +44 knows it: the code's main country
        ("00882123456", None),  # international networks: no country
        ("00999123456", None),  # no country calling code 9, 99 or 999
    ],
)
def test_country_of_a_number(number: str, country: str | None) -> None:
    """The country a number's rate is asked for, from its calling code and numbering plan."""
    assert country_of(number) == country
