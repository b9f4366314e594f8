"""ovh_sms.send_sms with dry_run: the checks of a real send, the estimate, and nothing sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from tests.conftest import ALICE, ENDPOINT, api_calls, send_sms
from tests.virtual_numbers.conftest import NUMBER, NUMBERS

from .conftest import BELGIAN, RATES_BE, RATES_FR, budget, requests, set_up


async def test_dry_run_answers_the_cost_per_recipient_and_sends_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    rates: AiohttpClientMocker,
) -> None:
    """Parts, coding and credits by destination country; only the rates are read."""
    await set_up(hass, mock_config_entry)

    response = await send_sms(
        hass, recipients=["notify.alice", BELGIAN], message="ê" * 71, dry_run=True
    )

    assert response == {
        "dry_run": True,
        "estimate": {
            "coding": "ucs2",
            "parts": 2,
            "credits": 5.0,
            "recipients": [
                {"number": ALICE, "country": "FR", "parts": 2, "credits": 2.0},
                {"number": BELGIAN, "country": "BE", "parts": 2, "credits": 3.0},
            ],
        },
    }
    assert sorted(requests(ovh)) == [("GET", RATES_BE), ("GET", RATES_FR)]


async def test_rates_are_kept_and_read_again_a_month_later(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    rates: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A second dry run uses the rate kept; after 30 days it is read again."""
    await set_up(hass, mock_config_entry)
    await send_sms(hass, recipients=[ALICE], message="Hi", dry_run=True)
    await send_sms(hass, recipients=[ALICE], message="Hi", dry_run=True)
    assert requests(rates) == [("GET", RATES_FR)]

    freezer.tick(timedelta(days=30))
    await send_sms(hass, recipients=[ALICE], message="Hi", dry_run=True)

    assert requests(rates) == [("GET", RATES_FR), ("GET", RATES_FR)]


async def test_a_rate_ovh_does_not_give_is_null_not_an_error(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH's public API failing leaves the credits unknown; parts and coding are still told."""
    aioclient_mock.clear_requests()
    aioclient_mock.get(RATES_FR, status=503)
    await set_up(hass, mock_config_entry)

    response = await send_sms(hass, recipients=[ALICE], message="Hi", dry_run=True)

    assert response["estimate"] == {
        "coding": "gsm7",
        "parts": 1,
        "credits": None,
        "recipients": [{"number": ALICE, "country": "FR", "parts": 1, "credits": None}],
    }


@pytest.mark.parametrize(
    ("options", "call"),
    [
        ({}, {"recipients": [ALICE], "message": "   "}),
        ({}, {"recipients": ["12"], "message": "Hi"}),
        ({}, {"recipients": [ALICE], "message": "x" * 919}),
        ({}, {"recipients": [ALICE], "message": "Hi", "validity": 5}),
        ({}, {"recipients": [ALICE], "message": "Hi", "tag": "t" * 21}),
        ({}, {"recipients": [ALICE], "message": "Hi", "deferred": "2000-01-01 10:00:00"}),
        ({}, {"recipients": ["notify.nobody"], "message": "Hi"}),
        ({"hourly_limit": 1}, {"recipients": [ALICE], "message": "x" * 161}),
        (budget(1), {"recipients": [ALICE], "message": "x" * 161}),
    ],
)
async def test_a_dry_run_fails_as_the_send_would(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    rates: AiohttpClientMocker,
    options: dict[str, Any],
    call: dict[str, Any],
) -> None:
    """Each refusal of a send is the dry run's, word for word; no SMS goes either way."""
    await set_up(hass, mock_config_entry, **options)

    await assert_refused_alike(hass, call)
    assert all(url != ENDPOINT for _, url in requests(rates))


@pytest.fixture
def one_virtual_number(aioclient_mock: AiohttpClientMocker) -> None:
    """Give the account one virtual number (answered before ovh_api's empty list)."""
    aioclient_mock.get(NUMBERS, json=[NUMBER])


@pytest.mark.parametrize(
    ("options", "call"),
    [
        ({}, {"recipients": [ALICE], "message": "Hi", "sender": "+33644000001", "no_stop": False}),
        ({"no_stop": False}, {"recipients": [ALICE], "message": "Hi", "sender": "+33644000001"}),
    ],
)
@pytest.mark.usefixtures("one_virtual_number")
async def test_a_dry_run_from_a_virtual_number_asking_the_stop_mention_fails_as_the_send_would(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    options: dict[str, Any],
    call: dict[str, Any],
) -> None:
    """The STOP mention asked by the call or by the entry's default: refused alike, no job."""
    await set_up(hass, mock_api_entry, **options)

    await assert_refused_alike(hass, call)
    assert not [path for _, path in api_calls(ovh_api) if path.endswith("/jobs")]


async def assert_refused_alike(hass: HomeAssistant, call: dict[str, Any]) -> None:
    """Check that the dry run and the send of this call raise the same translated error."""
    with pytest.raises(HomeAssistantError) as dry:
        await send_sms(hass, **call, dry_run=True)
    with pytest.raises(HomeAssistantError) as real:
        await send_sms(hass, **call)

    assert (dry.value.translation_key, str(dry.value)) == (
        real.value.translation_key,
        str(real.value),
    )


async def test_a_critical_dry_run_passes_the_budget(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, rates: AiohttpClientMocker
) -> None:
    """critical: true is checked as the send checks it: the budget does not hold it back."""
    await set_up(hass, mock_config_entry, **budget(1))

    response = await send_sms(
        hass, recipients=[ALICE], message="x" * 161, critical=True, dry_run=True
    )

    assert response["estimate"]["credits"] == 2.0
