"""End to end with API keys: a real flow and real sends against the simulator's OVHcloud API.

The simulator checks every signature, consumer key and access rule like OVH; the
integration uses Home Assistant's shared session. No SMS may be spent to set up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import ClientSession
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from simulator import API_PATH, ENDPOINT_PATH
from tests.conftest import ALICE, LoopbackSimulator, state_of

# The credit sensor of an entry made by the flow: its device is named as the entry.
API_KEYS_CREDITS = "sensor.sms_ab1234_1_api_keys_credits_left"


async def set_up_through_the_flow(
    hass: HomeAssistant, simulator: LoopbackSimulator, hass_client_no_auth: ClientSessionGenerator
) -> Any:
    """Go through the API keys flow as a user does, validating the key on OVH's page.

    OVH's page sends the browser back to Home Assistant, whose page advances the flow.
    """
    api = simulator.ovh.api
    endpoint = simulator.endpoint.removesuffix(ENDPOINT_PATH) + API_PATH
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "api"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "application_key": api.application_key,
            "application_secret": api.application_secret,
            "connection": {"endpoint": endpoint},
        },
    )
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    validation_page = URL(result["url"])
    async with (
        ClientSession() as browser,
        browser.post(
            validation_page.with_query(None),
            data={
                "credentialToken": validation_page.query["credentialToken"],
                "action": "validate",
                "validity": "0",
            },
            allow_redirects=False,
        ) as answer,
    ):
        back = URL(answer.headers["Location"])
    client = await hass_client_no_auth()
    page = await client.get(back.path_qs)
    assert "You can close this tab." in await page.text()

    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["step_id"] == "api_sender"
    assert result["description_placeholders"]["credits_left"] == "100"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"sender": "HomeAlarm"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return result["result"]


async def test_set_up_without_spending_then_send(
    hass: HomeAssistant, simulator: LoopbackSimulator, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """No SMS during set-up; the credit is known before the first send; a send is signed."""
    entry = await set_up_through_the_flow(hass, simulator, hass_client_no_auth)
    assert entry.state is ConfigEntryState.LOADED
    assert simulator.ovh.sent == []
    # The account's device is named as its entry: the way in tells it from an SMS user's.
    assert state_of(hass, API_KEYS_CREDITS) == "100"

    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"recipients": [ALICE], "message": "Water leak in the cellar", "validity": 30},
        blocking=True,
        return_response=True,
    )
    [sms] = simulator.ovh.sent
    assert (sms.via, sms.recipients, sms.sender) == ("api", ("+33612345678",), "HomeAlarm")
    assert sms.no_stop is True
    assert response is not None
    assert response["sms_ids"] == list(sms.sms_ids)
    assert response["credits_left"] == 99.0
    assert response["credits_removed"] == 1.0
    assert simulator.ovh.credits == Decimal(99)
    assert state_of(hass, API_KEYS_CREDITS) == "99"


async def test_a_revoked_key_leads_to_reauthentication(
    hass: HomeAssistant, simulator: LoopbackSimulator, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """The key revoked at OVH: the send fails as not sent, and reauth asks for a new key."""
    entry = await set_up_through_the_flow(hass, simulator, hass_client_no_auth)
    simulator.ovh.api.revoke(entry.data["consumer_key"])
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN, "send_sms", {"recipients": [ALICE], "message": "Hi"}, blocking=True
        )
    assert raised.value.translation_key == "consumer_key_invalid"
    assert simulator.ovh.sent == []
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH
