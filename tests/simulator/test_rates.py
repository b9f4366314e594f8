"""The simulator's GET /sms/rates/destinations: unsigned, the account's credit per part."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator import OvhSimulator

from .conftest import ALICE, Client, bad_request, send


async def test_rate_needs_no_keys_and_is_what_a_part_is_charged(
    api: Client, ovh: OvhSimulator
) -> None:
    """The rate is the credit the account charges per part, read without any key."""
    ovh.credit_per_segment = Decimal("1.5")

    answer = await api.call(
        "GET", "/sms/rates/destinations?country=be&billingCountry=fr", signed=False
    )

    assert answer.status == 200
    assert answer.body["credit"] == 1.5
    assert answer.body["vatRate"] == 20
    assert answer.body["price"]["currencyCode"] == "EUR"


async def test_a_country_with_its_own_credit_is_answered_and_charged_it(
    api: Client, ovh: OvhSimulator
) -> None:
    """Belgium at 2 credits a part, the rest at 1.5: each rate, and a job to both charges 3.5."""
    ovh.credit_per_segment = Decimal("1.5")
    ovh.country_credits = {"BE": ("32", Decimal(2))}
    credits_before = ovh.credits

    belgium = await api.call("GET", "/sms/rates/destinations?country=be", signed=False)
    france = await api.call("GET", "/sms/rates/destinations?country=fr", signed=False)
    await send(api, {"message": "Hi", "receivers": [ALICE, "+32470123456"], "sender": "HomeAlarm"})

    assert (belgium.body["credit"], france.body["credit"]) == (2, 1.5)
    assert credits_before - ovh.credits == Decimal("3.5")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "[country] Property is mandatory"),
        (
            "?country=france",
            "[country] Given data (france) is not valid for type sms.CountryEnum",
        ),
        (
            "?country=fr&billingCountry=FR1",
            "[billingCountry] Given data (FR1) is not valid for type sms.CountryEnum",
        ),
    ],
)
async def test_bad_rate_queries_are_refused(api: Client, query: str, message: str) -> None:
    """A missing or malformed country is a 400, as OVH refuses a value outside its enum."""
    answer = await api.call("GET", f"/sms/rates/destinations{query}", signed=False)

    assert (answer.status, answer.body) == (400, bad_request(message))
