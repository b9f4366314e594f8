"""What readiness remembers (the runway, the last deliveries across a restart); its schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.delivery import signal_delivery
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from tests.conftest import ACCOUNT, ALICE, ENDPOINT, READINESS_CALLS, SUCCESS, api_calls, send_sms

from .conftest import ALARM_PATH, ALICE_ID, DAYS_LEFT, answer_ovh, readiness_issues, set_up


async def read_credit(
    hass: HomeAssistant, ovh: AiohttpClientMocker, frozen: FrozenDateTimeFactory, credit: float
) -> None:
    """Move a day on: OVH's next credit read finds this credit."""
    answer_ovh(ovh, account={"json": {"creditsLeft": credit}})
    frozen.tick(timedelta(days=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_runway_from_the_spending(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    frozen: FrozenDateTimeFactory,
) -> None:
    """Unknown for a week; then credit / mean daily spending; a top-up is no negative spending."""
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, options={"readiness": {"credit_threshold": 0, "runway_days": 30}}
    )
    answer_ovh(ovh_api, account={"json": {"creditsLeft": 100}})
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    for credit in (96, 92, 200, 196):  # a top-up of 112 on day 3
        await read_credit(hass, ovh_api, frozen, credit)
    days = hass.states.get(DAYS_LEFT)
    assert days is not None
    assert (days.state, days.attributes["runway_basis"]) == (STATE_UNKNOWN, "not_enough_history")
    for credit in (192, 188):
        await read_credit(hass, ovh_api, frozen, credit)
    # 7 days of history, 20 credits spent (the top-up not counted): 188 / (20 / 7) = 65 days.
    days = hass.states.get(DAYS_LEFT)
    assert days is not None
    assert (days.state, days.attributes["runway_basis"]) == ("65", "spending")
    assert hass.states.get(ALARM_PATH).state == STATE_OFF  # type: ignore[union-attr]
    for day in range(1, 17):
        await read_credit(hass, ovh_api, frozen, 188 - 6 * day)  # 6 a day now
    # 23 days of history, 20 + 96 = 116 spent, 92 left: 92 / (116 / 23) = 18 days < 30.
    assert hass.states.get(DAYS_LEFT).state == "18"  # type: ignore[union-attr]
    assert hass.states.get(ALARM_PATH).state == STATE_ON  # type: ignore[union-attr]
    issue = readiness_issues(hass, mock_api_entry)[
        f"readiness_runway_short_{mock_api_entry.entry_id}"
    ]
    assert issue.translation_placeholders == {"account": ACCOUNT, "days": "18", "minimum": "30"}


async def test_an_sms_user_has_only_the_credit_checks(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """The credit from a send's answer; nothing else checked, nothing read."""
    await set_up(hass, mock_config_entry)
    assert aioclient_mock.call_count == 0
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await send_sms(hass, message="Test", recipients=[ALICE])
    state = hass.states.get(ALARM_PATH)
    assert state is not None
    assert state.state == STATE_OFF
    assert {check: state.attributes[check] for check in ("credit", "runway")} == {
        "credit": "ok",
        "runway": "unknown",
    }
    for check in ("service", "sender", "operators", "stop_list", "deliveries"):
        assert state.attributes[check] == "not_checked", check
    assert aioclient_mock.call_count == 1


async def test_two_failed_deliveries_in_a_row_survive_a_restart(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Failed, expired: a problem for Alice, still there after a restart; delivered clears it."""
    await set_up(hass, mock_api_entry)
    signal = signal_delivery(mock_api_entry.entry_id)
    async_dispatcher_send(hass, signal, ALICE, "failed", "1")
    await hass.async_block_till_done()
    assert hass.states.get(ALARM_PATH).state == STATE_OFF  # type: ignore[union-attr]
    async_dispatcher_send(hass, signal, ALICE, "expired", "2")
    await hass.async_block_till_done()
    assert hass.states.get(ALARM_PATH).attributes["failing_recipients"] == ["Alice"]  # type: ignore[union-attr]
    assert await hass.config_entries.async_reload(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(ALARM_PATH)
    assert state is not None
    assert (state.state, state.attributes["deliveries"]) == (STATE_ON, "problem")
    issue_id = f"readiness_deliveries_failing_{mock_api_entry.entry_id}_{ALICE_ID}"
    assert readiness_issues(hass, mock_api_entry)[issue_id].translation_placeholders == {
        "recipient": "Alice"
    }
    async_dispatcher_send(hass, signal, ALICE, "delivered", "3")
    async_dispatcher_send(hass, signal, "", "failed", "4")  # a report that names no one
    await hass.async_block_till_done()
    assert hass.states.get(ALARM_PATH).state == STATE_OFF  # type: ignore[union-attr]
    assert readiness_issues(hass, mock_api_entry) == {}


async def test_checked_at_setup_then_every_6_hours(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    frozen: FrozenDateTimeFactory,
) -> None:
    """4 runs a day, each 3 reads plus one per recipient; never between runs."""
    await set_up(hass, mock_api_entry)

    def readiness_calls() -> list[tuple[str, str]]:
        return [call for call in api_calls(ovh_api) if call in READINESS_CALLS]

    assert readiness_calls() == READINESS_CALLS
    ovh_api.mock_calls.clear()
    frozen.tick(timedelta(hours=5, minutes=59))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert readiness_calls() == []
    frozen.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert readiness_calls() == READINESS_CALLS
    for _ in range(3):
        frozen.tick(timedelta(hours=6))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert len(readiness_calls()) == 4 * len(READINESS_CALLS)


async def test_removing_the_entry_forgets_its_readiness(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Its repairs go with it."""
    answer_ovh(ovh_api, blacklists={"json": ["+33612345678"]})
    await set_up(hass, mock_api_entry)
    assert readiness_issues(hass, mock_api_entry)
    await hass.config_entries.async_remove(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    assert readiness_issues(hass, mock_api_entry) == {}


@pytest.mark.usefixtures("api_entry")
async def test_a_credit_that_does_not_drop_lasts(
    hass: HomeAssistant, ovh_api: AiohttpClientMocker, frozen: FrozenDateTimeFactory
) -> None:
    """A week without spending: the runway check passes, the days unknown, and why."""
    for _ in range(7):
        await read_credit(hass, ovh_api, frozen, 42.5)
    days = hass.states.get(DAYS_LEFT)
    assert days is not None
    assert (days.state, days.attributes["runway_basis"]) == (STATE_UNKNOWN, "no_spending")
    assert hass.states.get(ALARM_PATH).attributes["runway"] == "ok"  # type: ignore[union-attr]


async def test_a_damaged_history_is_left_out(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Days and amounts that cannot be read are dropped; the rest is kept."""
    hass_storage[f"ovh_sms.{mock_api_entry.entry_id}.readiness"] = {
        "version": 1,
        "key": f"ovh_sms.{mock_api_entry.entry_id}.readiness",
        "data": {
            "credit": "50",
            "since": "2026-11-01",
            "spent": {"2026-11-20": "30", "yesterday": "5", "2026-11-21": "lots"},
            "deliveries": {ALICE: ["failed", "failed"]},
        },
    }
    await set_up(hass, mock_api_entry)
    # 30 days: 30 spent (the damaged ones left out), 7.5 more as 42.5 is read now: 34 days.
    assert hass.states.get(DAYS_LEFT).state == "34"  # type: ignore[union-attr]
    assert hass.states.get(ALARM_PATH).attributes["failing_recipients"] == ["Alice"]  # type: ignore[union-attr]
