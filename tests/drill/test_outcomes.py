"""A drill's outcome: passed on its report (and reply), else failed with a repair saying why."""

from __future__ import annotations

import asyncio
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from tests.alarms.fake_ovh import FakeJobs, send_alarm, wait
from tests.conftest import ACCOUNT, ALICE, ENDPOINT, SUCCESS, api_calls, sent_forms

from .conftest import DRILL, set_up

DELIVERED = {"id": 1, "receiver": "+33612345678", "deliveryReceipt": 1, "ptt": 4}
FAILED = {"id": 1, "receiver": "+33612345678", "deliveryReceipt": 2, "ptt": 8}
DEADLINE = "2026-11-22T03:10:00+00:00"


async def run_drill(hass: HomeAssistant) -> dict[str, Any]:
    """Call ovh_sms.run_drill; give its answer."""
    response = await hass.services.async_call(
        DOMAIN, "run_drill", {}, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


def issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Give the entry's failed drill issue, if there is one."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"drill_failed_{entry.entry_id}")


def outcomes(events: list[Any]) -> list[tuple[str, str | None]]:
    """Each drill event's step and reason."""
    return [(e.data["step"], e.data["reason"]) for e in events]


async def test_a_delivery_report_passes_the_drill(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """The action answers "running" with the SMS and the deadline; the report at 20 s passes."""
    events = async_capture_events(hass, "ovh_sms_drill")
    response = await run_drill(hass)
    assert response == {
        "drill_id": response["drill_id"],
        "outcome": "running",
        "reason": None,
        "sms_ids": ["1"],
        "deadline": DEADLINE,
    }
    jobs.reports["1"] = DELIVERED
    await wait(hass, freezer, 20)
    assert outcomes(events) == [("started", None), ("passed", None)]
    assert events[1].data == {
        "config_entry_id": entry.entry_id,
        "drill_id": response["drill_id"],
        "step": "passed",
        "reason": None,
        "recipient": "Alice",
        "number": ALICE,
        "sms_ids": ["1"],
        "deadline": DEADLINE,
    }
    assert issue(hass, entry) is None


async def test_no_report_in_10_minutes_fails_and_the_next_passed_drill_clears_it(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """Still pending at 10 minutes: failed, not delivered; a repair until a drill passes."""
    events = async_capture_events(hass, "ovh_sms_drill")
    await run_drill(hass)
    await wait(hass, freezer, 599)
    assert outcomes(events) == [("started", None)]
    await wait(hass, freezer, 1)
    assert outcomes(events)[1:] == [("failed", "not_delivered")]
    found = issue(hass, entry)
    assert found is not None
    assert found.translation_key == "drill_not_delivered"
    assert found.translation_placeholders is not None
    assert found.translation_placeholders["recipient"] == "Alice"
    assert found.translation_placeholders["at"] == "2026-11-22 04:00"  # sent then, Paris time

    jobs.reports["2"] = DELIVERED | {"id": 2}
    await run_drill(hass)
    for _ in range(3):  # SMS 1 is still followed: SMS 2 is read at the next run
        await wait(hass, freezer, 20)
    assert outcomes(events)[2:] == [("started", None), ("passed", None)]
    assert issue(hass, entry) is None
    assert len(jobs.bodies) == 2


async def test_a_failed_report_fails_at_once(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """OVH reports the SMS failed: the drill fails then, not at its deadline."""
    events = async_capture_events(hass, "ovh_sms_drill")
    jobs.reports["1"] = FAILED
    await run_drill(hass)
    await wait(hass, freezer, 20)
    assert outcomes(events) == [("started", None), ("failed", "not_delivered")]


@pytest.mark.parametrize(
    ("cause", "reason"), [("refused", "not_accepted"), ("unknown", "outcome_unknown")]
)
async def test_an_sms_ovh_did_not_take(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    *,
    cause: str,
    reason: str,
) -> None:
    """Refused: not accepted; OVH's answer lost: may have gone, and it is not sent again."""
    getattr(jobs, cause).add(ALICE)
    events = async_capture_events(hass, "ovh_sms_drill")
    response = await run_drill(hass)
    assert (response["outcome"], response["reason"], response["sms_ids"]) == ("failed", reason, [])
    assert outcomes(events) == [("started", None), ("failed", reason)]
    found = issue(hass, entry)
    assert found is not None
    assert found.translation_key == f"drill_{reason}"
    assert found.translation_placeholders is not None
    assert found.translation_placeholders["error"]
    await wait(hass, freezer, 1200)  # the scheduled drill is at 30 minutes
    assert len(jobs.bodies) == 1


@pytest.fixture
async def waiting_for_a_reply(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Set up a drill that requires a reply; run it; OVH reports its SMS delivered."""
    drill = DRILL | {"require_reply": True}
    entry = await set_up(hass, mock_api_entry, freezer, drill=drill, replies=True)
    jobs.reports["1"] = DELIVERED
    await run_drill(hass)
    return entry


async def test_a_required_reply(
    hass: HomeAssistant,
    waiting_for_a_reply: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """From the short number; delivered is not enough; Alice's reply, read within 15 s, passes."""
    events = async_capture_events(hass, "ovh_sms_drill")
    assert jobs.bodies[0]["senderForResponse"] is True
    assert "sender" not in jobs.bodies[0]
    assert jobs.bodies[0]["message"].endswith("Reply OK to confirm.")
    await wait(hass, freezer, 60)
    assert events == []
    jobs.reply(31, "+33612345678", "ok", "2026-11-22T03:01:10+00:00")
    await wait(hass, freezer, 15)
    assert outcomes(events) == [("passed", None)]
    assert issue(hass, waiting_for_a_reply) is None


async def test_no_reply_in_10_minutes(
    hass: HomeAssistant,
    waiting_for_a_reply: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Delivered, but nobody answered: failed for want of a reply.

    Neither a stranger's reply nor one Alice sent before the drill (read late) is it.
    """
    events = async_capture_events(hass, "ovh_sms_drill")
    jobs.reply(31, "+33611111111", "ok", "2026-11-22T03:01:10+00:00")
    jobs.reply(32, "+33612345678", "ok", "2026-11-22T02:59:00+00:00")
    await wait(hass, freezer, 20)
    await wait(hass, freezer, 580)
    assert outcomes(events) == [("failed", "no_reply")]
    found = issue(hass, waiting_for_a_reply)
    assert found is not None
    assert found.translation_key == "drill_no_reply"


async def test_one_drill_at_a_time_and_a_recipient_needed(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A second drill while one runs is refused; so is a drill with no recipient chosen."""
    entry = await set_up(hass, mock_api_entry, freezer, drill=DRILL | {"recipient": ""})
    with pytest.raises(ServiceValidationError) as err:
        await run_drill(hass)
    assert err.value.translation_key == "drill_no_recipient"
    hass.config_entries.async_update_entry(entry, options={"drill": DRILL})
    await run_drill(hass)
    with pytest.raises(ServiceValidationError) as err:
        await run_drill(hass)
    assert err.value.translation_key == "drill_running"
    assert len(jobs.bodies) == 1


async def test_a_drill_still_running_at_the_scheduled_time_skips_it(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """One drill at a time: the one started 5 minutes before its time is the week's."""
    await wait(hass, freezer, 1500)
    await run_drill(hass)
    await wait(hass, freezer, 300)
    assert len(jobs.bodies) == 1


async def test_a_scheduled_drill_without_a_recipient_is_a_repair(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The recipient was removed since: at its time the drill raises the not accepted repair."""
    entry = await set_up(hass, mock_api_entry, freezer, drill=DRILL | {"recipient": "gone"})
    await wait(hass, freezer, 1800)
    assert jobs.bodies == []
    found = issue(hass, entry)
    assert found is not None
    assert found.translation_key == "drill_not_accepted"
    assert found.translation_placeholders is not None
    assert found.translation_placeholders["recipient"] == "-"
    assert found.translation_placeholders["at"] == "2026-11-22 04:30"


async def test_with_an_sms_user_ovh_accepting_it_passes(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No delivery reports with http2sms: the answer says passed at once; a refusal, failed."""
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    entry = await set_up(hass, mock_config_entry, freezer)
    response = await run_drill(hass)
    assert (response["outcome"], response["sms_ids"]) == ("passed", ["10867690"])
    assert [form["to"] for form in sent_forms(aioclient_mock)] == [ALICE]
    assert issue(hass, entry) is None
    aioclient_mock.clear_requests()
    aioclient_mock.post(ENDPOINT, json={"status": 201, "message": "Invalid smsAccount"})
    response = await run_drill(hass)
    assert (response["outcome"], response["reason"]) == ("failed", "not_accepted")
    assert issue(hass, entry) is not None


async def test_replies_are_read_often_only_while_the_drill_waits_for_one(
    hass: HomeAssistant,
    waiting_for_a_reply: MockConfigEntry,
    jobs: FakeJobs,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every 15 s while it waits, even once an alarm meanwhile ended; every minute after it."""

    def reads() -> int:
        return api_calls(ovh_api).count(("GET", f"/sms/{ACCOUNT}/incoming"))

    alarm = await send_alarm(hass)
    await hass.services.async_call(
        DOMAIN, "cancel_alarm", {"alarm_id": alarm["alarm_id"]}, blocking=True
    )
    before = reads()
    for _ in range(4):
        await wait(hass, freezer, 15)
    assert reads() - before == 4
    jobs.reply(31, "+33612345678", "ok", "2026-11-22T03:01:10+00:00")
    await wait(hass, freezer, 15)
    before = reads()
    for _ in range(4):
        await wait(hass, freezer, 15)
    assert reads() - before == 1


async def test_a_cancelled_caller_does_not_stop_the_drill(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs, freezer: FrozenDateTimeFactory
) -> None:
    """The script that called run_drill stops while OVH answers: the drill is still judged."""
    events = async_capture_events(hass, "ovh_sms_drill")
    jobs.held = asyncio.Event()
    calling = hass.async_create_task(run_drill(hass))
    await jobs.requested.wait()
    calling.cancel()
    jobs.held.set()
    await hass.async_block_till_done()
    assert calling.cancelled()
    jobs.reports["1"] = DELIVERED
    await wait(hass, freezer, 20)
    assert outcomes(events) == [("started", None), ("passed", None)]


async def test_the_drill_goes_beyond_the_monthly_budget_as_an_alarm_does(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """It tests the alarm path, which no budget blocks: a budget smaller than its SMS lets it go."""
    await set_up(hass, mock_api_entry, freezer, spending={"monthly_budget": 0.5})

    response = await run_drill(hass)

    assert (response["outcome"], response["sms_ids"]) == ("running", ["1"])
    assert issue(hass, mock_api_entry) is None


async def test_the_drill_goes_without_the_stop_mention_as_an_alarm_does(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The entry's SMS carry OVH's STOP mention; the drill's body OVH receives says noStopClause."""
    await set_up(hass, mock_api_entry, freezer, no_stop=False)
    await run_drill(hass)
    assert jobs.bodies[0]["noStopClause"] is True
