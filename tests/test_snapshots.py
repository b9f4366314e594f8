"""Every entity and device of an SMS-user entry and of an API-keys entry, as core snapshots them.

Entities one platform at a time, as core's snapshot_platform requires. The
entries have fixed ids, so the unique ids in the snapshots stay the same from
run to run. Collected on the newest Home Assistant only (see conftest.py).
"""

from __future__ import annotations

from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from syrupy.assertion import SnapshotAssertion

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .conftest import (
    ACCOUNT,
    API_ENDPOINT,
    API_ENTRY_DATA,
    ENTRY_DATA,
    LOGIN,
    account_with_alice,
)


@pytest.fixture(autouse=True)
def frozen_clock(freezer: FrozenDateTimeFactory) -> None:
    """Stop the clock: nothing the entries schedule runs during a test."""
    freezer.move_to("2026-11-22T03:00:00+00:00")


@pytest.fixture
def sms_user_entry() -> MockConfigEntry:
    """Give an SMS user's entry with Alice, under a fixed id."""
    return account_with_alice(ENTRY_DATA, f"{ACCOUNT}_{LOGIN}", entry_id="sms_user_entry")


@pytest.fixture
def api_keys_entry(ovh_api: AiohttpClientMocker) -> MockConfigEntry:
    """Give an API-keys entry with Alice that reads replies (OVH holds none), under a fixed id."""
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming", json=[])
    return account_with_alice(
        API_ENTRY_DATA, f"api_{ACCOUNT}", entry_id="api_keys_entry", options={"replies": True}
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry and set it up."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("entry_fixture", "platform"),
    [
        ("sms_user_entry", Platform.BINARY_SENSOR),
        ("sms_user_entry", Platform.NOTIFY),
        ("sms_user_entry", Platform.SENSOR),
        ("api_keys_entry", Platform.BINARY_SENSOR),
        ("api_keys_entry", Platform.EVENT),
        ("api_keys_entry", Platform.NOTIFY),
        ("api_keys_entry", Platform.SENSOR),
    ],
)
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    request: pytest.FixtureRequest,
    *,
    entry_fixture: str,
    platform: Platform,
) -> None:
    """Each platform's entities, as the registry and the states hold them.

    An SMS user has no event platform entity: it reads no replies. The entry is
    unloaded while the platform list is still patched, so that no unload reaches
    a platform that was never set up (Home Assistant warns about it).
    """
    entry: MockConfigEntry = request.getfixturevalue(entry_fixture)
    with patch("custom_components.ovh_sms.PLATFORMS", [platform]):
        await set_up(hass, entry)
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("entry_fixture", ["sms_user_entry", "api_keys_entry"])
async def test_devices(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
    request: pytest.FixtureRequest,
    entry_fixture: str,
) -> None:
    """The account's device and the recipient's, named as the entry and the recipient."""
    entry: MockConfigEntry = request.getfixturevalue(entry_fixture)
    await set_up(hass, entry)
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert sorted(devices, key=lambda device: device.name or "") == snapshot
