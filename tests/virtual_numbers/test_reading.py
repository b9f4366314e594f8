"""What a virtual number receives: told once, like the short number's replies, with receiver."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_sms.diagnostics import async_get_config_entry_diagnostics
from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from tests.conftest import ACCOUNT, ALICE, API_ACCOUNT, API_ENDPOINT, api_calls

from .conftest import NUMBER, NUMBER_INCOMING, minute, reading_the_number, received

EVENT_ENTITY = "event.sms_ab1234_1_sms_received"
RECEIVER = "0033644000001"


def ovh_again(ovh_api: AiohttpClientMocker, ids: list[int], *told: int) -> None:
    """Forget the calls so far; the number holds these ids, these told ones readable."""
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    ovh_api.get(NUMBER_INCOMING, json=ids)
    for sms_id in told:
        ovh_api.get(f"{NUMBER_INCOMING}/{sms_id}", json=received(sms_id))


async def test_old_sms_are_old_news_new_ones_are_told_once(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """First read: what the number holds is not told; a new SMS fires once, with receiver."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    events = async_capture_events(hass, "ovh_sms_received")
    await reading_the_number(hass, mock_api_entry, ovh_api, [7])
    assert events == []
    ovh_again(ovh_api, [7, 8, 8], 8)  # OVH lists the new one twice
    await minute(hass, freezer)
    await minute(hass, freezer)
    assert [event.data for event in events] == [
        {
            "config_entry_id": mock_api_entry.entry_id,
            "sms_id": "8",
            "sender": ALICE,
            "recipient": "Alice",
            "message": "What is the temperature?",
            "tag": None,
            "received_at": "2026-11-22T03:01:00+00:00",
            "receiver": RECEIVER,
        }
    ]
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["receiver"] == RECEIVER
    assert (
        api_calls(ovh_api).count(("GET", f"/sms/{ACCOUNT}/virtualNumbers/{NUMBER}/incoming/8")) == 1
    )
    # The short number's replies are not read: that option is off.
    assert ("GET", f"/sms/{ACCOUNT}/incoming") not in api_calls(ovh_api)


async def test_nothing_twice_across_reloads_and_restarts(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Told before a reload: not again; the ids are saved under the number's own key."""
    events = async_capture_events(hass, "ovh_sms_received")
    await reading_the_number(hass, mock_api_entry, ovh_api, [])
    ovh_again(ovh_api, [10], 10)
    await minute(hass, freezer)
    ovh_again(ovh_api, [10, 11], 11)
    assert await hass.config_entries.async_reload(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    await minute(hass, freezer)
    assert [e.data["sms_id"] for e in events] == ["10", "11"]
    key = f"ovh_sms.{mock_api_entry.entry_id}.{NUMBER}.replies"
    assert hass_storage[key]["data"] == {"seen": ["10", "11"], "first_read_done": True}


async def test_what_was_saved_before_a_restart_is_not_told_again(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Saved ids are known at start: only the SMS that came while stopped is told."""
    key = f"ovh_sms.{mock_api_entry.entry_id}.{NUMBER}.replies"
    hass_storage[key] = {
        "version": 1,
        "key": key,
        "data": {"seen": ["10"], "first_read_done": True},
    }
    events = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{NUMBER_INCOMING}/11", json=received(11))
    await reading_the_number(hass, mock_api_entry, ovh_api, [10, 11])
    assert [(e.data["sms_id"], e.data["receiver"]) for e in events] == [("11", RECEIVER)]


async def test_deleted_once_read_with_the_replies_option(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """delete_replies: DELETE .../virtualNumbers/{number}/incoming/{id} once told."""
    await reading_the_number(hass, mock_api_entry, ovh_api, [], delete_replies=True)
    ovh_again(ovh_api, [12], 12)
    ovh_api.delete(f"{NUMBER_INCOMING}/12", text="null")
    await minute(hass, freezer)
    assert ("DELETE", f"/sms/{ACCOUNT}/virtualNumbers/{NUMBER}/incoming/12") in api_calls(ovh_api)


async def test_a_push_naming_the_number_is_read_there_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A push naming the number (shortcode) is confirmed there; the next poll tells nothing."""
    assert await async_setup_component(hass, "http", {})
    hass.config.external_url = "https://home.example.org"
    events = async_capture_events(hass, "ovh_sms_received")
    await reading_the_number(hass, mock_api_entry, ovh_api, [], push=True, webhook_id="hook-id-1")
    ovh_again(ovh_api, [13], 13)
    client = await hass_client_no_auth()
    response = await client.get(
        "/api/webhook/hook-id-1",
        params={
            "id": "13",
            "senderid": "+33612345678",
            "message": "x",
            "shortcode": "+33644000001",
        },
    )
    assert response.status == 200
    await hass.async_block_till_done()
    await minute(hass, freezer)
    assert [(e.data["sms_id"], e.data["message"], e.data["receiver"]) for e in events] == [
        ("13", "What is the temperature?", RECEIVER)
    ]
    assert (
        api_calls(ovh_api).count(("GET", f"/sms/{ACCOUNT}/virtualNumbers/{NUMBER}/incoming/13"))
        == 1
    )


async def test_a_failing_read_names_the_number(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: Any,
) -> None:
    """OVH out of reach: one warning naming the number, one line when it is back."""
    await reading_the_number(hass, mock_api_entry, ovh_api, [])
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    ovh_api.get(NUMBER_INCOMING, status=503, text="Service Unavailable")
    await minute(hass, freezer)
    ovh_again(ovh_api, [])
    await minute(hass, freezer)
    lines = [r.getMessage() for r in caplog.records if "replies of" in r.getMessage()]
    assert lines == [
        f"The replies of {ACCOUNT} (+{NUMBER}) could not be read: OVH answered HTTP 503",
        f"The replies of {ACCOUNT} (+{NUMBER}) can be read again",
    ]


async def test_diagnostics_name_no_virtual_number(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The numbers read are the account's phone numbers: the diagnostics redact them."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    await reading_the_number(hass, mock_api_entry, ovh_api, [])
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_api_entry)
    assert diagnostics["options"]["virtual_numbers"] == {"numbers": REDACTED}
    assert "644000001" not in repr(diagnostics)
