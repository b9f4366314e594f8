"""The monthly budget: ordinary SMS stop once it is spent; alarms and critical SMS always go."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from tests.conftest import ALICE, BOB, ENDPOINT, notify, send_sms, state_of

from .conftest import RATES_FR, SPENT, budget, requests, set_up

BUDGET_SPENT = (
    "This SMS does not fit in the monthly SMS budget of 2 credits: 2 credits spent this month, "
    "and it would cost 1. Nothing was sent. Mark the SMS `critical: true` to send it anyway, or "
    "raise the budget in the account's options"
)


def jobs(aioclient_mock: AiohttpClientMocker) -> int:
    """Count the SMS jobs OVH received."""
    return sum(url.endswith("/jobs") for _, url in requests(aioclient_mock))


async def test_an_sms_beyond_the_budget_is_refused_before_any_request(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """OVH charged 1 credit a send: the third send of a 2-credit budget is refused, translated."""
    await set_up(hass, mock_api_entry, **budget(2))
    await send_sms(hass, recipients=[ALICE], message="One")
    await send_sms(hass, recipients=[ALICE], message="Two")

    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Three")

    assert (err.value.translation_key, str(err.value)) == ("monthly_budget_spent", BUDGET_SPENT)
    assert jobs(ovh_api) == 2
    assert state_of(hass, SPENT) == "2"
    assert hass.states.get(SPENT).attributes["monthly_budget"] == 2.0


async def test_a_send_that_would_overrun_the_budget_is_refused(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """With an SMS user, unknown rates count a credit a part: 2 parts to 2 people is 4 > 3."""
    await set_up(hass, mock_config_entry, **budget(3))

    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE, BOB], message="x" * 161)
    response = await send_sms(hass, recipients=[ALICE, BOB], message="Short")

    assert str(err.value).startswith(
        "This SMS does not fit in the monthly SMS budget of 3 credits: 0 credits spent this "
        "month, and it would cost 4. Nothing was sent."
    )
    assert response["recipients"] == [ALICE, BOB]
    assert state_of(hass, SPENT) == "2"


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ((DOMAIN, "send_sms"), {"recipients": [ALICE], "message": "Fire", "critical": True}),
        ((NOTIFY_DOMAIN, "ovh_sms"), {"message": "Fire", "data": {"critical": True}}),
    ],
)
async def test_a_critical_sms_goes_beyond_the_budget(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    action: tuple[str, str],
    data: dict[str, Any],
) -> None:
    """critical: true (send_sms, or notify's data) goes, and counts."""
    await set_up(hass, mock_api_entry, **budget(1))
    await send_sms(hass, recipients=[ALICE], message="Spends the budget")

    await hass.services.async_call(*action, data, blocking=True)

    assert jobs(ovh_api) == 2
    assert state_of(hass, SPENT) == "2"


async def test_an_alarm_goes_beyond_the_budget(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """ovh_sms.send_alarm's SMS are never held back by the budget."""
    await set_up(hass, mock_api_entry, **budget(1))
    await send_sms(hass, recipients=[ALICE], message="Spends the budget")

    response = await hass.services.async_call(
        DOMAIN,
        "send_alarm",
        {"message": "Leak!", "recipients": [ALICE]},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()

    assert response is not None
    assert response["sms_ids"] == ["26929925"]
    assert jobs(ovh_api) == 2


async def test_the_month_turns_at_midnight_in_home_assistants_time_zone(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Spent on 30 November at 23:30 in Paris; at 00:00 on 1 December it is 0 and SMS go again."""
    await hass.config.async_set_time_zone("Europe/Paris")
    freezer.move_to("2026-11-30T22:30:00+00:00")
    await set_up(hass, mock_config_entry, **budget(1))
    await send_sms(hass, recipients=[ALICE], message="November")
    with pytest.raises(HomeAssistantError):
        await send_sms(hass, recipients=[ALICE], message="Still November")

    freezer.move_to("2026-11-30T23:00:00+00:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert state_of(hass, SPENT) == "0"
    await send_sms(hass, recipients=[ALICE], message="December")

    assert requests(ovh) == [("GET", RATES_FR), ("POST", ENDPOINT), ("POST", ENDPOINT)]
    assert state_of(hass, SPENT) == "1"


async def test_the_spending_survives_a_restart(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """What this month's sends cost is read back at setup; last month's counts for nothing."""
    freezer.move_to("2026-12-15T12:00:00+00:00")
    hass_storage[f"{DOMAIN}.spending.{mock_api_entry.entry_id}"] = {
        "version": 1,
        "data": {"month": "2026-12", "credits": "1.5"},
    }

    await set_up(hass, mock_api_entry, **budget(1.5))

    assert state_of(hass, SPENT) == "1.5"
    with pytest.raises(HomeAssistantError):
        await send_sms(hass, recipients=[ALICE], message="Hi")


async def test_last_months_spending_counts_for_nothing(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A saved November is nothing spent in December; what is sent now is saved for December."""
    freezer.move_to("2026-12-15T12:00:00+00:00")
    key = f"{DOMAIN}.spending.{mock_api_entry.entry_id}"
    hass_storage[key] = {"version": 1, "data": {"month": "2026-11", "credits": "40"}}
    await set_up(hass, mock_api_entry, **budget(1))

    await send_sms(hass, recipients=[ALICE], message="Hi")
    freezer.tick(2)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert hass_storage[key]["data"] == {"month": "2026-12", "credits": "1"}


async def test_no_budget_by_default(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Off by default: the sensor counts, its budget attribute is null, nothing is refused."""
    await set_up(hass, mock_config_entry)
    for _ in range(3):
        await notify(hass, message="Hi")

    assert requests(ovh) == [("GET", RATES_FR), *[("POST", ENDPOINT)] * 3]
    assert state_of(hass, SPENT) == "3"
    assert hass.states.get(SPENT).attributes["monthly_budget"] is None
