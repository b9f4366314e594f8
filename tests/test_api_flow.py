"""Setting up with OVHcloud API keys: the consumer key, the account, the sender; no SMS spent."""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import make_mocked_request
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.http import current_request
from homeassistant.helpers.network import NoURLAvailableError

from .conftest import (
    ACCOUNT,
    API_ACCOUNT,
    API_ENDPOINT,
    API_ENTRY_DATA,
    APPLICATION_KEY,
    APPLICATION_SECRET,
    CONSUMER_KEY,
    api_calls,
    assert_unexpected_error_logged,
    set_up_api_entry,
)

NEW_CONSUMER_KEY = "newConsumerKey-Qp09Rs87"
VALIDATION_URL = "https://eu.api.ovh.com/auth/?credentialToken=abc123"
RULES = (
    "`GET /sms`, `GET /sms/*`, `POST /sms/*/jobs`, `DELETE /sms/*/jobs/*`, "
    "`DELETE /sms/*/incoming/*`"
)
KEYS = {"application_key": APPLICATION_KEY, "application_secret": APPLICATION_SECRET}
SENDERS = {
    "HomeAlarm": {"status": "enable", "type": "alpha"},
    "Waiting": {"status": "waitingValidation", "type": "alpha"},
    "Refused": {"status": "refused", "type": "alpha"},
    "Disabled": {"status": "disable", "type": "alpha"},
}


def api_answers(
    aioclient_mock: AiohttpClientMocker,
    *,
    state: str = "validated",
    accounts: tuple[str, ...] = (ACCOUNT,),
    senders: dict[str, dict[str, str]] = SENDERS,
) -> None:
    """Make the API answer a key in this state that sees these accounts and senders."""
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.post(
        f"{API_ENDPOINT}/auth/credential",
        json={
            "consumerKey": NEW_CONSUMER_KEY,
            "state": "pendingValidation",
            "validationUrl": VALIDATION_URL,
        },
    )
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential", json={"status": state, "rules": []}
    )
    aioclient_mock.get(f"{API_ENDPOINT}/sms", json=list(accounts))
    for account in accounts:
        aioclient_mock.get(f"{API_ENDPOINT}/sms/{account}", json=API_ACCOUNT | {"name": account})
        aioclient_mock.get(f"{API_ENDPOINT}/sms/{account}/senders", json=list(senders))
        for name, sender in senders.items():
            aioclient_mock.get(
                f"{API_ENDPOINT}/sms/{account}/senders/{name}",
                json={"sender": name, "comment": "", **sender},
            )


async def start_api(hass: HomeAssistant, user_input: dict[str, Any]) -> Any:
    """Start the user flow, choose API keys and submit them."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "api"}
    )
    assert result["step_id"] == "api"
    assert result["description_placeholders"]["create_app_url"] == (
        "https://eu.api.ovh.com/createApp/"
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input | {"connection": {"endpoint": API_ENDPOINT}}
    )


async def back_from_ovh(hass: HomeAssistant, result: Any) -> Any:
    """Do what OVH's redirection does through the view, then what the frontend does next."""
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.EXTERNAL_STEP_DONE
    return await hass.config_entries.flow.async_configure(result["flow_id"])


def no_sms_sent(aioclient_mock: AiohttpClientMocker) -> bool:
    """Tell that no job was posted."""
    return not any(path.endswith("/jobs") for _, path in api_calls(aioclient_mock))


async def test_new_consumer_key_validated_at_ovh(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A key is requested, pending until the user validates it; then the sender; no SMS."""
    api_answers(aioclient_mock, state="pendingValidation")
    result = await start_api(hass, KEYS)
    assert result["step_id"] == "api_authorize"
    request = aioclient_mock.mock_calls[0]
    assert (request[0].upper(), str(request[1])) == ("POST", f"{API_ENDPOINT}/auth/credential")

    # Sent back before OVH reports it validated: the link's form says so, Submit checks again.
    result = await back_from_ovh(hass, result)
    assert result["step_id"] == "api_validate"
    assert result["errors"] == {"base": "consumer_key_pending"}
    assert result["description_placeholders"] == {
        "validation_url": VALIDATION_URL,
        "rules": RULES,
    }

    api_answers(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "api_sender"
    assert result["description_placeholders"] == {
        "account": ACCOUNT,
        "credits_left": "42.5",
        "waiting": "Waiting",
        "refused": "Refused, Disabled",
    }
    schema = result["data_schema"].schema
    [selector] = schema.values()
    assert selector.config["options"] == ["HomeAlarm", "short_number"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"sender": "HomeAlarm"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"{ACCOUNT} · API keys"
    assert result["data"] == API_ENTRY_DATA | {"consumer_key": NEW_CONSUMER_KEY}
    assert result["description"] == "api_ready"
    assert result["description_placeholders"] == {"credits_left": "42.5"}
    assert result["result"].unique_id == f"api_{ACCOUNT}"
    assert no_sms_sent(aioclient_mock)
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


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


async def test_refused_key_gets_a_new_link(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Refused at OVH: the error says so and a new consumer key is requested."""
    api_answers(aioclient_mock, state="refused")
    result = await start_api(hass, KEYS)
    result = await back_from_ovh(hass, result)
    assert result["step_id"] == "api_validate"
    assert result["errors"] == {"base": "consumer_key_refused"}
    posts = [call for call in api_calls(aioclient_mock) if call[0] == "POST"]
    assert posts == [("POST", "/auth/credential")] * 2


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


async def start_reconfigure(hass: HomeAssistant, entry: MockConfigEntry, choice: str) -> Any:
    """Start reconfiguring an API entry and make this choice in its menu."""
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["reconfigure_sender", "reconfigure_keys"]
    assert result["description_placeholders"] == {"account": ACCOUNT}
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": choice}
    )


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


async def test_requested_key_refused_until_validated_reads_as_pending(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH refuses a key it has just issued until it is validated: not validated yet."""
    api_answers(aioclient_mock)
    result = await start_api(hass, KEYS)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential",
        status=403,
        json={"errorCode": "INVALID_CREDENTIAL", "httpCode": "403", "message": "Not valid"},
    )
    result = await back_from_ovh(hass, result)
    assert result["errors"] == {"base": "consumer_key_pending"}


async def test_ovh_out_of_reach_while_validating(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """The validation step says OVH cannot be reached, and stays."""
    api_answers(aioclient_mock)
    result = await start_api(hass, KEYS)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(f"{API_ENDPOINT}/auth/currentCredential", exc=TimeoutError())
    result = await back_from_ovh(hass, result)
    assert result["step_id"] == "api_validate"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_unexpected_error_while_validating(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """The link's form says unexpected error, and stays; the log has no secret."""
    api_answers(aioclient_mock)
    result = await start_api(hass, KEYS)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential", exc=RuntimeError("Session is closed")
    )
    result = await back_from_ovh(hass, result)
    assert result["step_id"] == "api_validate"
    assert result["errors"] == {"base": "unknown"}
    assert_unexpected_error_logged(caplog, NEW_CONSUMER_KEY)


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


HA_URL = "http://homeassistant.local:8123"
VALIDATED_PATH = "/api/ovh_sms/consumer_key_validated"


async def start_with_a_known_url(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, state: str
) -> Any:
    """Start the API keys flow in a Home Assistant that knows its URL; OVH says this state."""
    await async_process_ha_core_config(hass, {"internal_url": HA_URL})
    api_answers(aioclient_mock, state=state)
    return await start_api(hass, KEYS)


async def test_ovh_sends_the_browser_back_and_the_flow_goes_on(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, hass_client_no_auth: Any
) -> None:
    """An external step: OVH's redirection reaches the view, which advances the flow."""
    result = await start_with_a_known_url(hass, aioclient_mock, "pendingValidation")
    flow_id = result["flow_id"]
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    assert result["step_id"] == "api_authorize"
    assert result["url"] == VALIDATION_URL
    assert result["description_placeholders"] == {"rules": RULES}
    method, url, body, _ = aioclient_mock.mock_calls[0]
    assert (method.upper(), str(url)) == ("POST", f"{API_ENDPOINT}/auth/credential")
    redirection = json.loads(body)["redirection"]
    assert redirection == f"{HA_URL}{VALIDATED_PATH}?flow_id={flow_id}"

    api_answers(aioclient_mock)  # the user validated at OVH, which sends the browser back
    client = await hass_client_no_auth()
    response = await client.get(redirection.removeprefix(HA_URL))
    assert response.status == 200
    page = await response.text()
    assert "You can close this tab." in page
    assert "window.close()" in page
    # The frontend, told the external step is done, fetches the next step.
    result = await hass.config_entries.flow.async_configure(flow_id)
    assert result["step_id"] == "api_sender"
    result = await hass.config_entries.flow.async_configure(flow_id, {"sender": "HomeAlarm"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == API_ENTRY_DATA | {"consumer_key": NEW_CONSUMER_KEY}


async def test_sent_back_with_a_refused_key_shows_a_new_link(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, hass_client_no_auth: Any
) -> None:
    """Refused at OVH, which still sends the browser back: the link form, with a new key."""
    result = await start_with_a_known_url(hass, aioclient_mock, "refused")
    flow_id = result["flow_id"]
    client = await hass_client_no_auth()
    await client.get(f"{VALIDATED_PATH}?flow_id={flow_id}")
    result = await hass.config_entries.flow.async_configure(flow_id)
    assert result["step_id"] == "api_validate"
    assert result["errors"] == {"base": "consumer_key_refused"}
    # The new key's redirection finds the flow at the form: the page says to submit it.
    response = await client.get(f"{VALIDATED_PATH}?flow_id={flow_id}")
    assert "submit the form" in await response.text()
    assert hass.config_entries.flow.async_get(flow_id)["step_id"] == "api_validate"


async def test_the_page_of_a_flow_that_is_gone(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, hass_client_no_auth: Any
) -> None:
    """A finished, cancelled or unknown flow: the page says so, in the user's language."""
    hass.config.language = "fr"
    result = await start_with_a_known_url(hass, aioclient_mock, "pendingValidation")
    hass.config_entries.flow.async_abort(result["flow_id"])
    client = await hass_client_no_auth()
    response = await client.get(f"{VALIDATED_PATH}?flow_id={result['flow_id']}")
    assert response.status == 404
    assert "n'est plus en cours" in await response.text()
    assert (await client.get(VALIDATED_PATH)).status == 404


async def test_the_browser_comes_back_to_the_address_it_uses(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """The frontend's own address (reached from outside, say) beats the configured one."""
    request = make_mocked_request("POST", "/", headers={"HA-Frontend-Base": "https://ha.example"})
    token = current_request.set(request)
    try:
        result = await start_with_a_known_url(hass, aioclient_mock, "pendingValidation")
    finally:
        current_request.reset(token)
    body = json.loads(aioclient_mock.mock_calls[0][2])
    assert body["redirection"] == (
        f"https://ha.example{VALIDATED_PATH}?flow_id={result['flow_id']}"
    )


async def test_without_a_known_url_ovh_keeps_the_browser(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Home Assistant does not know its own URL: the request asks for no redirection."""
    api_answers(aioclient_mock, state="pendingValidation")
    with patch("custom_components.ovh_sms.validation.get_url", side_effect=NoURLAvailableError):
        result = await start_api(hass, KEYS)
    assert result["type"] is FlowResultType.FORM  # the link, and Submit once validated
    assert result["step_id"] == "api_validate"
    body = json.loads(aioclient_mock.mock_calls[0][2])
    assert "redirection" not in body
    assert body["accessRules"][0] == {"method": "GET", "path": "/sms"}


async def test_a_wrong_secret_seen_at_validation_brings_back_the_keys_form(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Asking for a key is not signed: a wrong secret shows at validation, on the keys form."""
    api_answers(aioclient_mock)
    result = await start_api(hass, KEYS)
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential",
        status=400,
        json={"errorCode": "INVALID_SIGNATURE", "httpCode": "400", "message": "Invalid signature"},
    )
    result = await back_from_ovh(hass, result)
    assert result["step_id"] == "api"
    assert result["errors"] == {"base": "application_key_invalid"}
    api_answers(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], KEYS | {"connection": {"endpoint": API_ENDPOINT}}
    )
    assert result["step_id"] == "api_authorize"


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
