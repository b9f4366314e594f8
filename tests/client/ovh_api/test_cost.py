"""Cost before sending: POST /sms/estimate and GET /sms/rates/destinations, as OVH receives them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
)

from custom_components.ovh_sms.ovhsms import (
    AccessDeniedError,
    DestinationRate,
    MessageEstimate,
    OvhApiClient,
    UnreadableAnswerError,
)

from .conftest import API, APPLICATION_KEY, calls, compact, refusal, signed, time_call

ESTIMATE = f"{API}/sms/estimate"
RATES = f"{API}/sms/rates/destinations?country=be&billingCountry=fr"


async def test_estimate_is_signed_and_read(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """The text, noStopClause and senderType go in a signed POST; OVH's answer is typed."""
    ovh.post(
        ESTIMATE,
        json={
            "characters": 19,
            "charactersClass": "7bits",
            "maxCharactersPerPart": 160,
            "parts": 1,
        },
    )

    estimate = await client.estimate("Leak in the kitchen", no_stop=True, sender_type="alpha")

    assert estimate == MessageEstimate(
        characters=19, characters_class="7bits", max_characters_per_part=160, parts=1
    )
    body = compact({"message": "Leak in the kitchen", "noStopClause": True, "senderType": "alpha"})
    assert calls(ovh) == [time_call(), signed("POST", ESTIMATE, body)]


async def test_estimate_without_the_right_names_it(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """A key without POST /sms/estimate gets the access error naming that right."""
    ovh.post(ESTIMATE, **refusal(403, errorCode="NOT_GRANTED_CALL", message="Not granted"))

    with pytest.raises(AccessDeniedError) as err:
        await client.estimate("Leak", no_stop=False, sender_type="shortcode")

    assert err.value.rule == "POST /sms/estimate"


async def test_destination_rate_is_unsigned(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """The rate is read without signature nor OVH's time: only the application key goes."""
    ovh.get(RATES, json={"credit": 1.6, "price": {"value": 0.1}, "vatRate": 20})

    rate = await client.destination_rate("BE", "FR")

    assert rate == DestinationRate(country="BE", credits_per_part=Decimal("1.6"))
    assert calls(ovh) == [("GET", RATES, None, {"X-Ovh-Application": APPLICATION_KEY})]


async def test_destination_rate_unreadable(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A credit that is not a number is an unreadable answer, not a rate of zero."""
    ovh.get(RATES, json={"credit": "n/a"})

    with pytest.raises(UnreadableAnswerError):
        await client.destination_rate("be", "fr")
