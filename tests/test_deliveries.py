"""Delivery reports with API keys: each SMS followed until final, told once, kept on restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    mock_restore_cache,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.delivery import async_get_tracker
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from .conftest import (
    ACCOUNT,
    ALICE,
    API_ACCOUNT,
    API_ENDPOINT,
    API_JOB,
    add_recipient,
    api_calls,
    set_up_api_entry,
    state_of,
)

OUTGOING = f"{API_ENDPOINT}/sms/{ACCOUNT}/outgoing/26929925"
JOB = f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs/26929925"
NOT_FOUND = {"message": "The requested object (id = 26929925) does not exist"}
LAST_SMS = "sensor.sms_ab1234_1_last_sms"
BOB = "0033698765432"


def attributes(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    """Return the entity's attributes; it must have a state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return dict(state.attributes)


def outgoing(receipt: int, ptt: int | None, **fields: Any) -> dict[str, Any]:
    """OVH's /outgoing/{id} answer for the SMS sent to Alice."""
    return {
        "id": 26929925,
        "receiver": "+33612345678",
        "sender": "HomeAlarm",
        "deliveryReceipt": receipt,
        "ptt": ptt,
        "sentAt": "2026-11-22T03:00:05+00:00",
        "deliveredAt": None,
        **fields,
    }


async def send(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Send to Alice through ovh_sms.send_sms; give its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"recipients": [ALICE], "message": "Leak!", **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def cancel(hass: HomeAssistant, sms_ids: list[str]) -> dict[str, Any]:
    """Cancel these SMS through ovh_sms.cancel_sms; give its response."""
    response = await hass.services.async_call(
        DOMAIN, "cancel_sms", {"sms_ids": sms_ids}, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let Home Assistant's clock run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def reads(aioclient_mock: AiohttpClientMocker) -> list[tuple[str, str]]:
    """List the delivery reads made so far."""
    return [
        call for call in api_calls(aioclient_mock) if "/outgoing/" in call[1] or "/jobs/" in call[1]
    ]


async def test_delivered_after_a_pending_read(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Read at 20 s (not final), 40 s (delivered): one event, the entity shows it, no more reads."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    ovh_api.get(OUTGOING, json=outgoing(0, 3))
    await send(hass)
    await wait(hass, freezer, 19)
    assert reads(ovh_api) == []
    await wait(hass, freezer, 1)
    assert reads(ovh_api) == [("GET", f"/sms/{ACCOUNT}/outgoing/26929925")]
    assert events == []

    ovh_api.clear_requests()
    ovh_api.get(OUTGOING, json=outgoing(1, 4, deliveredAt="2026-11-22T03:00:09+00:00"))
    await wait(hass, freezer, 20)
    assert [event.data for event in events] == [
        {
            "config_entry_id": mock_api_entry.entry_id,
            "sms_id": "26929925",
            "recipient": ALICE,
            "status": "delivered",
            "ptt": 4,
            "delivery_receipt": 1,
            "description": "delivered",
            "delivered_at": "2026-11-22T03:00:09+00:00",
        }
    ]
    state = hass.states.get("notify.alice")
    assert state is not None
    assert state.attributes["delivery_status"] == "delivered"
    assert state.attributes["delivery_sms_id"] == "26929925"
    await wait(hass, freezer, 3600)
    assert len(reads(ovh_api)) == 1


@pytest.mark.parametrize("answer", [(2, 5, "failed"), (0, 8, "expired")], ids=["failed", "expired"])
async def test_final_failures(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    answer: tuple[int, int, str],
) -> None:
    """A failure or an expiry reported by OVH is told with its status and code."""
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    receipt, ptt, status = answer
    ovh_api.get(OUTGOING, json=outgoing(receipt, ptt))
    await send(hass)
    await wait(hass, freezer, 20)
    assert [(e.data["status"], e.data["ptt"], e.data["recipient"]) for e in events] == [
        (status, ptt, ALICE)
    ]


async def test_no_final_report_before_the_validity_ends(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Still not delivered when its validity ends (one last read says so): expired, reads stop."""
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    ovh_api.get(OUTGOING, json=outgoing(0, 3))
    await send(hass, validity=5)
    for _ in range(12):
        await wait(hass, freezer, 30)
    assert [(e.data["status"], e.data["recipient"], e.data["ptt"]) for e in events] == [
        ("expired", ALICE, None)
    ]
    # 20 s, 40 s, 60 s, 2 min, 4 min, and 5 min when the validity ended.
    assert len(reads(ovh_api)) == 6
    await wait(hass, freezer, 3600)
    assert len(reads(ovh_api)) == 6


async def test_delivered_in_the_last_minutes_of_its_validity(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With validity 10, delivered at minute 9 (after the 8-minute read): the last read says so."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    ovh_api.get(OUTGOING, json=outgoing(0, 3))
    await send(hass, validity=10)
    for _ in range(27):
        await wait(hass, freezer, 20)
    assert len(reads(ovh_api)) == 6  # 20 s to 8 min
    ovh_api.clear_requests()
    ovh_api.get(OUTGOING, json=outgoing(1, 4, deliveredAt="2026-11-22T03:09:00+00:00"))
    await wait(hass, freezer, 60)
    assert reads(ovh_api) == [("GET", f"/sms/{ACCOUNT}/outgoing/26929925")]
    assert [(e.data["status"], e.data["delivered_at"]) for e in events] == [
        ("delivered", "2026-11-22T03:09:00+00:00")
    ]


async def test_a_failed_last_read_ends_as_expired(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """OVH out of reach when the validity ends: no final report came, so expired; no more reads."""
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    ovh_api.get(OUTGOING, status=503, text="Service Unavailable")
    await send(hass, validity=1)
    for _ in range(3):
        await wait(hass, freezer, 20)
    assert [e.data["status"] for e in events] == ["expired"]
    assert len(reads(ovh_api)) == 3  # 20 s, 40 s, and 60 s when the validity ended
    await wait(hass, freezer, 3600)
    assert len(reads(ovh_api)) == 3


async def test_deferred_sms_read_as_a_pending_job_from_its_time(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A deferred SMS is not read before its time; then /jobs while OVH holds it."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.get(OUTGOING, status=404, json=NOT_FOUND)
    ovh_api.get(JOB, json={"id": 26929925, "receiver": "+33612345678", "ptt": None})
    await send(hass, deferred="2026-11-22T04:00:00+00:00")
    await wait(hass, freezer, 3600)
    assert reads(ovh_api) == []
    await wait(hass, freezer, 20)
    assert reads(ovh_api) == [
        ("GET", f"/sms/{ACCOUNT}/outgoing/26929925"),
        ("GET", f"/sms/{ACCOUNT}/jobs/26929925"),
    ]


async def test_followed_sms_survive_a_restart_and_are_told_once(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reloaded before any report: the new tracker reads it and tells it once."""
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    await send(hass)
    await wait(hass, freezer, 2)  # saved
    assert await hass.config_entries.async_reload(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    ovh_api.get(OUTGOING, json=outgoing(1, 4))
    await wait(hass, freezer, 20)
    await wait(hass, freezer, 3600)
    assert [e.data["status"] for e in events] == ["delivered"]


async def test_a_send_accepted_while_its_entry_is_unloaded_is_followed(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """OVH answers once the entry unloaded: set up again, it reads the SMS and tells it once."""
    requested, answered = asyncio.Event(), asyncio.Event()

    async def held_back(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        requested.set()
        await answered.wait()
        return AiohttpClientMockResponse(method, url, json=API_JOB)

    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    aioclient_mock.post(f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs", side_effect=held_back)
    aioclient_mock.get(OUTGOING, json=outgoing(1, 4))
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    sending = asyncio.create_task(send(hass))
    await requested.wait()
    assert await hass.config_entries.async_unload(mock_api_entry.entry_id)
    answered.set()
    assert (await sending)["sms_ids"] == ["26929925"]
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    await wait(hass, freezer, 20)
    await wait(hass, freezer, 3600)
    assert [e.data["status"] for e in events] == ["delivered"]


async def test_cancel_a_deferred_sms(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """cancel_sms deletes the job, answers the ids, and the SMS is no longer followed."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.delete(JOB, text="null")
    response = await send(hass, deferred="2026-11-22T04:00:00+00:00")
    assert await cancel(hass, response["sms_ids"]) == {"cancelled": ["26929925"]}
    assert ("DELETE", f"/sms/{ACCOUNT}/jobs/26929925") in api_calls(ovh_api)
    assert "scheduled_at" not in attributes(hass, "notify.alice")
    await wait(hass, freezer, 7200)
    assert reads(ovh_api) == [("DELETE", f"/sms/{ACCOUNT}/jobs/26929925")]
    assert (state_of(hass, "notify.alice"), state_of(hass, LAST_SMS)) == ("unknown", "unknown")


async def test_a_cancel_on_the_wire_is_recorded_when_its_caller_is_cancelled(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A script stopped while OVH cancels the SMS: it is never shown as sent at its time."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    await set_up_api_entry(hass, mock_api_entry)
    requested, answered = asyncio.Event(), asyncio.Event()

    async def cancelled_later(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        requested.set()
        await answered.wait()
        return AiohttpClientMockResponse(method, url, text="null")

    ovh_api.delete(JOB, side_effect=cancelled_later)
    response = await send(hass, deferred="2026-11-22T04:00:00+00:00")
    caller = hass.async_create_task(cancel(hass, response["sms_ids"]))
    await requested.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    answered.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert "scheduled_at" not in attributes(hass, "notify.alice")
    await wait(hass, freezer, 7200)
    assert (state_of(hass, "notify.alice"), state_of(hass, LAST_SMS)) == ("unknown", "unknown")


async def test_cancel_one_sms_of_a_deferred_send_to_two(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Which recipient an id was is unknown: neither entity shows it; Last SMS does at its time."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    mock_api_entry.add_to_hass(hass)
    add_recipient(hass, mock_api_entry, BOB, "Bob")
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.clear_requests()
    ovh_api.post(
        f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs",
        json=API_JOB | {"ids": [1, 2], "validReceivers": ["+33612345678", "+33698765432"]},
    )
    ovh_api.delete(f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs/2", text="null")
    await send(hass, recipients=[ALICE, BOB], deferred="2026-11-22T04:00:00+00:00")
    assert attributes(hass, "notify.bob")["scheduled_at"] == datetime(2026, 11, 22, 4, tzinfo=UTC)
    await hass.services.async_call(DOMAIN, "cancel_sms", {"sms_ids": ["2"]}, blocking=True)
    assert "scheduled_at" not in attributes(hass, "notify.alice")
    assert "scheduled_at" not in attributes(hass, "notify.bob")
    await wait(hass, freezer, 3600)
    assert state_of(hass, LAST_SMS) == "2026-11-22T04:00:00+00:00"
    assert (state_of(hass, "notify.alice"), state_of(hass, "notify.bob")) == ("unknown", "unknown")


async def test_cancel_an_sms_already_sent(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """An id OVH no longer holds: the error names it and what was cancelled."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.delete(JOB, status=404, json=NOT_FOUND)
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN, "cancel_sms", {"sms_ids": ["26929925"]}, blocking=True
        )
    assert str(raised.value) == (
        "These SMS could not be cancelled: OVH has no pending SMS with these ids (already sent, "
        "already cancelled, or unknown): 26929925. Cancelled: -"
    )


async def test_a_cancel_made_again_after_a_lost_answer(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The first cancel's answer is lost, the second finds nothing pending: one read says cancelled.

    OVH holds it neither as pending nor as sent: the first cancel did it. The
    action answers it cancelled, and it is no longer followed (no expired report).
    """
    freezer.move_to("2026-11-22T03:00:00+00:00")
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    answers = iter(
        [
            AiohttpClientMockResponse("DELETE", URL(JOB), exc=TimeoutError()),
            AiohttpClientMockResponse("DELETE", URL(JOB), status=404, json=NOT_FOUND),
        ]
    )

    async def delete(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        return next(answers)

    ovh_api.delete(JOB, side_effect=delete)
    ovh_api.get(OUTGOING, status=404, json=NOT_FOUND)
    ovh_api.get(JOB, status=404, json=NOT_FOUND)
    response = await send(hass, deferred="2026-11-22T04:00:00+00:00")
    with pytest.raises(HomeAssistantError) as raised:
        await cancel(hass, response["sms_ids"])
    assert raised.value.translation_key == "cancel_failed"
    assert await cancel(hass, response["sms_ids"]) == {"cancelled": ["26929925"]}
    for _ in range(3 * 24):
        await wait(hass, freezer, 3600)
    assert events == []
    assert reads(ovh_api) == [
        ("DELETE", f"/sms/{ACCOUNT}/jobs/26929925"),
        ("DELETE", f"/sms/{ACCOUNT}/jobs/26929925"),
        ("GET", f"/sms/{ACCOUNT}/outgoing/26929925"),
        ("GET", f"/sms/{ACCOUNT}/jobs/26929925"),
        ("GET", f"/sms/{ACCOUNT}/outgoing/26929925"),
    ]


async def test_a_cancel_too_late_tells_the_sms_state(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Nothing pending because OVH sent it: the error names it, its delivery is told at once."""
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    ovh_api.delete(JOB, status=404, json=NOT_FOUND)
    ovh_api.get(OUTGOING, json=outgoing(1, 4))
    response = await send(hass)
    with pytest.raises(HomeAssistantError) as raised:
        await cancel(hass, response["sms_ids"])
    assert raised.value.translation_key == "sms_already_gone"
    assert raised.value.translation_placeholders == {"cancelled": "-", "gone": "26929925"}
    assert [(e.data["sms_id"], e.data["status"]) for e in events] == [("26929925", "delivered")]


async def test_a_cancel_too_late_with_its_state_unread(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Nothing pending and the read fails: named as gone, and still followed to its end."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.delete(JOB, status=404, json=NOT_FOUND)
    ovh_api.get(OUTGOING, status=503, text="Service Unavailable")
    response = await send(hass)
    with pytest.raises(HomeAssistantError) as raised:
        await cancel(hass, response["sms_ids"])
    assert raised.value.translation_placeholders == {"cancelled": "-", "gone": "26929925"}
    tracker = await async_get_tracker(hass, mock_api_entry)
    assert tracker.followed == ["26929925"]


async def test_cancel_without_the_cancel_right(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """The key lacks DELETE /sms/*/jobs/*: the error names it, Repairs too, reauth asks for it."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.delete(
        JOB,
        status=403,
        json={"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"},
    )
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN, "cancel_sms", {"sms_ids": ["26929925", "2"]}, blocking=True
        )
    assert str(raised.value) == (
        "Cancelling stopped: the consumer key does not allow DELETE /sms/*/jobs/*. Cancelled: -; "
        "already gone: -; the others were not cancelled. Reauthenticate the account to get a "
        "key that does"
    )
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"access_denied_{mock_api_entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"account": ACCOUNT, "rule": "DELETE /sms/*/jobs/*"}
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH


async def test_cancel_needs_api_keys(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """With an SMS user there is nothing to cancel with: refused before any request."""
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(DOMAIN, "cancel_sms", {"sms_ids": ["1"]}, blocking=True)
    assert raised.value.translation_key == "cancel_needs_api_keys"
    assert aioclient_mock.call_count == 0


async def test_hourly_reads_after_the_schedule_and_failed_reads_retried(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A read that fails is tried again later; after the first hour, one read an hour."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.get(OUTGOING, status=503, text="Service Unavailable")
    await send(hass)
    elapsed = 0
    for count, at in enumerate((20, 40, 60, 120, 240, 480, 900, 1800, 3600, 7200), start=1):
        await wait(hass, freezer, at - elapsed - 1)
        assert len(reads(ovh_api)) == count - 1, at
        await wait(hass, freezer, 1)
        assert len(reads(ovh_api)) == count, at
        elapsed = at


async def test_damaged_saved_sms_are_left_out(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A saved SMS whose times cannot be read is dropped; the good one is still followed."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    hass_storage[f"ovh_sms.{mock_api_entry.entry_id}.deliveries"] = {
        "version": 1,
        "key": f"ovh_sms.{mock_api_entry.entry_id}.deliveries",
        "data": [
            {"sms_id": "1", "start": "junk", "expires": "junk", "checks": 0, "receiver": ""},
            {
                "sms_id": "26929925",
                "start": "2026-11-22T02:59:00+00:00",
                "expires": "2026-11-24T02:59:00+00:00",
                "checks": 2,
                "receiver": ALICE,
            },
        ],
    }
    ovh_api.get(OUTGOING, json=outgoing(1, 4))
    await set_up_api_entry(hass, mock_api_entry)
    await wait(hass, freezer, 1)
    assert reads(ovh_api) == [("GET", f"/sms/{ACCOUNT}/outgoing/26929925")]


async def test_cancel_stops_when_ovh_cannot_be_reached(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """OVH out of reach: the error says why, what was cancelled, and that the rest was not."""
    await set_up_api_entry(hass, mock_api_entry)
    ovh_api.delete(JOB, text="null")
    ovh_api.delete(f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs/2", exc=TimeoutError())
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN, "cancel_sms", {"sms_ids": ["26929925", "2", "3"]}, blocking=True
        )
    assert raised.value.translation_key == "cancel_failed"
    assert raised.value.translation_placeholders["cancelled"] == "26929925"
    assert raised.value.translation_placeholders["gone"] == "-"
    assert ("DELETE", f"/sms/{ACCOUNT}/jobs/3") not in api_calls(ovh_api)


async def test_the_last_delivery_state_is_shown_again_after_a_restart(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """The recipient's entity restores its delivery attributes with its state."""
    mock_restore_cache(
        hass,
        [
            State(
                "notify.alice",
                "2026-11-22T03:00:00+00:00",
                {"delivery_status": "failed", "delivery_sms_id": "26929925"},
            )
        ],
    )
    await set_up_api_entry(hass, mock_api_entry)
    state = hass.states.get("notify.alice")
    assert state is not None
    assert state.attributes["delivery_status"] == "failed"
    assert state.attributes["delivery_sms_id"] == "26929925"


async def test_a_read_that_ends_after_the_account_was_deleted(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The account is deleted while OVH answers a read: no event, its file is not written again."""
    await set_up_api_entry(hass, mock_api_entry)
    events = async_capture_events(hass, "ovh_sms_delivery")
    requested, answered = asyncio.Event(), asyncio.Event()

    async def delivered_later(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        requested.set()
        await answered.wait()
        return AiohttpClientMockResponse(method, url, json=outgoing(1, 4))

    ovh_api.get(OUTGOING, side_effect=delivered_later)
    await send(hass)
    await wait(hass, freezer, 2)  # saved
    stored = f"ovh_sms.{mock_api_entry.entry_id}.deliveries"
    assert stored in hass_storage
    freezer.tick(timedelta(seconds=18))
    async_fire_time_changed(hass)
    await requested.wait()
    await hass.config_entries.async_remove(mock_api_entry.entry_id)
    assert stored not in hass_storage
    answered.set()
    await hass.async_block_till_done()
    await wait(hass, freezer, 2)  # past any delayed save
    assert events == []
    assert stored not in hass_storage
