"""Push with API keys: the options give a webhook URL; OVH's calls to it tell at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.diagnostics import async_get_config_entry_diagnostics
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component

from .conftest import ACCOUNT, ALICE, API_ENDPOINT, DEFAULT_OPTIONS, api_calls, set_up_api_entry

API_OPTIONS = DEFAULT_OPTIONS | {"replies": True, "delete_replies": False, "push": True}


async def turn_push_on(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Turn push (and replies) on in the options; give the webhook id shown."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], API_OPTIONS)
    assert result["step_id"] == "push"
    url = result["description_placeholders"]["url"]
    assert result["description_placeholders"]["account"] == ACCOUNT
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    webhook_id: str = entry.options["webhook_id"]
    assert url.endswith(f"/api/webhook/{webhook_id}")
    return webhook_id


async def test_pushed_report_and_reply(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """A report of a followed SMS and a reply, pushed by OVH, fire their events at once."""
    assert await async_setup_component(hass, "http", {})
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    await set_up_api_entry(hass, mock_api_entry)
    webhook_id = await turn_push_on(hass, mock_api_entry)
    deliveries = async_capture_events(hass, "ovh_sms_delivery")
    replies = async_capture_events(hass, "ovh_sms_received")
    await hass.services.async_call(
        DOMAIN, "send_sms", {"recipients": [ALICE], "message": "Leak!"}, blocking=True
    )
    client = await hass_client_no_auth()
    response = await client.get(
        f"/api/webhook/{webhook_id}",
        # OVH may leave the number out: the SMS went to one recipient, so it is Alice.
        params={"id": "26929925", "ptt": "4", "date": "2026-11-22 03:00:09"},
    )
    assert response.status == 200
    response = await client.post(
        f"/api/webhook/{webhook_id}",
        data={
            "id": "12",
            "senderid": "+33612345678",
            "message": "1",
            "tag": "alarm",
            "shortcode": "38xxx",
        },
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [(e.data["sms_id"], e.data["status"], e.data["recipient"]) for e in deliveries] == [
        ("26929925", "delivered", ALICE)
    ]
    assert [(e.data["sms_id"], e.data["recipient"], e.data["message"]) for e in replies] == [
        ("12", "Alice", "1")
    ]


async def test_anything_else_is_ignored(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """A call that is neither a report nor a reply is answered 200 and tells nothing."""
    assert await async_setup_component(hass, "http", {})
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    await set_up_api_entry(hass, mock_api_entry)
    webhook_id = await turn_push_on(hass, mock_api_entry)
    deliveries = async_capture_events(hass, "ovh_sms_delivery")
    replies = async_capture_events(hass, "ovh_sms_received")
    client = await hass_client_no_auth()
    response = await client.get(f"/api/webhook/{webhook_id}", params={"hello": "world"})
    assert response.status == 200
    await hass.async_block_till_done()
    assert (deliveries, replies) == ([], [])


async def test_push_off_keeps_the_url_for_later(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Turning push off saves at once and keeps the webhook id, so the URL set at OVH stays."""
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    await set_up_api_entry(hass, mock_api_entry)
    webhook_id = await turn_push_on(hass, mock_api_entry)
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"push": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_api_entry.options["push"] is False
    assert mock_api_entry.options["webhook_id"] == webhook_id


async def test_a_pushed_reply_is_not_told_again_by_the_next_read(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: Any,
) -> None:
    """Pushed, then listed by OVH at the next read: told once."""
    assert await async_setup_component(hass, "http", {})
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    await set_up_api_entry(hass, mock_api_entry)
    webhook_id = await turn_push_on(hass, mock_api_entry)
    replies = async_capture_events(hass, "ovh_sms_received")
    client = await hass_client_no_auth()
    await client.get(
        f"/api/webhook/{webhook_id}",
        params={"id": "12", "senderid": "+33612345678", "message": "1"},
    )
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[12])
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [e.data["sms_id"] for e in replies] == ["12"]
    assert ("GET", f"/sms/{ACCOUNT}/incoming/12") not in api_calls(ovh_api)


async def test_a_reply_pushed_twice_is_told_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """OVH may call again (a retry): the same reply is told once."""
    assert await async_setup_component(hass, "http", {})
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    await set_up_api_entry(hass, mock_api_entry)
    webhook_id = await turn_push_on(hass, mock_api_entry)
    replies = async_capture_events(hass, "ovh_sms_received")
    client = await hass_client_no_auth()
    for _ in range(2):
        await client.get(
            f"/api/webhook/{webhook_id}",
            params={"id": "13", "senderid": "+33612345678", "message": "2"},
        )
    await hass.async_block_till_done()
    assert [e.data["sms_id"] for e in replies] == ["13"]


async def test_the_webhook_id_is_not_in_diagnostics(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Whoever has the webhook's id can push fake reports: diagnostics redact it."""
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    await set_up_api_entry(hass, mock_api_entry)
    webhook_id = await turn_push_on(hass, mock_api_entry)
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_api_entry)
    assert diagnostics["options"]["webhook_id"] == "**REDACTED**"
    assert webhook_id not in str(diagnostics)
    assert diagnostics["replies_read"] is True
