"""Sending from a virtual number: the exact request OVH receives, what is refused first."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from tests.conftest import (
    ACCOUNT,
    API_ACCOUNT,
    API_ENDPOINT,
    API_ENTRY_DATA,
    API_JOB,
    account_with_alice,
    api_calls,
    set_up_api_entry,
)

from .conftest import NUMBER, NUMBER_JOBS, NUMBERS

JOBS = f"/sms/{ACCOUNT}/jobs"


async def send(hass: HomeAssistant, **data: Any) -> None:
    """Call ovh_sms.send_sms to Alice."""
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"message": "21 °C in the living room", "recipients": ["+33612345678"], **data},
        blocking=True,
        return_response=True,
    )


def ovh_again(ovh_api: AiohttpClientMocker) -> None:
    """Forget the set-up's calls; OVH answers, the account with one virtual number."""
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    ovh_api.post(f"{API_ENDPOINT}{JOBS}", json=API_JOB)
    ovh_api.get(NUMBERS, json=[NUMBER])
    ovh_api.post(NUMBER_JOBS, json=API_JOB)


def posted(ovh_api: AiohttpClientMocker, url: str) -> list[dict[str, Any]]:
    """Give the bodies posted to url, in order."""
    return [
        json.loads(data)
        for method, called, data, _ in ovh_api.mock_calls
        if method.upper() == "POST" and str(called) == url
    ]


@pytest.mark.parametrize("sender", ["+33644000001", "0033644000001", "33644000001"])
async def test_a_sender_that_is_a_virtual_number_sends_from_it(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker, sender: str
) -> None:
    """POST /virtualNumbers/{number}/jobs without sender fields; the list read once for two."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_again(ovh_api)
    await send(hass, sender=sender)
    await send(hass, sender=sender)
    assert posted(ovh_api, NUMBER_JOBS) == 2 * [
        {
            "message": "21 °C in the living room",
            "receivers": ["0033612345678"],
            "priority": "high",
            "charset": "UTF-8",
        }
    ]
    paths = [path for _, path in api_calls(ovh_api)]
    assert (paths.count(f"/sms/{ACCOUNT}/virtualNumbers"), paths.count(JOBS)) == (1, 0)


async def test_other_senders_go_through_the_jobs(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """A name never reads the list; a number that is not the account's is a declared sender."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_again(ovh_api)
    await send(hass, sender="HomeAlarm")
    assert ("GET", f"/sms/{ACCOUNT}/virtualNumbers") not in api_calls(ovh_api)
    await send(hass, sender="+33698765432")
    assert [body["sender"] for body in posted(ovh_api, f"{API_ENDPOINT}{JOBS}")] == [
        "HomeAlarm",
        "+33698765432",
    ]
    assert posted(ovh_api, NUMBER_JOBS) == []


async def test_the_stop_mention_is_refused_before_spending(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """no_stop off from a virtual number: a translated refusal, no job."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_again(ovh_api)
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, sender="+33644000001", no_stop=False)
    assert err.value.translation_key == "stop_mention_from_virtual_number"
    assert err.value.translation_placeholders == {"number": NUMBER}
    assert str(err.value) == (
        "The virtual number 33644000001 cannot send the STOP mention: send without it "
        "(no_stop on), or from another sender"
    )
    assert not [path for _, path in api_calls(ovh_api) if path.endswith("/jobs")]


async def test_an_entry_sending_from_its_number_with_the_stop_mention_sends_nothing(
    hass: HomeAssistant, ovh_api: AiohttpClientMocker
) -> None:
    """The entry's default asks for the STOP mention: notify reads the refusal, no job."""
    entry = account_with_alice(
        API_ENTRY_DATA | {"sender": "+33644000001"}, f"api_{ACCOUNT}", options={"no_stop": False}
    )
    await set_up_api_entry(hass, entry)
    ovh_again(ovh_api)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "notify", "ovh_sms", {"message": "Leak!", "target": ["+33612345678"]}, blocking=True
        )
    assert err.value.translation_key == "stop_mention_from_virtual_number"
    assert not [path for _, path in api_calls(ovh_api) if path.endswith("/jobs")]
