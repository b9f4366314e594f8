"""Every send carries its estimate beside what OVH charged, without waiting for a rate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.ovh_sms.const import EVENT_SMS_SENT
from homeassistant.core import HomeAssistant
from tests.conftest import ALICE, ENDPOINT, SUCCESS, send_sms

from .conftest import BELGIAN, RATES_BE, RATES_FR, requests, set_up


async def test_a_send_carries_the_estimate_from_the_rates_kept(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    rates: AiohttpClientMocker,
) -> None:
    """Once a dry run read the rates, the send's response and event estimate it; no rate read."""
    await set_up(hass, mock_config_entry)
    await send_sms(hass, recipients=[ALICE, BELGIAN], message="Hi", dry_run=True)
    rates.mock_calls.clear()
    events = async_capture_events(hass, EVENT_SMS_SENT)

    response = await send_sms(hass, recipients=[ALICE, BELGIAN], message="Hi")

    assert (response["credits_estimated"], response["credits_removed"]) == (2.5, None)
    assert [(e.data["credits_estimated"], e.data["credits_removed"]) for e in events] == [
        (2.5, None)
    ]
    assert requests(rates) == [("POST", ENDPOINT)]


async def test_the_response_and_the_event_agree_when_the_rate_lands_during_the_send(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, rates: AiohttpClientMocker
) -> None:
    """Both tell the one estimate made for the send: Belgium's rate unknown then, null in both."""

    async def rate_read_meanwhile(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        await send_sms(hass, recipients=[BELGIAN], message="Hi", dry_run=True)  # reads it
        return AiohttpClientMockResponse(method, url, json=SUCCESS)

    rates.post(ENDPOINT, side_effect=rate_read_meanwhile)
    await set_up(hass, mock_config_entry)
    events = async_capture_events(hass, EVENT_SMS_SENT)

    response = await send_sms(hass, recipients=[BELGIAN], message="Hi")

    assert [event.data["credits_estimated"] for event in events] == [None]
    assert response["credits_estimated"] is None
    assert ("GET", RATES_BE) in requests(rates)  # the rate did land before the answer


async def test_setup_reads_the_rates_of_the_recipients_and_the_home(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    rates: AiohttpClientMocker,
) -> None:
    """Alice in France, Home Assistant in Belgium: both read at setup, the first send has them."""
    hass.config.country = "BE"
    await set_up(hass, mock_config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sorted(requests(rates)) == [("GET", RATES_BE), ("GET", RATES_FR)]
    rates.mock_calls.clear()
    events = async_capture_events(hass, EVENT_SMS_SENT)

    await send_sms(hass, recipients=[ALICE, BELGIAN], message="Hi")

    assert [event.data["credits_estimated"] for event in events] == [2.5]
    assert requests(rates) == [("POST", ENDPOINT)]


async def test_a_country_not_known_is_read_after_the_send_for_the_next(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """The first SMS to Belgium goes at once with null credits; the next one has its rate."""
    await set_up(hass, mock_config_entry)
    events = async_capture_events(hass, EVENT_SMS_SENT)

    await send_sms(hass, recipients=[BELGIAN], message="Hi")
    await hass.async_block_till_done(wait_background_tasks=True)
    await send_sms(hass, recipients=[BELGIAN], message="Hi")

    assert [event.data["credits_estimated"] for event in events] == [None, 1.5]
    # Read beside the first send, which does not wait for it.
    assert requests(ovh) == [
        ("GET", RATES_FR),
        ("GET", RATES_BE),
        ("POST", ENDPOINT),
        ("POST", ENDPOINT),
    ]


async def test_a_rate_that_failed_is_read_again_six_hours_later_only(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """OVH out of reach at setup: the sends meanwhile make no read; after 6 hours one does."""
    aioclient_mock.clear_requests()
    aioclient_mock.get(RATES_FR, status=503)
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "10", "SmsIds": ["1"]})
    await set_up(hass, mock_config_entry)
    for _ in range(2):
        await send_sms(hass, recipients=[ALICE], message="Hi")
        await hass.async_block_till_done(wait_background_tasks=True)
    freezer.tick(timedelta(hours=6))
    await send_sms(hass, recipients=[ALICE], message="Hi")
    await hass.async_block_till_done(wait_background_tasks=True)

    assert requests(aioclient_mock) == [
        ("GET", RATES_FR),
        *[("POST", ENDPOINT)] * 2,
        ("GET", RATES_FR),
        ("POST", ENDPOINT),
    ]


async def test_an_old_rate_serves_and_is_read_again_in_the_background(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    rates: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A rate 30 days old answers at once; OVH's new rate is kept for the next send."""
    await set_up(hass, mock_config_entry)
    await send_sms(hass, recipients=[BELGIAN], message="Hi", dry_run=True)
    freezer.tick(timedelta(days=30))
    rates.clear_requests()
    rates.post(ENDPOINT, json={"status": 100, "creditLeft": "10", "SmsIds": ["1"]})
    rates.get(RATES_BE, json={"credit": 2})
    events = async_capture_events(hass, EVENT_SMS_SENT)

    await send_sms(hass, recipients=[BELGIAN], message="Hi")
    await hass.async_block_till_done(wait_background_tasks=True)
    await send_sms(hass, recipients=[BELGIAN], message="Hi")

    assert [event.data["credits_estimated"] for event in events] == [1.5, 2.0]
    assert requests(rates) == [("GET", RATES_BE), ("POST", ENDPOINT), ("POST", ENDPOINT)]


async def test_with_api_keys_the_event_has_both(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    rates: AiohttpClientMocker,
) -> None:
    """OVH's charge (totalCreditsRemoved) and the estimate, side by side."""
    await set_up(hass, mock_api_entry)
    await send_sms(hass, recipients=[ALICE], message="Hi", dry_run=True)
    events = async_capture_events(hass, EVENT_SMS_SENT)

    response = await send_sms(hass, recipients=[ALICE], message="Hi")

    assert (response["credits_estimated"], response["credits_removed"]) == (1.0, 1.0)
    assert [(e.data["credits_estimated"], e.data["credits_removed"]) for e in events] == [
        (1.0, 1.0)
    ]
    assert ("GET", RATES_FR) in requests(rates)
