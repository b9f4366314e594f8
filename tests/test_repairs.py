"""The repair that turns an entry of kinsoi/ha-ovh-sms-plugin into an API keys entry."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import ACCOUNT, API_ENDPOINT, FOREIGN_ENTRY_DATA, foreign_entry, state_of

ISSUE = "foreign_entry_{}"


async def start_fix(hass: HomeAssistant, client: Any, entry: MockConfigEntry) -> dict[str, Any]:
    """Press Fix on the entry's repair, as the frontend does."""
    response = await client.post(
        "/api/repairs/issues/fix",
        json={"handler": DOMAIN, "issue_id": ISSUE.format(entry.entry_id)},
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def submit(client: Any, flow_id: str) -> dict[str, Any]:
    """Submit the fix flow's confirmation."""
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={})
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def set_up_foreign(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the leftover entry, let its setup fail, and load the repairs UI."""
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert await async_setup_component(hass, "repairs", {})
    await hass.async_block_till_done()


async def test_fix_turns_the_entry_into_an_api_keys_entry(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ovh_api: AiohttpClientMocker,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Keys, account, sender and recipients kept; the entry loads and reads its credit."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="OVH SMS - sms-ab1234-1",
        unique_id=ACCOUNT,
        data=FOREIGN_ENTRY_DATA | {"recipients": ["+33698765432", "not a number", "+33698765432"]},
    )
    await set_up_foreign(hass, entry)
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE.format(entry.entry_id))
    assert issue is not None
    assert issue.is_fixable is True
    assert issue.translation_key == "foreign_entry_fixable"
    assert issue.data == {"entry_id": entry.entry_id}

    client = await hass_client()
    result = await start_fix(hass, client, entry)
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {
        "title": "OVH SMS - sms-ab1234-1",
        "account": ACCOUNT,
        "recipients": "1",
    }
    result = await submit(client, result["flow_id"])
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert entry.data == {
        "mode": "api",
        "application_key": "AppKey1234",
        "application_secret": "AppSecret5678",
        "consumer_key": "ConsumerKey9012",
        "account": ACCOUNT,
        "sender": "",
        "endpoint": API_ENDPOINT,
    }
    assert (entry.title, entry.unique_id, entry.minor_version) == (
        f"{ACCOUNT} · API keys",
        f"api_{ACCOUNT}",
        2,
    )
    assert entry.options == {"service_name": "ovh_sms"}
    assert [(sub.title, dict(sub.data)) for sub in entry.subentries.values()] == [
        ("0033698765432", {"phone_number": "0033698765432"})
    ]
    assert issue_registry.async_get_issue(DOMAIN, ISSUE.format(entry.entry_id)) is None
    assert state_of(hass, "sensor.sms_ab1234_1_api_keys_credits_left") == "42.5"


async def test_fix_refused_when_the_account_already_has_an_api_entry(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ovh_api: AiohttpClientMocker,
    mock_api_entry: MockConfigEntry,
) -> None:
    """Two entries for one SMS account with API keys would send twice: the fix says so."""
    mock_api_entry.add_to_hass(hass)
    entry = foreign_entry()
    await set_up_foreign(hass, entry)
    client = await hass_client()
    result = await start_fix(hass, client, entry)
    result = await submit(client, result["flow_id"])
    assert result["type"] == "abort"
    assert result["reason"] == "already_configured"
    assert entry.data == FOREIGN_ENTRY_DATA


async def test_fix_of_an_entry_deleted_meanwhile(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """The entry was deleted while the repair was open: nothing to convert."""
    entry = foreign_entry()
    await set_up_foreign(hass, entry)
    client = await hass_client()
    result = await start_fix(hass, client, entry)
    await hass.config_entries.async_remove(entry.entry_id)
    result = await submit(client, result["flow_id"])
    assert result["type"] == "abort"
    assert result["reason"] == "entry_gone"


async def test_entry_without_keys_is_not_fixable(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Without its API keys the entry cannot be converted: the repair only explains."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="OVH SMS - sms-ab1234-1",
        data={"service_name": ACCOUNT, "recipients": ["+33698765432"]},
    )
    await set_up_foreign(hass, entry)
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE.format(entry.entry_id))
    assert issue is not None
    assert issue.is_fixable is False
    assert issue.translation_key == "foreign_entry"
