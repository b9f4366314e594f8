"""An API-keys account whose weekly drill goes to Alice on Sundays at 04:30, Paris time."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from tests.alarms.conftest import jobs  # noqa: F401 - OVH's jobs, reports and replies
from tests.alarms.fake_ovh import START, FakeJobs

# Sunday 22 November 2026, 04:00 in Paris (START): the drill is due in 30 minutes.
DRILL = {"enabled": True, "weekday": "sun", "time": "04:30:00", "recipient": "alice_id"}


@pytest.fixture(autouse=True)
async def paris(hass: HomeAssistant) -> None:
    """Home Assistant lives in Paris: the schedule is Paris time."""
    await hass.config.async_set_time_zone("Europe/Paris")


async def set_up(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    at: str = START,
    **options: Any,
) -> MockConfigEntry:
    """Set the entry up at this time with these options (the drill's by default)."""
    freezer.move_to(at)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={"drill": DRILL, **options})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,  # noqa: F811
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Give the API-keys entry with the weekly drill, set up at START; OVH answers one by one."""
    return await set_up(hass, mock_api_entry, freezer)


def saved_before(hass_storage: dict[str, Any], entry: MockConfigEntry, **drill: Any) -> None:
    """Have the entry's drill hold this schedule, next time and running drill, as at a restart."""
    key = f"{DOMAIN}.{entry.entry_id}.drill"
    data = {"schedule": "sun 04:30:00", "next_run": "2026-11-22T03:30:00+00:00", "running": None}
    hass_storage[key] = {"version": 1, "key": key, "data": data | drill}
