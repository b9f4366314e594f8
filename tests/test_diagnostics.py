"""The whole diagnostics of an SMS-user entry and of an API-keys entry, after one send.

Collected on the newest Home Assistant only (see conftest.py); what is redacted is
asserted on both versions in test_sensor_diagnostics.py.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from homeassistant.core import HomeAssistant

from .conftest import ACCOUNT, API_ENDPOINT, ENDPOINT


@pytest.fixture(autouse=True)
def frozen_clock(freezer: FrozenDateTimeFactory) -> None:
    """Stop the clock before the client logs in: the time of the send is in the snapshot."""
    freezer.move_to("2026-11-22T03:00:00+00:00")


async def test_sms_user(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    snapshot: SnapshotAssertion,
) -> None:
    """The credit and time of the last send; no deliveries or replies (http2sms has none)."""
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "7", "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics == snapshot


async def test_api_keys(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    snapshot: SnapshotAssertion,
) -> None:
    """The keys redacted, the credit the job left, its SMS followed, replies read."""
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_api_entry, options={"replies": True})
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_api_entry)
    assert diagnostics == snapshot
