"""An API-keys account reading replies, with Alice and Bob, against the fake OVH."""

from __future__ import annotations

import re

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from tests.conftest import ACCOUNT, API_ENDPOINT, add_recipient, answer_rates

from .fake_ovh import BOB, JOBS, START, FakeJobs


@pytest.fixture
def jobs(ovh_api: AiohttpClientMocker) -> FakeJobs:
    """OVH as an alarm sees it: sends, delivery reports and replies, answered one by one."""
    fake = FakeJobs()
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json={"creditsLeft": 42.5})
    ovh_api.post(JOBS, side_effect=fake)
    ovh_api.get(re.compile(r"/outgoing/\d+$"), side_effect=fake.outgoing)
    ovh_api.get(re.compile(r"/incoming(/\d+)?$"), side_effect=fake.incoming)
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/virtualNumbers", json=[])
    answer_rates(ovh_api)
    return fake


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Set up an API-keys entry reading replies, with Alice and Bob; OVH holds no reply yet."""
    freezer.move_to(START)
    mock_api_entry.add_to_hass(hass)
    add_recipient(hass, mock_api_entry, BOB, "Bob")
    hass.config_entries.async_update_entry(mock_api_entry, options={"replies": True})
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    return mock_api_entry
