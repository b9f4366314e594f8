"""The sender step lists the account's virtual numbers; one picked is where SMS go out from."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from tests.conftest import (
    ACCOUNT,
    API_ENDPOINT,
    API_ENTRY_DATA,
    API_JOB,
    CONSUMER_KEY,
    KEYS,
    api_answers,
    no_sms_sent,
    start_api,
)

from .conftest import NUMBER, NUMBER_JOBS


@pytest.mark.parametrize(
    ("numbers", "choices"),
    [
        ((NUMBER,), ["HomeAlarm", "+33644000001", "short_number"]),
        ((), ["HomeAlarm", "short_number"]),
    ],
    ids=["one number", "none"],
)
async def test_the_sender_step_lists_the_virtual_numbers(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    numbers: tuple[str, ...],
    choices: list[str],
) -> None:
    """Each number OVH lists is a sender to pick, +33...; an account with none offers none."""
    api_answers(aioclient_mock, virtual_numbers=numbers)
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    assert result["step_id"] == "api_sender"
    [selector] = result["data_schema"].schema.values()
    assert selector.config["options"] == choices


async def test_a_virtual_number_picked_sends_from_it(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Picked: the entry's sender; its SMS go to /virtualNumbers/{number}/jobs."""
    api_answers(aioclient_mock, virtual_numbers=(NUMBER,))
    result = await start_api(hass, KEYS | {"consumer_key": CONSUMER_KEY})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"sender": "+33644000001"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == API_ENTRY_DATA | {
        "consumer_key": CONSUMER_KEY,
        "sender": "+33644000001",
    }
    await hass.async_block_till_done()
    assert no_sms_sent(aioclient_mock)
    aioclient_mock.post(NUMBER_JOBS, json=API_JOB)
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/virtualNumbers", json=[NUMBER])
    await hass.services.async_call(
        "notify", "ovh_sms", {"message": "Door open", "target": ["+33612345678"]}, blocking=True
    )
    assert [
        str(url) for method, url, _, _ in aioclient_mock.mock_calls if method.upper() == "POST"
    ][-1] == NUMBER_JOBS
