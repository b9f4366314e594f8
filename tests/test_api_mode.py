"""An account with OVHcloud API keys: its credit read at start and polled, sends, failures."""

from __future__ import annotations

from datetime import timedelta
import json
import logging
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN, EVENT_SMS_SENT
from custom_components.ovh_sms.coordinator import CREDIT_INTERVAL
from custom_components.ovh_sms.diagnostics import async_get_config_entry_diagnostics
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, issue_registry as ir

from .conftest import (
    ACCOUNT,
    API_ACCOUNT,
    API_ENDPOINT,
    API_JOB,
    APPLICATION_SECRET,
    CONSUMER_KEY,
    CREDITS,
    ENDPOINT,
    READINESS_CALLS,
    api_calls,
    set_up_api_entry,
    state_of,
)

JOBS = f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs"
ACCOUNT_URL = f"{API_ENDPOINT}/sms/{ACCOUNT}"


def job_bodies(aioclient_mock: AiohttpClientMocker) -> list[dict[str, Any]]:
    """Give the JSON body of every job OVH received, in order."""
    return [
        json.loads(data)
        for method, url, data, _ in aioclient_mock.mock_calls
        if method.upper() == "POST" and str(url) == JOBS
    ]


def refusal(code: str, message: str, status: int = 403) -> dict[str, Any]:
    """Give OVH's JSON error body."""
    return {"errorCode": code, "httpCode": f"{status} Forbidden", "message": message}


async def test_setup_reads_the_credit_without_sending(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """The credit is known before the first SMS; nothing is sent; the device says API."""
    await set_up_api_entry(hass, mock_api_entry)
    assert mock_api_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, CREDITS) == "42.5"
    # The readiness checks read OVH once set up, in the background (tests/readiness).
    assert api_calls(ovh_api) == [
        ("GET", "/auth/time"),
        ("GET", f"/sms/{ACCOUNT}"),
        *READINESS_CALLS,
    ]
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), mock_api_entry.entry_id)
    assert sorted(device.model or "" for device in devices) == [
        "SMS (OVHcloud API)",
        "SMS recipient",
    ]


async def test_notify_sends_a_job_with_the_entry_sender(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """The legacy action sends one job to the entry's recipients; the credit follows."""
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, EVENT_SMS_SENT)
    await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)
    [body] = job_bodies(ovh_api)
    assert body["receivers"] == ["0033612345678"]
    assert body["sender"] == "HomeAlarm"
    assert body["noStopClause"] is True
    assert state_of(hass, CREDITS) == "41.5"
    assert [event.data for event in events] == [
        {
            "config_entry_id": mock_api_entry.entry_id,
            "sms_ids": ["26929925"],
            "recipients": 1,
            "segments": 1,
            "credits_left": 41.5,
            "late_by": 0.0,
            "path": mock_api_entry.title,
            "credits_estimated": 1.0,
            "credits_removed": 1.0,
        }
    ]


async def test_send_sms_answers_ids_and_credit(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """ovh_sms.send_sms answers as in http2sms mode; an empty sender is the short number."""
    await set_up_api_entry(hass, mock_api_entry)
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "message": "Door open",
            "recipients": ["+33612345678"],
            "sender": "",
            "no_stop": False,
            "validity": 15,
        },
        blocking=True,
        return_response=True,
    )
    assert response == {
        "sms_ids": ["26929925"],
        "credits_left": 41.5,
        "segments": 1,
        "recipients": ["0033612345678"],
        "requests": 1,
        "deferred": None,
        "credits_removed": 1.0,
        "credits_estimated": 1.0,
        "queued": [],
        "queued_until": None,
        "failed": [],
        "failure": None,
        "path": mock_api_entry.title,
    }
    [body] = job_bodies(ovh_api)
    assert "sender" not in body
    assert body["senderForResponse"] is True
    assert body["noStopClause"] is False
    assert body["validityPeriod"] == 15


async def test_validity_needs_api_keys(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """http2sms cannot carry a validity: refused before anything is sent."""
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"message": "Leak!", "recipients": ["+33612345678"], "validity": 15},
            blocking=True,
        )
    assert str(raised.value) == (
        "Validity (minutes) needs OVHcloud API keys: http2sms cannot carry it. "
        "Remove it, or set the account up with API keys"
    )
    assert aioclient_mock.call_count == 0


async def test_the_credit_is_polled_and_unavailable_while_ovh_is_out_of_reach(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every 15 minutes one read; unreachable: unavailable, logged once; back: logged once."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.get(ACCOUNT_URL, exc=aiohttp.ClientConnectionError())
    for _ in range(2):
        freezer.tick(CREDIT_INTERVAL)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert state_of(hass, CREDITS) == STATE_UNAVAILABLE
    assert api_calls(ovh_api) == [("GET", f"/sms/{ACCOUNT}")] * 2
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR and DOMAIN in r.name]
    assert [r.getMessage() for r in failures] == [
        "Error fetching ovh_sms data: The credit could not be read from OVH"
    ]

    ovh_api.clear_requests()
    ovh_api.get(ACCOUNT_URL, json=API_ACCOUNT | {"creditsLeft": 40})
    freezer.tick(CREDIT_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert state_of(hass, CREDITS) == "40"
    assert "Fetching ovh_sms data recovered" in caplog.text


async def test_revoked_key_at_start_asks_for_reauthentication(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """INVALID_CREDENTIAL: the entry does not load and a reauth flow starts."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        ACCOUNT_URL,
        status=403,
        json=refusal("INVALID_CREDENTIAL", "This credential is not valid"),
    )
    await set_up_api_entry(hass, mock_api_entry)
    assert mock_api_entry.state is ConfigEntryState.SETUP_ERROR
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert flow["step_id"] == "reauth_api"


async def test_ovh_out_of_reach_at_start_retries(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """No answer from the API: Home Assistant retries the setup later."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", exc=aiohttp.ClientConnectionError())
    await set_up_api_entry(hass, mock_api_entry)
    assert mock_api_entry.state is ConfigEntryState.SETUP_RETRY


async def test_missing_access_rule_raises_a_repair_and_reauth(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """NOT_GRANTED_CALL on a send: the caller reads which right is missing; Repairs too."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.post(
        JOBS,
        status=403,
        json=refusal("NOT_GRANTED_CALL", "This call has not been granted"),
    )
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)
    assert raised.value.translation_key == "access_denied"
    assert str(raised.value) == (
        "The consumer key does not allow POST /sms/*/jobs; nothing was done. "
        "Reauthenticate the account to get a key that does"
    )
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"access_denied_{mock_api_entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"account": ACCOUNT, "rule": "POST /sms/*/jobs"}
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH


async def test_a_clock_ovh_keeps_refusing_is_named(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """OVH refuses the timestamp even on its time read again: the caller reads why."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.post(
        JOBS,
        status=400,
        json={"errorCode": "QUERY_TIME_OUT", "httpCode": "400", "message": "Query out of time"},
    )
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)
    assert str(raised.value) == (
        "OVH refused the time of the request, even after its clock was read again; nothing "
        "was sent. Check Home Assistant's clock"
    )


async def test_refused_numbers_are_named(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """OVH sends to the valid number and names the other: the caller reads who did not get it."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.post(
        JOBS,
        json=API_JOB | {"invalidReceivers": ["+33687654321"], "validReceivers": ["+33612345678"]},
    )
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"message": "Leak!", "recipients": ["+33612345678", "+33687654321"]},
            blocking=True,
        )
    assert raised.value.translation_key == "partially_sent"
    assert raised.value.translation_placeholders["not_sent"] == "0033687654321"
    assert raised.value.translation_placeholders["sent"] == "1"
    assert state_of(hass, CREDITS) == "41.5"


@pytest.mark.parametrize(
    ("credits_left", "placeholders"),
    [(0.5, {"account": ACCOUNT, "credits_left": "0.5"}), (1, None)],
    ids=["short", "enough"],
)
async def test_credit_repair_when_one_more_sms_cannot_be_paid(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    credits_left: float,
    placeholders: dict[str, str] | None,
) -> None:
    """Less than one credit: a repair issue (a warning) names the account and its credit."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(ACCOUNT_URL, json=API_ACCOUNT | {"creditsLeft": credits_left})
    await set_up_api_entry(hass, mock_api_entry)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"credit_exhausted_{mock_api_entry.entry_id}"
    )
    if placeholders is None:
        assert issue is None
    else:
        assert issue is not None
        assert issue.severity is ir.IssueSeverity.WARNING
        assert issue.translation_placeholders == placeholders


async def test_credit_repair_goes_when_credit_is_bought(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The next read that finds enough credit removes the issue."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(ACCOUNT_URL, json=API_ACCOUNT | {"creditsLeft": 0})
    await set_up_api_entry(hass, mock_api_entry)
    issue_id = f"credit_exhausted_{mock_api_entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    aioclient_mock.clear_requests()
    aioclient_mock.get(ACCOUNT_URL, json=API_ACCOUNT | {"creditsLeft": 100})
    freezer.tick(CREDIT_INTERVAL + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert state_of(hass, CREDITS) == "100"


async def test_http2sms_credit_repair_after_a_send(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """In http2sms mode the credit of a send's answer raises the same issue."""
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "0.4", "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"credit_exhausted_{init_integration.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {"account": ACCOUNT, "credits_left": "0.4"}


async def test_no_key_in_diagnostics_or_logs(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The application secret and consumer key appear in no log line and no diagnostics."""
    caplog.set_level(logging.DEBUG)
    await set_up_api_entry(hass, mock_api_entry)
    await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_api_entry)
    for secret in (APPLICATION_SECRET, CONSUMER_KEY):
        assert secret not in caplog.text
        assert secret not in json.dumps(diagnostics)
    assert diagnostics["data"]["consumer_key"] == "**REDACTED**"
    assert diagnostics["credit_read_ok"] is True


async def test_missing_read_right_at_start(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A key that may not read the account: Repairs names the right; reauth starts."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(ACCOUNT_URL, status=403, json=refusal("NOT_GRANTED_CALL", "Not granted"))
    await set_up_api_entry(hass, mock_api_entry)
    assert mock_api_entry.state is ConfigEntryState.SETUP_ERROR
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"access_denied_{mock_api_entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"account": ACCOUNT, "rule": "GET /sms/*"}
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH


async def test_unsafe_api_endpoint_fails_setup(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """An entry whose API address is plain http on another host never sends its secret."""
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, data=mock_api_entry.data | {"endpoint": "http://api.example.com/1.0"}
    )
    await hass.config_entries.async_setup(mock_api_entry.entry_id)
    assert mock_api_entry.state is ConfigEntryState.SETUP_ERROR
    assert mock_api_entry.reason == (
        "The OVH address of this account is not https://, so its password or API secret "
        "would travel unencrypted: reconfigure the OVH SMS account with an https:// address, "
        "or add it again"
    )
    assert aioclient_mock.call_count == 0
