"""An API-keys account with Alice, OVH answering the readiness reads as each test sets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from tests.conftest import (
    ACCOUNT,
    API_ACCOUNT,
    API_ENDPOINT,
    API_JOB,
    READINESS_ANSWERS,
)

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SMS = f"{API_ENDPOINT}/sms/{ACCOUNT}"
ALARM_PATH = "binary_sensor.sms_ab1234_1_alarm_path"
DAYS_LEFT = "sensor.sms_ab1234_1_days_of_credit_left"
ALICE_ID = "alice_id"


def answer_ovh(aioclient_mock: AiohttpClientMocker, **routes: Any) -> None:
    """Answer every call anew: the readiness routes as given (mock arguments), else in order.

    A route's keyword is its path with / as __ (senders__HomeAlarm).
    """
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(SMS, **routes.pop("account", {"json": API_ACCOUNT}))
    aioclient_mock.post(f"{SMS}/jobs", json=API_JOB)
    given = {route.replace("__", "/"): mock for route, mock in routes.items()}
    for route, answer in READINESS_ANSWERS.items():
        aioclient_mock.get(f"{SMS}/{route}", **given.pop(route, {"json": answer}))
    for route, mock in given.items():
        method = mock.pop("method", "get")
        getattr(aioclient_mock, method)(f"{SMS}/{route}", **mock)


def readiness_issues(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, ir.IssueEntry]:
    """Give the entry's readiness repairs, by issue id."""
    return {
        issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith("readiness_") and entry.entry_id in issue_id
    }


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add the entry and set it up; its readiness checks run."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture(autouse=True)
def frozen(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Start every test at START."""
    freezer.move_to(START)
    return freezer


@pytest.fixture
async def api_entry(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> MockConfigEntry:
    """Set up the API-keys entry with Alice, every readiness read answered as in order."""
    return await set_up(hass, mock_api_entry)
