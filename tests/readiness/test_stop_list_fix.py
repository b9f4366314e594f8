"""The STOP list repair's Fix: confirmed, the exact DELETE OVH receives, the repair gone."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from tests.conftest import ACCOUNT, APPLICATION_KEY, CONSUMER_KEY, READINESS_CALLS, api_calls

from .conftest import ALARM_PATH, ALICE_ID, answer_ovh, readiness_issues, set_up

LISTED = {"blacklists": {"json": ["+33612345678"]}}
DELETE = ("DELETE", f"/sms/{ACCOUNT}/blacklists/%2B33612345678")


async def start_fix(hass: HomeAssistant, client: Any, issue_id: str) -> dict[str, Any]:
    """Press Fix on the repair, as the frontend does."""
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def submit(client: Any, flow_id: str) -> dict[str, Any]:
    """Confirm."""
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={})
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def listed_alice(
    hass: HomeAssistant, entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> str:
    """Set up with Alice on the STOP list and the repairs UI; give her repair's id."""
    answer_ovh(ovh, **LISTED)
    await set_up(hass, entry)
    assert await async_setup_component(hass, "repairs", {})
    return f"readiness_stop_list_{entry.entry_id}_{ALICE_ID}"


async def test_fix_takes_the_recipient_off_the_stop_list(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Confirm: one signed DELETE with her number as OVH spelled it, checked again, all clear."""
    issue_id = await listed_alice(hass, mock_api_entry, ovh_api)
    client = await hass_client()
    result = await start_fix(hass, client, issue_id)
    assert (result["step_id"], result["description_placeholders"]) == (
        "confirm",
        {"recipient": "Alice", "account": ACCOUNT},
    )
    answer_ovh(ovh_api, **{"blacklists/%2B33612345678": {"method": "delete", "text": "null"}})
    result = await submit(client, result["flow_id"])
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert api_calls(ovh_api) == [DELETE, *READINESS_CALLS]
    _, _, _, headers = ovh_api.mock_calls[0]
    assert headers["X-Ovh-Application"] == APPLICATION_KEY
    assert headers["X-Ovh-Consumer"] == CONSUMER_KEY
    assert readiness_issues(hass, mock_api_entry) == {}
    assert hass.states.get(ALARM_PATH).state == STATE_OFF  # type: ignore[union-attr]


async def test_a_key_without_the_right_asks_for_a_new_one(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    issue_registry: ir.IssueRegistry,
) -> None:
    """NOT_GRANTED_CALL: the access repair names the right, reauthentication starts."""
    issue_id = await listed_alice(hass, mock_api_entry, ovh_api)
    client = await hass_client()
    result = await start_fix(hass, client, issue_id)
    denied = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}
    answer_ovh(
        ovh_api,
        **LISTED,
        **{"blacklists/%2B33612345678": {"method": "delete", "status": 403, "json": denied}},
    )
    result = await submit(client, result["flow_id"])
    await hass.async_block_till_done()
    assert (result["type"], result["reason"]) == ("abort", "new_key_needed")
    access = issue_registry.async_get_issue(DOMAIN, f"access_denied_{mock_api_entry.entry_id}")
    assert access is not None
    assert access.translation_placeholders == {
        "account": ACCOUNT,
        "rule": "DELETE /sms/*/blacklists/*",
    }
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(ALARM_PATH).state == STATE_ON  # type: ignore[union-attr]
    assert issue_id in readiness_issues(hass, mock_api_entry)


async def test_a_removal_that_failed_says_so(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """A 5xx once sent: the removal may have been done, the abort says what happened."""
    issue_id = await listed_alice(hass, mock_api_entry, ovh_api)
    client = await hass_client()
    result = await start_fix(hass, client, issue_id)
    answer_ovh(
        ovh_api, **LISTED, **{"blacklists/%2B33612345678": {"method": "delete", "status": 502}}
    )
    result = await submit(client, result["flow_id"])
    assert (result["type"], result["reason"]) == ("abort", "not_removed")
    assert "may have been taken off the STOP list" in result["description_placeholders"]["error"]


async def test_fix_of_an_entry_not_loaded(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Unloaded meanwhile: nothing is sent, the abort says to reload."""
    issue_id = await listed_alice(hass, mock_api_entry, ovh_api)
    assert await hass.config_entries.async_unload(mock_api_entry.entry_id)
    ovh_api.clear_requests()
    result = await start_fix(hass, await hass_client(), issue_id)
    assert (result["type"], result["reason"]) == ("abort", "entry_not_loaded")
    assert ovh_api.mock_calls == []
