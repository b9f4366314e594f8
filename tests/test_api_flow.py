"""Setting up with OVHcloud API keys: the keys form, the account, the sender; no SMS spent."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import (
    ACCOUNT,
    API_ENDPOINT,
    API_ENTRY_DATA,
    CONSUMER_KEY,
    KEYS,
    SENDERS,
    api_answers,
    api_calls,
    assert_unexpected_error_logged,
    no_sms_sent,
    start_api,
)


async def test_pasted_consumer_key_and_several_accounts(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A validated pasted key skips the link; the account is picked; the short number too."""
    api_answers(aioclient_mock, accounts=("sms-zz9999-1", ACCOUNT))
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["step_id"] == "api_account"
    assert [call for call in api_calls(aioclient_mock) if call[0] == "POST"] == []
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"account": ACCOUNT})
    assert result["step_id"] == "api_sender"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"sender": "short_number"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == API_ENTRY_DATA | {"sender": ""}
    assert no_sms_sent(aioclient_mock)


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ("pendingValidation", "consumer_key_pending"),
        ("refused", "consumer_key_refused"),
        ("expired", "consumer_key_expired"),
    ],
)
async def test_pasted_consumer_key_not_usable(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, state: str, error: str
) -> None:
    """A pasted key that is not validated is refused on the keys form."""
    api_answers(aioclient_mock, state=state)
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["step_id"] == "api"
    assert result["errors"] == {"base": error}


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("INVALID_SIGNATURE", 400, "application_key_invalid"),
        ("INVALID_KEY", 403, "application_key_invalid"),
    ],
)
async def test_wrong_application_key_or_secret(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, code: str, status: int, error: str
) -> None:
    """A wrong secret or an unknown application key is said on the keys form."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential",
        status=status,
        json={"errorCode": code, "httpCode": str(status), "message": "Invalid signature"},
    )
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["errors"] == {"base": error}


async def test_api_out_of_reach(hass: HomeAssistant, aioclient_mock: AiohttpClientMocker) -> None:
    """No answer from OVH: cannot_connect, and the form keeps the key but not the secret."""
    aioclient_mock.post(f"{API_ENDPOINT}/auth/credential", exc=TimeoutError())
    result = await start_api(hass, KEYS)
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("http://api.example.com/1.0", "api_insecure_endpoint"),
        ("https://user:pass@api.example.com/1.0", "api_endpoint_credentials"),
        ("not a url", "invalid_endpoint"),
    ],
)
async def test_insecure_endpoint(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, endpoint: str, error: str
) -> None:
    """The secret never travels in clear, and the error speaks of keys, not of a password."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "api"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], KEYS | {"connection": {"endpoint": endpoint}}
    )
    assert result["errors"] == {"connection": error}
    assert aioclient_mock.call_count == 0


async def test_no_sms_account(hass: HomeAssistant, aioclient_mock: AiohttpClientMocker) -> None:
    """Keys that see no SMS account end the flow with a clear reason."""
    api_answers(aioclient_mock, accounts=())
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_sms_account"


async def test_no_enabled_sender_leaves_the_short_number(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Only senders waiting for validation: the short number is the one choice."""
    api_answers(aioclient_mock, senders={"Waiting": SENDERS["Waiting"]})
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["step_id"] == "api_sender"
    [selector] = result["data_schema"].schema.values()
    assert selector.config["options"] == ["short_number"]
    placeholders = result["description_placeholders"]
    assert (placeholders["waiting"], placeholders["refused"]) == ("Waiting", "-")


async def test_account_already_configured(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock_api_entry: MockConfigEntry
) -> None:
    """The same SMS account twice with API keys is refused."""
    mock_api_entry.add_to_hass(hass)
    api_answers(aioclient_mock)
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_unexpected_error_while_checking_the_keys(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """An error no one foresaw: the keys form says unexpected error; the log has no secret."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential", exc=RuntimeError("Session is closed")
    )
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["step_id"] == "api"
    assert result["errors"] == {"base": "unknown"}
    assert_unexpected_error_logged(caplog)


async def test_pasted_consumer_key_refused_by_ovh(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A pasted key OVH refuses (revoked, or of another application) is said to be invalid."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential",
        status=403,
        json={"errorCode": "NOT_CREDENTIAL", "httpCode": "403", "message": "Not a credential"},
    )
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["errors"] == {"base": "consumer_key_invalid"}


async def test_key_without_the_right_to_list_accounts(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A pasted key lacking GET /sms: the error names the missing right."""
    api_answers(aioclient_mock)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential", json={"status": "validated", "rules": []}
    )
    aioclient_mock.get(
        f"{API_ENDPOINT}/sms",
        status=403,
        json={"errorCode": "NOT_GRANTED_CALL", "httpCode": "403", "message": "Not granted"},
    )
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["errors"] == {"base": "access_denied"}
    assert result["description_placeholders"]["rule"] == "GET /sms"


async def test_picked_account_cannot_be_read(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """The picked account's reading fails: the account form says why and stays."""
    api_answers(aioclient_mock, accounts=("sms-zz9999-1", ACCOUNT))
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    aioclient_mock.clear_requests()
    aioclient_mock.get(
        f"{API_ENDPOINT}/sms/{ACCOUNT}",
        status=404,
        json={"message": f"The requested object (serviceName = {ACCOUNT}) does not exist"},
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"account": ACCOUNT})
    assert result["step_id"] == "api_account"
    assert result["errors"] == {"base": "account_not_found"}
    assert result["description_placeholders"] == {"account": ACCOUNT}


async def test_unexpected_error_while_reading_the_picked_account(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """The account form says unexpected error, and stays; the log has no secret."""
    api_answers(aioclient_mock, accounts=("sms-zz9999-1", ACCOUNT))
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", exc=RuntimeError("Session is closed"))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"account": ACCOUNT})
    assert result["step_id"] == "api_account"
    assert result["errors"] == {"base": "unknown"}
    assert result["description_placeholders"] == {}
    assert_unexpected_error_logged(caplog)
