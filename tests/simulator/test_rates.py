"""The simulator's GET /sms/rates/destinations: unsigned, the account's credit per part."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator import OvhSimulator

from .conftest import Client, bad_request


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
