"""A send that fails or is held back: the caller's error, reauthentication, repairs, the budget."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import logging
from typing import Any
from unittest.mock import Mock

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.const import DOMAIN, EVENT_SMS_SENT
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from .conftest import ALICE, BOB, CREDITS, ENDPOINT, PASSWORD, SUCCESS, notify, send_sms, state_of

CANNOT_CONNECT = "Could not connect to OVH; the SMS was not sent"
OUTCOME_UNKNOWN = (
    "OVH's answer was lost or could not be read after the request was sent: the SMS may have "
    "been sent. It was not sent again"
)


@pytest.mark.parametrize(
    ("mock", "told"),
    [
        (
            {"json": {"status": 202, "message": "Invalid tag: is too long"}},
            ("invalid_parameter", "OVH refused a parameter: Invalid tag: is too long"),
        ),
        (
            {"json": {"status": 201, "message": "Missing to"}},
            ("missing_parameter", "OVH says a parameter is missing: Missing to"),
        ),
        (
            {"json": {"status": 241, "message": "Sender not found"}},
            ("sender_not_found", "OVH does not know this sender on the account: Sender not found"),
        ),
        (
            {"json": {"status": 202, "message": "Not enough credits."}},
            (
                "insufficient_credit",
                (
                    "OVH refused the SMS: the account has not enough credit left "
                    "(Not enough credits.). Buy SMS credit in the OVHcloud Control Panel"
                ),
            ),
        ),
        (
            {"json": {"status": 299, "message": "Odd"}},
            ("request_refused", "OVH refused the SMS (status 299): Odd"),
        ),
        (
            {"status": 503},
            (
                "server_error",
                (
                    "OVH answered HTTP 503: its service may have run, so the SMS may have been "
                    "sent. It was not sent again"
                ),
            ),
        ),
        (
            {"status": 403},
            ("http_error", "OVH answered HTTP 403 before its service ran; the SMS was not sent"),
        ),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError())},
            ("cannot_connect", CANNOT_CONNECT),
        ),
        ({"exc": aiohttp.ServerDisconnectedError()}, ("outcome_unknown", OUTCOME_UNKNOWN)),
        ({"exc": TimeoutError()}, ("outcome_unknown", OUTCOME_UNKNOWN)),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_failures_reach_the_caller(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
    mock: dict[str, Any],
    told: tuple[str, str],
) -> None:
    """Each failure is a translated HomeAssistantError; one request, no retry, no secret."""
    caplog.set_level(logging.DEBUG)
    aioclient_mock.post(ENDPOINT, **mock)
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi", queue=False)
    assert not isinstance(err.value, ServiceValidationError)
    assert (err.value.translation_key, str(err.value)) == told
    assert aioclient_mock.call_count == 1
    assert PASSWORD not in str(err.value.translation_placeholders)
    assert PASSWORD not in caplog.text


async def test_bad_credentials_start_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH refusing the login starts the reauthentication flow."""
    aioclient_mock.post(ENDPOINT, json={"status": 202, "message": "Invalid login or password"})
    with pytest.raises(HomeAssistantError) as err:
        await notify(hass, message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "authentication_failed",
        "OVH refused the account, login or password: Invalid login or password",
    )
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [(f["context"]["source"], f["context"]["entry_id"]) for f in flows] == [
        (SOURCE_REAUTH, init_integration.entry_id)
    ]


async def test_ip_issue_raised_then_cleared(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An unauthorised IP raises a repair issue; the next successful send clears it."""
    aioclient_mock.post(ENDPOINT, json={"status": 401, "message": "IP not allowed"})
    with pytest.raises(HomeAssistantError) as err:
        await notify(hass, message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "ip_not_authorized",
        (
            "OVH refused this Home Assistant's IP address: allow it for the SMS user in the "
            "OVHcloud Control Panel"
        ),
    )
    issue_id = f"ip_not_authorized_{init_integration.entry_id}"
    assert {
        key: (issue.translation_key, issue.translation_placeholders)
        for key, issue in issue_registry.issues.items()
    } == {
        (DOMAIN, issue_id): (
            "ip_not_authorized",
            {"account": "sms-ab1234-1", "login": "homeassistant"},
        )
    }

    aioclient_mock.clear_requests()
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await notify(hass, message="Hi")
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.usefixtures("init_integration")
async def test_hourly_limit(
    hass: HomeAssistant, ovh: AiohttpClientMocker, freezer: FrozenDateTimeFactory
) -> None:
    """At most 30 parts an hour by default; refused sends cost nothing; the hour rolls."""
    freezer.move_to(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    await hass.config.async_set_time_zone("Europe/Paris")
    await send_sms(hass, recipients=[ALICE], message="a" * 900)  # 6 parts
    freezer.tick(600)
    await send_sms(hass, recipients=[ALICE, BOB], message="a" * 900)  # 12 parts
    freezer.tick(600)
    await send_sms(hass, recipients=[ALICE, BOB], message="a" * 900)  # 12 parts: 30
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "hourly_limit_reached",
        "The safety limit of 30 SMS per hour is reached (1 more asked); sending resumes at 12:00",
    )
    assert ovh.call_count == 3
    freezer.tick(2401)  # the first send is more than an hour old
    await send_sms(hass, recipients=[ALICE], message="Hi")
    assert ovh.call_count == 4


@pytest.mark.usefixtures("init_integration")
async def test_failed_send_gives_its_budget_back(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A send OVH certainly did not take does not count in the hourly limit."""
    aioclient_mock.post(ENDPOINT, exc=aiohttp.ClientConnectorError(Mock(), OSError()))
    for _ in range(31):
        with pytest.raises(HomeAssistantError) as err:
            await send_sms(hass, recipients=[ALICE], message="Hi", queue=False)
        assert (err.value.translation_key, str(err.value)) == ("cannot_connect", CANNOT_CONNECT)


@pytest.mark.usefixtures("init_integration")
async def test_a_send_on_the_wire_is_recorded_when_its_caller_is_cancelled(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A script stopped while OVH holds the request: the SMS left, so it is recorded."""
    arrived, answer = asyncio.Event(), asyncio.Event()

    async def slow_ovh(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        arrived.set()
        await answer.wait()
        return AiohttpClientMockResponse(method, url, json=SUCCESS)

    aioclient_mock.post(ENDPOINT, side_effect=slow_ovh)
    events = async_capture_events(hass, EVENT_SMS_SENT)
    caller = hass.async_create_task(send_sms(hass, recipients=[ALICE], message="Door open"))
    await arrived.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    answer.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [event.data["sms_ids"] for event in events] == [["10867690"]]
    assert state_of(hass, CREDITS) == "1987"
    assert aioclient_mock.call_count == 1
