"""A dry run against the simulator estimates what the real send is then charged."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.ovh_sms.const import EVENT_SMS_SENT
from custom_components.ovh_sms.ovhsms import ApiKeys, MessageEstimate, OvhApiClient
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from simulator import DEFAULT_APPLICATION_KEY, DEFAULT_APPLICATION_SECRET, AccessRule
from tests.conftest import ALICE, BOB, LoopbackSimulator, send_sms

from .conftest import api_entry_on, set_up_api_entry_at


@pytest.fixture
def known_rates() -> None:
    """Start with no rate kept: the simulator's are read at setup."""


BELGIAN = "0032470123456"
# Two UCS-2 parts (71 units, the STOP mention not counted: noStop).
MESSAGE = "Fuite d'eau à la cave, vanne fermée ? Répondez vite, c'est sérieux ! ê" + "x" * 2


@pytest.mark.usefixtures("freezer")
async def test_the_dry_run_costs_what_the_send_is_charged(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """2 parts to 2 in France (1.5 a part) and 1 in Belgium (2): the dry run says 10, sends nothing.

    France's rate is read at setup, Belgium's by the dry run; OVH then charges 10.
    """
    simulator.ovh.credit_per_segment = Decimal("1.5")
    simulator.ovh.country_credits = {"BE": ("32", Decimal(2))}
    await set_up_api_entry_at(hass, api_entry_on(simulator))
    credits_before = simulator.ovh.credits
    recipients = [ALICE, BOB, BELGIAN]

    dry = await send_sms(hass, recipients=recipients, message=MESSAGE, dry_run=True)
    assert simulator.ovh.sent == []
    assert simulator.ovh.credits == credits_before
    events = async_capture_events(hass, EVENT_SMS_SENT)
    sent = await send_sms(hass, recipients=recipients, message=MESSAGE)

    assert (dry["estimate"]["coding"], dry["estimate"]["parts"], dry["estimate"]["credits"]) == (
        "ucs2",
        2,
        10.0,
    )
    assert [(r["country"], r["parts"], r["credits"]) for r in dry["estimate"]["recipients"]] == [
        ("FR", 2, 3.0),
        ("FR", 2, 3.0),
        ("BE", 2, 4.0),
    ]
    assert credits_before - simulator.ovh.credits == Decimal(10)
    assert (sent["credits_removed"], sent["credits_estimated"]) == (10.0, 10.0)
    assert [(e.data["credits_removed"], e.data["credits_estimated"]) for e in events] == [
        (10.0, 10.0)
    ]


@pytest.mark.usefixtures("freezer")
async def test_ovhs_estimate_agrees_with_the_parts_counted(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """POST /sms/estimate (the client's estimate) gives the parts and coding the dry run counts."""
    key = simulator.ovh.api.add_credential(
        DEFAULT_APPLICATION_KEY, [AccessRule("POST", "/sms/estimate")]
    )
    simulator.ovh.api.validate(key.consumer_key)
    await set_up_api_entry_at(hass, api_entry_on(simulator))
    client = OvhApiClient(
        async_get_clientsession(hass),
        ApiKeys(DEFAULT_APPLICATION_KEY, DEFAULT_APPLICATION_SECRET, key.consumer_key),
        endpoint=api_entry_on(simulator).data["endpoint"],
    )
    dry = await send_sms(hass, recipients=[ALICE], message=MESSAGE, dry_run=True)

    estimate = await client.estimate(MESSAGE, no_stop=True, sender_type="shortcode")

    assert isinstance(estimate, MessageEstimate)
    assert (estimate.parts, estimate.characters_class) == (dry["estimate"]["parts"], "unicode")
