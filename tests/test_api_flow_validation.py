"""A new consumer key validated at OVH: the external step, OVH's redirection, its errors."""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import make_mocked_request
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.http import current_request
from homeassistant.helpers.network import NoURLAvailableError

from .conftest import (
    ACCOUNT,
    API_ENDPOINT,
    API_ENTRY_DATA,
    KEYS,
    NEW_CONSUMER_KEY,
    VALIDATION_URL,
    api_answers,
    api_calls,
    assert_unexpected_error_logged,
    back_from_ovh,
    no_sms_sent,
    start_api,
)

RULES = (
    "`GET /sms`, `GET /sms/*`, `POST /sms/*/jobs`, `DELETE /sms/*/jobs/*`, "
    "`DELETE /sms/*/incoming/*`, `POST /sms/*/virtualNumbers/*/jobs`, "
    "`DELETE /sms/*/virtualNumbers/*/incoming/*`, "
    "`DELETE /sms/*/blacklists/*`"
)
HA_URL = "http://homeassistant.local:8123"
VALIDATED_PATH = "/api/ovh_sms/consumer_key_validated"


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
