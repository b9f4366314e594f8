"""What the cost parts keep: rates and the month's spending saved, and who hears of a change."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any
from unittest.mock import Mock

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.ovh_sms.const import DOMAIN, EVENT_SMS_SENT
from custom_components.ovh_sms.cost import CostEstimate, RecipientCost
from homeassistant.core import HomeAssistant
from tests.conftest import ALICE, BOB, ENDPOINT, send_sms, state_of

from .conftest import BELGIAN, RATES_BE, RATES_FR, SPENT, requests, set_up


async def test_rates_saved_serve_from_the_start(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A send after a restart has the rates read before it; a damaged one is left out."""
    freezer.move_to("2026-12-15T12:00:00+00:00")
    hass_storage[f"{DOMAIN}.rates"] = {
        "version": 1,
        "data": {
            "FR/FR": {"credits": "1", "read_at": "2026-12-10T12:00:00+00:00"},
            "BE/FR": {"credits": "lots", "read_at": "2026-12-10T12:00:00+00:00"},
        },
    }
    await set_up(hass, mock_config_entry)
    events = async_capture_events(hass, EVENT_SMS_SENT)

    await send_sms(hass, recipients=[ALICE], message="Hi")
    await send_sms(hass, recipients=[BELGIAN], message="Hi")
    await hass.async_block_till_done(wait_background_tasks=True)

    assert [event.data["credits_estimated"] for event in events] == [1.0, None]
    assert requests(ovh) == [("POST", ENDPOINT), ("GET", RATES_BE), ("POST", ENDPOINT)]


async def test_dry_runs_at_once_read_a_rate_once(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Two dry runs waiting for the same country share one read."""
    answer = asyncio.Event()

    async def slow_rate(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        await answer.wait()
        return AiohttpClientMockResponse(method, url, json={"credit": 1})

    aioclient_mock.get(RATES_FR, side_effect=slow_rate)
    await set_up(hass, mock_config_entry)

    both = asyncio.gather(
        send_sms(hass, recipients=[ALICE], message="Hi", dry_run=True),
        send_sms(hass, recipients=[BOB], message="Hi", dry_run=True),
    )
    for _ in range(50):  # both wait for the read in flight
        await asyncio.sleep(0)
    answer.set()

    assert [r["estimate"]["credits"] for r in await both] == [1.0, 1.0]
    assert requests(aioclient_mock) == [("GET", RATES_FR)]


def test_what_the_recipients_ovh_accepted_cost() -> None:
    """A partial send costs its accepted recipients: by rate, else a credit a part."""
    estimate = CostEstimate(
        "gsm7",
        2,
        (RecipientCost(ALICE, "FR", 2, Decimal(2)), RecipientCost(BOB, "FR", 2, None)),
    )

    assert (estimate.credits_for((ALICE,)), estimate.charge_for((ALICE,))) == (2, 2)
    assert (estimate.credits_for(), estimate.charge_for()) == (None, 4)


@pytest.mark.usefixtures("ovh")
@pytest.mark.parametrize("saved", ["many", "NaN"])
async def test_damaged_spending_counts_for_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    saved: str,
) -> None:
    """A spending saved damaged is no credit spent, not a failed setup."""
    freezer.move_to("2026-12-15T12:00:00+00:00")
    hass_storage[f"{DOMAIN}.spending.{mock_config_entry.entry_id}"] = {
        "version": 1,
        "data": {"month": "2026-12", "credits": saved},
    }

    await set_up(hass, mock_config_entry)

    assert state_of(hass, SPENT) == "0"


async def test_listeners_hear_the_month_turn_until_removed(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each listener hears the turn of the month; none is called once all are removed."""
    await hass.config.async_set_time_zone("UTC")
    freezer.move_to("2026-12-31T12:00:00+00:00")
    await set_up(hass, mock_config_entry)
    spending = mock_config_entry.runtime_data.gateway.spending
    first, second = Mock(), Mock()
    remove_first = spending.async_add_listener(first)
    remove_second = spending.async_add_listener(second)
    remove_first()

    freezer.move_to("2027-01-01T00:00:00+00:00")
    async_fire_time_changed(hass)
    remove_second()
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    freezer.move_to("2027-02-01T00:00:00+00:00")
    async_fire_time_changed(hass)

    assert (first.call_count, second.call_count) == (0, 1)
