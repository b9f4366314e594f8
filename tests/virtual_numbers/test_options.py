"""The options list the account's virtual numbers; a number no longer read is forgotten."""

from __future__ import annotations

from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from tests.conftest import ACCOUNT, API_ACCOUNT, API_ENDPOINT, DEFAULT_OPTIONS, set_up_api_entry

from .conftest import NUMBER, NUMBER_INCOMING, NUMBERS, READ_NUMBER

TWO_WAY = {"replies": False, "delete_replies": False, "push": False}


def numbers_offered(schema: Any) -> tuple[list[dict[str, str]], Any]:
    """Give the numbers the section offers and the ones it suggests."""
    [numbers] = [value for key, value in schema.schema.items() if str(key) == "virtual_numbers"]
    assert isinstance(numbers, section)
    assert numbers.options == {"collapsed": True}
    [(field, selector)] = numbers.schema.schema.items()
    assert str(field) == "numbers"
    return selector.config["options"], (field.description or {}).get("suggested_value")


async def set_up_reading(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    seen: list[str],
) -> str:
    """Set the entry up reading the number, which saved these ids and OVH lists; give its key."""
    key = f"ovh_sms.{entry.entry_id}.{NUMBER}.replies"
    hass_storage[key] = {"version": 1, "key": key, "data": {"seen": seen, "first_read_done": True}}
    ovh_api.get(NUMBER_INCOMING, json=seen)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=READ_NUMBER)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return key


async def test_the_account_s_numbers_are_offered(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Each number OVH lists, shown +33...; the ones read suggested; saved nested."""
    ovh_api.get(NUMBER_INCOMING, json=[])
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    ovh_api.get(NUMBERS, json=[NUMBER, "33644000002"])
    ovh_api.get(NUMBER_INCOMING, json=[])
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    assert numbers_offered(result["data_schema"]) == (
        [
            {"value": NUMBER, "label": "+33644000001"},
            {"value": "33644000002", "label": "+33644000002"},
        ],
        [],
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], DEFAULT_OPTIONS | TWO_WAY | READ_NUMBER
    )
    await hass.async_block_till_done()
    assert mock_api_entry.options["virtual_numbers"] == {"numbers": [NUMBER]}
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    assert numbers_offered(result["data_schema"])[1] == [NUMBER]


async def test_an_account_without_numbers(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """OVH lists none: the section offers none, and nothing is read."""
    await set_up_api_entry(hass, mock_api_entry)
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    assert numbers_offered(result["data_schema"])[0] == []


async def test_numbers_that_cannot_be_listed_keep_those_read(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    caplog: Any,
) -> None:
    """OVH out of reach: the numbers read stay offered, and a warning says why."""
    ovh_api.get(NUMBER_INCOMING, json=[])
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_api_entry, options=READ_NUMBER)
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(NUMBERS, status=503, text="Service Unavailable")
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    assert numbers_offered(result["data_schema"])[0] == [{"value": NUMBER, "label": "+33644000001"}]
    assert (
        f"The virtual numbers of {mock_api_entry.title} could not be listed: OVH answered HTTP 503"
    ) in caplog.text


async def test_a_number_no_longer_read_is_forgotten(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Dropped from the options: its saved ids go, so read again it starts with old news."""
    key = await set_up_reading(hass, hass_storage, mock_api_entry, ovh_api, [])
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], DEFAULT_OPTIONS | TWO_WAY | {"virtual_numbers": {"numbers": []}}
    )
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_deleting_the_entry_forgets_its_numbers(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """The entry deleted: what its numbers saved goes too."""
    key = await set_up_reading(hass, hass_storage, mock_api_entry, ovh_api, ["3"])
    await hass.config_entries.async_remove(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_a_number_still_read_keeps_what_it_saved(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Options saved again with the number: its saved ids stay, nothing is told twice."""
    key = await set_up_reading(hass, hass_storage, mock_api_entry, ovh_api, ["5"])
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], DEFAULT_OPTIONS | TWO_WAY | READ_NUMBER
    )
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["seen"] == ["5"]


async def test_a_number_dropped_in_a_form_left_unsaved_is_kept(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Dropped, then the form closed at its warning: still read, its saved ids still there."""
    key = await set_up_reading(hass, hass_storage, mock_api_entry, ovh_api, ["3"])
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        DEFAULT_OPTIONS | TWO_WAY | {"replies": True, "virtual_numbers": {"numbers": []}},
    )
    assert result["step_id"] == "replies_sender"  # the account's named sender: a warning first
    hass.config_entries.options.async_abort(result["flow_id"])
    await hass.async_block_till_done()
    assert mock_api_entry.options["virtual_numbers"] == {"numbers": [NUMBER]}
    assert hass_storage[key]["data"]["seen"] == ["3"]
