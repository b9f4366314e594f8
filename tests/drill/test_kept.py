"""A drill kept: saved before its SMS leaves, judged after a restart, never sent twice."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from tests.alarms.fake_ovh import START, FakeJobs, wait
from tests.conftest import ALICE

from .conftest import saved_before, set_up
from .test_outcomes import DEADLINE, DELIVERED, run_drill

RUNNING = {
    "drill_id": "01DRILL",
    "number": ALICE,
    "deadline": DEADLINE,
    "wants_reply": False,
    "sms_ids": ["1"],
    "delivered": False,
}


def restarted_with(
    hass_storage: dict[str, Any], entry: MockConfigEntry, sms_ids: list[str]
) -> None:
    """Have the drill (and the delivery tracker) hold a drill sent at START, as at a restart."""
    saved_before(hass_storage, entry, running=RUNNING | {"sms_ids": sms_ids})
    key = f"{DOMAIN}.{entry.entry_id}.deliveries"
    followed = [
        {"sms_id": i, "start": START, "expires": "2026-11-24T03:00:00+00:00", "checks": 1}
        | {"receiver": ALICE}
        for i in sms_ids
    ]
    hass_storage[key] = {"version": 1, "key": key, "data": followed}


async def test_the_running_drill_is_saved_before_its_sms_leaves(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """What a restart finds: the drill, its SMS and its deadline."""
    response = await run_drill(hass)
    await wait(hass, freezer, 1)
    saved = hass_storage[f"{DOMAIN}.{entry.entry_id}.drill"]["data"]
    assert saved["running"] == RUNNING | {"drill_id": response["drill_id"], "reply_number": ""}


@pytest.mark.parametrize(
    ("sms_ids", "report", "outcome"),
    [
        (["1"], True, ("passed", None)),  # read at once: its check was due
        (["1"], False, ("failed", "not_delivered")),
        ([], False, ("failed", "outcome_unknown")),  # its SMS was on its way
    ],
)
async def test_a_restart_during_a_drill(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    *,
    hass_storage: dict[str, Any],
    sms_ids: list[str],
    report: bool,
    outcome: tuple[str, str | None],
) -> None:
    """Back 5 minutes into the drill: judged by its report, or at its deadline; nothing resent."""
    restarted_with(hass_storage, mock_api_entry, sms_ids)
    if report:
        jobs.reports["1"] = DELIVERED
    events = async_capture_events(hass, "ovh_sms_drill")
    await set_up(hass, mock_api_entry, freezer, "2026-11-22T03:05:00+00:00")
    if not report:
        await wait(hass, freezer, 299)
        assert events == []
    await wait(hass, freezer, 1)
    assert [(e.data["step"], e.data["reason"]) for e in events] == [outcome]
    assert jobs.bodies == []


@pytest.mark.parametrize(("report", "outcome"), [(True, "passed"), (False, "failed")])
async def test_a_restart_after_the_deadline(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    *,
    hass_storage: dict[str, Any],
    report: bool,
    outcome: str,
) -> None:
    """Down over the deadline: the report read at start still passes it; else it fails then."""
    restarted_with(hass_storage, mock_api_entry, ["1"])
    if report:
        jobs.reports["1"] = DELIVERED
    events = async_capture_events(hass, "ovh_sms_drill")
    await set_up(hass, mock_api_entry, freezer, "2026-11-22T03:20:00+00:00")
    await wait(hass, freezer, 59)
    assert [e.data["step"] for e in events] == (["passed"] if report else [])
    await wait(hass, freezer, 1)
    assert [e.data["step"] for e in events] == [outcome]


async def test_a_reload_keeps_the_running_drill(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """The options change (a reload) during a drill: its report still passes it."""
    events = async_capture_events(hass, "ovh_sms_drill")
    await run_drill(hass)
    assert await hass.config_entries.async_reload(entry.entry_id)
    jobs.reports["1"] = DELIVERED
    await wait(hass, freezer, 20)
    assert [e.data["step"] for e in events] == ["started", "passed"]


async def test_deleting_the_entry_forgets_the_drill(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Its store goes with it."""
    await run_drill(hass)
    await wait(hass, freezer, 1)
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{entry.entry_id}.drill" not in hass_storage


async def test_the_diagnostics_show_the_drill_without_its_number(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    hass_client: ClientSessionGenerator,
) -> None:
    """The next drill and the running one, its number redacted."""
    response = await run_drill(hass)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["drill"] == {
        "next_run": "2026-11-22T03:30:00+00:00",
        "running": RUNNING
        | {
            "drill_id": response["drill_id"],
            "number": "**REDACTED**",
            "reply_number": "",  # the short number: "" as the wire has it
        },
    }
