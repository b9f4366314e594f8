"""New API keys or another sender for an entry: reauth and reconfigure, no SMS spent."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import (
    ACCOUNT,
    API_ENDPOINT,
    API_ENTRY_DATA,
    APPLICATION_KEY,
    KEYS,
    NEW_CONSUMER_KEY,
    SENDERS,
    api_answers,
    api_calls,
    assert_unexpected_error_logged,
    back_from_ovh,
    no_sms_sent,
    set_up_api_entry,
)


async def start_reconfigure(hass: HomeAssistant, entry: MockConfigEntry, choice: str) -> Any:
    """Start reconfiguring an API entry and make this choice in its menu."""
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["reconfigure_sender", "reconfigure_keys"]
    assert result["description_placeholders"] == {"account": ACCOUNT}
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": choice}
    )


async def test_reauth_with_a_pasted_key(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """Reauth keeps the account and endpoint, stores the new key and reloads."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    result = await mock_api_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_api"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], KEYS | {"consumer_key": NEW_CONSUMER_KEY}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_api_entry.data == API_ENTRY_DATA | {"consumer_key": NEW_CONSUMER_KEY}
    await hass.async_block_till_done()
    assert mock_api_entry.state is ConfigEntryState.LOADED


async def test_reauth_keeps_the_saved_secret_when_left_empty(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """OVHcloud shows the secret once: reauth without it requests a new key with the saved one."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    result = await mock_api_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_key": APPLICATION_KEY}
    )
    assert ("POST", "/auth/credential") in api_calls(aioclient_mock)
    result = await back_from_ovh(hass, result)
    assert result["reason"] == "reauth_successful"
    assert mock_api_entry.data == API_ENTRY_DATA | {"consumer_key": NEW_CONSUMER_KEY}


async def test_reauth_with_keys_that_do_not_see_the_account(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """A key of another OVHcloud account is refused: it cannot reach this SMS account."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    result = await mock_api_entry.start_reauth_flow(hass)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential", json={"status": "validated", "rules": []}
    )
    aioclient_mock.get(
        f"{API_ENDPOINT}/sms/{ACCOUNT}",
        status=404,
        json={"message": f"The requested object (serviceName = {ACCOUNT}) does not exist"},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], KEYS | {"consumer_key": NEW_CONSUMER_KEY}
    )
    assert result["errors"] == {"base": "account_not_found"}
    assert result["description_placeholders"]["account"] == ACCOUNT
    assert mock_api_entry.data == API_ENTRY_DATA


async def test_reconfigure_picks_another_sender(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """Reconfigure shows the senders with the current one chosen, and saves the new one."""
    api_answers(aioclient_mock, senders=SENDERS | {"Alarm2": {"status": "enable"}})
    await set_up_api_entry(hass, mock_api_entry)
    result = await start_reconfigure(hass, mock_api_entry, "reconfigure_sender")
    assert result["step_id"] == "reconfigure_sender"
    [key] = result["data_schema"].schema
    assert key.default() == "HomeAlarm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"sender": "Alarm2"})
    assert result["reason"] == "reconfigure_successful"
    assert mock_api_entry.data == API_ENTRY_DATA | {"sender": "Alarm2"}


async def test_reconfigure_takes_new_keys_checked_as_at_set_up(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """New keys: a new consumer key validated at OVH, the secret kept if left empty, a sender."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    result = await start_reconfigure(hass, mock_api_entry, "reconfigure_keys")
    assert result["step_id"] == "reconfigure_keys"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_key": APPLICATION_KEY}
    )
    result = await back_from_ovh(hass, result)
    assert result["step_id"] == "reconfigure_sender"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"sender": "short_number"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert mock_api_entry.data == API_ENTRY_DATA | {
        "consumer_key": NEW_CONSUMER_KEY,
        "sender": "",
    }
    assert no_sms_sent(aioclient_mock)


async def test_reconfigure_refuses_keys_that_do_not_see_the_account(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """A pasted key of another customer account: said on the keys form, the entry unchanged."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    result = await start_reconfigure(hass, mock_api_entry, "reconfigure_keys")
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential", json={"status": "validated", "rules": []}
    )
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", status=404, json={"message": "No"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], KEYS | {"consumer_key": NEW_CONSUMER_KEY}
    )
    assert result["step_id"] == "reconfigure_keys"
    assert result["errors"] == {"base": "account_not_found"}
    assert mock_api_entry.data == API_ENTRY_DATA


async def test_reconfigure_when_ovh_cannot_be_read(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """OVH out of reach: the error is shown, and submitting tries again."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", exc=TimeoutError())
    result = await start_reconfigure(hass, mock_api_entry, "reconfigure_sender")
    assert result["step_id"] == "reconfigure_unreadable"
    assert result["errors"] == {"base": "cannot_connect"}
    api_answers(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "reconfigure_sender"


async def test_unexpected_error_while_reading_the_entry_account(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    mock_api_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reconfigure's reading fails unexpectedly: said, logged, and submitting tries again."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", exc=RuntimeError("Session is closed"))
    result = await start_reconfigure(hass, mock_api_entry, "reconfigure_sender")
    assert result["step_id"] == "reconfigure_unreadable"
    assert result["errors"] == {"base": "unknown"}
    assert result["description_placeholders"] == {"account": ACCOUNT}
    assert_unexpected_error_logged(caplog)


@pytest.mark.parametrize(
    ("source", "keys_step"), [("reauth", "reauth_api"), ("reconfigure", "reconfigure_keys")]
)
async def test_new_keys_of_an_entry_with_a_wrong_secret_seen_at_validation(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    mock_api_entry: MockConfigEntry,
    source: str,
    keys_step: str,
) -> None:
    """The same during reauth or reconfigure: back to that keys form, with the error."""
    api_answers(aioclient_mock)
    await set_up_api_entry(hass, mock_api_entry)
    if source == "reauth":
        result = await mock_api_entry.start_reauth_flow(hass)
    else:
        result = await start_reconfigure(hass, mock_api_entry, "reconfigure_keys")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], KEYS)
    assert result["step_id"] == "api_authorize"
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential",
        status=403,
        json={"errorCode": "INVALID_KEY", "httpCode": "403", "message": "Invalid key"},
    )
    result = await back_from_ovh(hass, result)
    assert result["step_id"] == keys_step
    assert result["errors"] == {"base": "application_key_invalid"}
