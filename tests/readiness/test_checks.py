"""Each check of the Alarm path sensor: passed, failed (its repair), could not be read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from tests.conftest import ACCOUNT, READINESS_CALLS, api_calls

from .conftest import ALARM_PATH, ALICE_ID, answer_ovh, readiness_issues, set_up

CHECKS = ("credit", "runway", "service", "sender", "operators", "stop_list", "deliveries")


def checks(hass: HomeAssistant) -> dict[str, Any]:
    """Give each check's state, as the sensor's attributes show it."""
    state = hass.states.get(ALARM_PATH)
    assert state is not None
    return {check: state.attributes[check] for check in CHECKS}


async def test_ready_when_every_check_passes(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Off, each check ok (the runway not known yet), no repair; the reads OVH received."""
    await set_up(hass, mock_api_entry)
    assert hass.states.get(ALARM_PATH).state == STATE_OFF  # type: ignore[union-attr]
    assert checks(hass) == dict.fromkeys(CHECKS, "ok") | {"runway": "unknown"}
    assert api_calls(ovh_api)[2:] == READINESS_CALLS
    assert readiness_issues(hass, mock_api_entry) == {}


@pytest.mark.parametrize(
    ("routes", "check", "issue", "placeholders"),
    [
        (
            {"serviceInfos": {"json": {"status": "ok", "expiration": "2026-12-11"}}},
            "service",
            "readiness_service_expiring",
            {"account": ACCOUNT, "expires_on": "2026-12-11", "days": "10"},
        ),
        (
            {"serviceInfos": {"json": {"status": "unPaid", "expiration": "2027-06-01"}}},
            "service",
            "readiness_service_not_ok",
            {"account": ACCOUNT, "status": "unPaid"},
        ),
        (
            {"senders__HomeAlarm": {"json": {"sender": "HomeAlarm", "status": "refused"}}},
            "sender",
            "readiness_sender_not_enabled",
            {"account": ACCOUNT, "sender": "HomeAlarm", "status": "refused"},
        ),
        (
            {
                "senders__HomeAlarm": {
                    "status": 404,
                    "json": {"message": "The requested object (sender = HomeAlarm) does not exist"},
                }
            },
            "sender",
            "readiness_sender_not_enabled",
            {"account": ACCOUNT, "sender": "HomeAlarm", "status": "missing"},
        ),
    ],
)
async def test_account_problems(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    *,
    routes: dict[str, Any],
    check: str,
    issue: str,
    placeholders: dict[str, str],
) -> None:
    """A service expiring in 10 days or unpaid, a sender refused or gone: on, one repair."""
    answer_ovh(ovh_api, **routes)
    await set_up(hass, mock_api_entry)
    assert hass.states.get(ALARM_PATH).state == STATE_ON  # type: ignore[union-attr]
    assert checks(hass)[check] == "problem"
    [(issue_id, found)] = readiness_issues(hass, mock_api_entry).items()
    assert issue_id == f"{issue}_{mock_api_entry.entry_id}"
    assert (found.translation_key, found.translation_placeholders) == (issue, placeholders)
    assert not found.is_fixable


async def test_a_service_expiring_in_31_days_is_fine(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """The repair comes 30 days before the expiry, not earlier."""
    answer_ovh(ovh_api, serviceInfos={"json": {"status": "ok", "expiration": "2027-01-01"}})
    await set_up(hass, mock_api_entry)
    assert checks(hass)["service"] == "ok"
    assert hass.states.get(ALARM_PATH).attributes["expires_on"] == "2027-01-01"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("restriction", "expected"),
    [
        ("ALPHA", "problem"),
        ("BLOCKED", "problem"),
        ("MSISDN", "ok"),  # a numeric sender's: HomeAlarm is alpha
        ("CODING", "ok"),
    ],
)
async def test_operator_restrictions(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    restriction: str,
    expected: str,
) -> None:
    """A restriction that rewrites or blocks the alpha sender is a problem for Alice."""
    exception = {
        "countrySuffixe": "fr",
        "operators": ["Free Mobile"],
        "restrictionCode": restriction,
        "substitution": "36111",
    }
    answer_ovh(ovh_api, exceptions={"json": [exception]})
    await set_up(hass, mock_api_entry)
    assert checks(hass)["operators"] == expected
    issues = readiness_issues(hass, mock_api_entry)
    if expected == "ok":
        assert issues == {}
        return
    found = issues[f"readiness_operator_restriction_{mock_api_entry.entry_id}_{ALICE_ID}"]
    assert found.translation_placeholders == {
        "recipient": "Alice",
        "sender": "HomeAlarm",
        "restrictions": f"{restriction} (Free Mobile)",
    }
    assert found.severity is ir.IssueSeverity.WARNING


async def test_stop_list_names_the_recipient(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Alice on OVH's STOP list (as +33…): on, a fixable repair naming her."""
    answer_ovh(ovh_api, blacklists={"json": ["+33612345678", "+33700000000"]})
    await set_up(hass, mock_api_entry)
    state = hass.states.get(ALARM_PATH)
    assert state is not None
    assert (state.state, state.attributes["stopped_recipients"]) == (STATE_ON, ["Alice"])
    issue = readiness_issues(hass, mock_api_entry)[
        f"readiness_stop_list_{mock_api_entry.entry_id}_{ALICE_ID}"
    ]
    assert issue.is_fixable
    assert issue.data == {
        "entry_id": mock_api_entry.entry_id,
        "number": "+33612345678",
        "recipient": "Alice",
    }
    assert issue.translation_placeholders == {"account": ACCOUNT, "recipient": "Alice"}


@pytest.mark.parametrize(
    ("routes", "check"),
    [
        ({"serviceInfos": {"json": {"expiration": "2027-06-01"}}}, "service"),
        ({"blacklists": {"json": {"numbers": []}}}, "stop_list"),
        ({"senders__HomeAlarm": {"json": ["HomeAlarm"]}}, "sender"),
        ({"exceptions": {"json": {"restrictionCode": "ALPHA"}}}, "operators"),
    ],
)
async def test_a_check_that_could_not_be_read(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    routes: dict[str, Any],
    check: str,
) -> None:
    """An answer that cannot be read: that check unreadable, the path not ready, no repair."""
    answer_ovh(ovh_api, **routes)
    await set_up(hass, mock_api_entry)
    assert hass.states.get(ALARM_PATH).state == STATE_ON  # type: ignore[union-attr]
    assert checks(hass)[check] == "unreadable"
    assert readiness_issues(hass, mock_api_entry) == {}


async def test_ovh_out_of_reach_makes_the_sensor_unavailable(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    frozen: FrozenDateTimeFactory,
) -> None:
    """Never "ready" on a guess: unavailable, its repairs kept; back once OVH answers."""
    answer_ovh(ovh_api, blacklists={"json": ["+33612345678"]})
    await set_up(hass, mock_api_entry)
    answer_ovh(ovh_api, serviceInfos={"exc": aiohttp.ClientConnectionError()})
    frozen.tick(timedelta(hours=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(ALARM_PATH).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert len(readiness_issues(hass, mock_api_entry)) == 1
    answer_ovh(ovh_api)
    frozen.tick(timedelta(hours=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(ALARM_PATH).state == STATE_OFF  # type: ignore[union-attr]
    assert readiness_issues(hass, mock_api_entry) == {}


async def test_credit_below_the_threshold(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """The option's threshold: 42.5 credits below 50 (the form's 50.0) is a warning saying both."""
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, options={"readiness": {"credit_threshold": 50.0, "runway_days": 14.0}}
    )
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    assert checks(hass)["credit"] == "problem"
    issue = readiness_issues(hass, mock_api_entry)[
        f"readiness_credit_low_{mock_api_entry.entry_id}"
    ]
    assert issue.translation_placeholders == {
        "account": ACCOUNT,
        "credits_left": "42.5",
        "threshold": "50",
    }
    assert issue.severity is ir.IssueSeverity.WARNING


async def test_refused_keys_start_reauthentication(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """A consumer key OVH no longer accepts: reauthentication, the sensor unavailable."""
    invalid = {"errorCode": "INVALID_CREDENTIAL", "message": "This credential is not valid"}
    answer_ovh(ovh_api, serviceInfos={"status": 403, "json": invalid})
    await set_up(hass, mock_api_entry)
    flows = hass.config_entries.flow.async_progress_by_handler("ovh_sms")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert hass.states.get(ALARM_PATH).state == STATE_UNAVAILABLE  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("numbers", "state", "sensor"),
    [({"json": ["33644000001"]}, "ok", STATE_OFF), ({"json": {}}, "unreadable", STATE_ON)],
)
async def test_a_virtual_number_as_the_sender_is_no_problem(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    *,
    numbers: dict[str, Any],
    state: str,
    sensor: str,
) -> None:
    """OVH lists no sender +33644000001: it is the account's virtual number, which sends.

    Its list unreadable, the sender is not known to be missing.
    """
    answer_ovh(
        ovh_api,
        **{
            "senders__%2B33644000001": {
                "status": 404,
                "json": {"message": "The requested object (sender = +33644000001) does not exist"},
            },
            "virtualNumbers": numbers,
        },
    )
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, data={**mock_api_entry.data, "sender": "+33644000001"}
    )
    await set_up(hass, mock_api_entry)
    alarm_path = hass.states.get(ALARM_PATH)
    assert alarm_path is not None
    assert (checks(hass)["sender"], alarm_path.state) == (state, sensor)
    assert readiness_issues(hass, mock_api_entry) == {}
