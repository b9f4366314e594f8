"""The drill's schedule: its weekday and local time, across DST, kept across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.drill_model import next_drill_time
from homeassistant.core import HomeAssistant
from tests.alarms.fake_ovh import FakeJobs, wait
from tests.conftest import ALICE

from .conftest import DRILL, saved_before, set_up

TEXT = "Test SMS of Home Assistant (sms-ab1234-1): the alarm path works. No action needed."


def saved(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """Give what the entry's drill saved."""
    data: dict[str, Any] = hass_storage[f"{DOMAIN}.{entry.entry_id}.drill"]["data"]
    return data


async def test_the_drill_goes_on_its_weekday_at_its_time(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Sunday 04:30 in Paris (03:30 UTC): one SMS to Alice then, none before, the next a week on."""
    events = async_capture_events(hass, "ovh_sms_drill")
    await wait(hass, freezer, 0)
    assert saved(hass_storage, entry)["next_run"] == "2026-11-22T03:30:00+00:00"
    await wait(hass, freezer, 1799)
    assert jobs.bodies == []
    await wait(hass, freezer, 1)
    assert jobs.sent() == [(ALICE, TEXT)]
    assert "senderForResponse" not in jobs.bodies[0]
    assert [e.data["step"] for e in events] == ["started"]
    assert saved(hass_storage, entry)["next_run"] == "2026-11-29T03:30:00+00:00"
    for _ in range(7 * 24 - 1):  # a week, hour by hour: the drill ends, no other SMS goes
        await wait(hass, freezer, 3600)
    await wait(hass, freezer, 3599)
    assert len(jobs.bodies) == 1
    await wait(hass, freezer, 1)
    assert len(jobs.bodies) == 2


async def test_daylight_saving_time_keeps_the_local_time(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Paris springs forward on Sunday 28 March 2027: 04:30 is then 02:30 UTC, not 03:30."""
    await set_up(hass, mock_api_entry, freezer, "2027-03-27T12:00:00+00:00")
    for _ in range(14):
        await wait(hass, freezer, 3600)
    await wait(hass, freezer, 1799)
    assert jobs.bodies == []
    await wait(hass, freezer, 1)
    assert jobs.sent() == [(ALICE, TEXT)]


@pytest.mark.parametrize(
    ("after", "weekday", "at", "expected"),
    [
        # Saturday before the spring change: Sunday 10:00 is CEST, UTC+2.
        ("2027-03-27T12:00:00+00:00", "sun", time(10), "2027-03-28T08:00:00+00:00"),
        # Autumn change: Sunday 10:00 is CET again, UTC+1.
        ("2026-10-24T12:00:00+00:00", "sun", time(10), "2026-10-25T09:00:00+00:00"),
        # The very time: the next week.
        ("2026-11-23T09:00:00+00:00", "mon", time(10), "2026-11-30T09:00:00+00:00"),
        # Just before it: today.
        ("2026-11-23T08:59:59+00:00", "mon", time(10), "2026-11-23T09:00:00+00:00"),
    ],
)
async def test_next_drill_time(
    hass: HomeAssistant, after: str, weekday: str, at: time, expected: str
) -> None:
    """The next drill is the first such day and local time strictly after now, in UTC."""
    moment = datetime.fromisoformat(after).astimezone(UTC)
    assert next_drill_time(weekday, at, moment) == datetime.fromisoformat(expected)


async def test_a_drill_missed_while_down_runs_once_at_setup(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant was down at 03:30 UTC last Sunday: the drill runs at setup, then weekly."""
    saved_before(hass_storage, mock_api_entry, next_run="2026-11-15T03:30:00+00:00")
    await set_up(hass, mock_api_entry, freezer)
    await wait(hass, freezer, 0)
    assert jobs.sent() == [(ALICE, TEXT)]
    assert saved(hass_storage, mock_api_entry)["next_run"] == "2026-11-22T03:30:00+00:00"


async def test_a_changed_schedule_starts_from_now_and_off_sends_nothing(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A schedule saved for another time is dropped; a drill turned off never goes."""
    saved_before(hass_storage, mock_api_entry, schedule="mon 09:00:00")
    await set_up(hass, mock_api_entry, freezer, drill=DRILL | {"enabled": False})
    await wait(hass, freezer, 8 * 24 * 3600)
    assert jobs.bodies == []
    assert saved(hass_storage, mock_api_entry) == {
        "schedule": None,
        "next_run": None,
        "running": None,
    }
