"""A consumer key made before virtual numbers: the access repair and reauth, never silence."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from tests.conftest import ACCOUNT, API_ACCOUNT, API_ENDPOINT, set_up_api_entry

from .conftest import (
    NUMBER,
    NUMBER_INCOMING,
    NUMBER_JOBS,
    NUMBERS,
    minute,
    reading_the_number,
    received,
)

DENIED = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}


def access_repair(
    hass: HomeAssistant, entry: MockConfigEntry
) -> tuple[dict[str, str] | None, list[str]]:
    """Give the access issue's placeholders and the flows in progress' sources."""
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"access_denied_{entry.entry_id}")
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    return (
        None if issue is None else dict(issue.translation_placeholders or {}),
        [flow["context"]["source"] for flow in flows],
    )


async def test_sending_from_a_number_without_the_right(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """POST .../virtualNumbers/*/jobs not granted: the caller reads it; repair and reauth."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    ovh_api.get(NUMBERS, json=[NUMBER])
    ovh_api.post(NUMBER_JOBS, status=403, json=DENIED)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"message": "Hi", "recipients": ["+33612345678"], "sender": "+33644000001"},
            blocking=True,
            return_response=True,
        )
    await hass.async_block_till_done()
    assert err.value.translation_key == "access_denied"
    rule = "POST /sms/*/virtualNumbers/*/jobs"
    assert access_repair(hass, mock_api_entry) == (
        {"account": ACCOUNT, "rule": rule},
        [SOURCE_REAUTH],
    )


async def test_deleting_what_a_number_received_without_the_right(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """DELETE .../virtualNumbers/*/incoming/* not granted: told anyway; repair and reauth."""
    await reading_the_number(hass, mock_api_entry, ovh_api, [], delete_replies=True)
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    ovh_api.get(NUMBER_INCOMING, json=[20])
    ovh_api.get(f"{NUMBER_INCOMING}/20", json=received(20))
    ovh_api.delete(f"{NUMBER_INCOMING}/20", status=403, json=DENIED)
    await minute(hass, freezer)
    rule = "DELETE /sms/*/virtualNumbers/*/incoming/*"
    assert access_repair(hass, mock_api_entry) == (
        {"account": ACCOUNT, "rule": rule},
        [SOURCE_REAUTH],
    )


async def test_a_dry_run_whose_numbers_cannot_be_listed(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """GET .../virtualNumbers not granted: the dry run reads it; repair and reauth, as a send."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(NUMBERS, status=403, json=DENIED)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"message": "Hi", "recipients": ["+33612345678"], "sender": "+33644000001"}
            | {"dry_run": True},
            blocking=True,
            return_response=True,
        )
    await hass.async_block_till_done()
    assert err.value.translation_key == "access_denied"
    assert access_repair(hass, mock_api_entry) == (
        {"account": ACCOUNT, "rule": "GET /sms/*"},
        [SOURCE_REAUTH],
    )
