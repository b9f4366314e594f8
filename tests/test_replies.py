"""Replies with API keys: each new SMS received told once (event and entity), none lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.ovh_sms.const import DOMAIN, LOGGER
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .conftest import ACCOUNT, ALICE, API_ACCOUNT, API_ENDPOINT, api_calls, set_up_api_entry

INCOMING = f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming"
EVENT_ENTITY = "event.sms_ab1234_1_sms_received"
SERVER_ERROR = "OVH answered HTTP 500"
NOT_GRANTED_RULE = "DELETE /sms/*/incoming/*"
REFUSED = "OVH refused the call (HTTP 400): Too many parameters"


def reply(reply_id: int, sender: str = "+33612345678", message: str = "1") -> dict[str, Any]:
    """OVH's /incoming/{id} answer."""
    return {
        "id": reply_id,
        "creationDatetime": "2026-11-22T03:01:00+00:00",
        "sender": sender,
        "message": message,
        "tag": "alarm",
        "credits": 1,
    }


async def with_replies(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    ids: list[int],
    **options: Any,
) -> None:
    """Set the entry up with replies on; OVH holds these reply ids."""
    ovh_api.get(INCOMING, json=ids)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={"replies": True, **options})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def minute(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let a minute pass: one read of the replies."""
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_old_replies_are_not_told_new_ones_are_once(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At the first read what OVH holds is old news; a new reply fires once, naming Alice."""
    freezer.move_to("2026-11-22T03:00:00+00:00")
    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [7])
    assert events == []
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.state == "unknown"

    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[7, 8])
    ovh_api.get(f"{INCOMING}/8", json=reply(8))
    await minute(hass, freezer)
    await minute(hass, freezer)
    assert [event.data for event in events] == [
        {
            "config_entry_id": mock_api_entry.entry_id,
            "sms_id": "8",
            "sender": ALICE,
            "recipient": "Alice",
            "message": "1",
            "tag": "alarm",
            "received_at": "2026-11-22T03:01:00+00:00",
            "receiver": None,
        }
    ]
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.state == "2026-11-22T03:01:00.000+00:00"
    assert state.attributes["event_type"] == "received"
    assert state.attributes["sender"] == ALICE
    assert state.attributes["message"] == "1"
    assert api_calls(ovh_api).count(("GET", f"/sms/{ACCOUNT}/incoming/8")) == 1


async def test_unknown_sender_and_delete_once_read(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A number that is no recipient: recipient None; with delete_replies the reply is deleted."""
    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [], delete_replies=True)
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[9])
    ovh_api.get(f"{INCOMING}/9", json=reply(9, sender="+33698765432", message="STOP"))
    ovh_api.delete(f"{INCOMING}/9", text="null")
    await minute(hass, freezer)
    assert [(e.data["sender"], e.data["recipient"], e.data["message"]) for e in events] == [
        ("0033698765432", None, "STOP")
    ]
    assert ("DELETE", f"/sms/{ACCOUNT}/incoming/9") in api_calls(ovh_api)


async def test_no_reply_twice_after_a_restart(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Told before the reload: not told again; one that came meanwhile is told."""
    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [])
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[10])
    ovh_api.get(f"{INCOMING}/10", json=reply(10))
    await minute(hass, freezer)
    freezer.tick(timedelta(seconds=2))  # saved
    async_fire_time_changed(hass)
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    ovh_api.get(INCOMING, json=[10, 11])
    ovh_api.get(f"{INCOMING}/11", json=reply(11))
    assert await hass.config_entries.async_reload(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    await minute(hass, freezer)
    assert [e.data["sms_id"] for e in events] == ["10", "11"]


async def test_replies_off_read_nothing(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without the option: no reads of /incoming, no event entity; only the credit is read."""
    await set_up_api_entry(hass, mock_api_entry)
    for _ in range(60):
        await minute(hass, freezer)
    assert [path for _, path in api_calls(ovh_api)].count(f"/sms/{ACCOUNT}/incoming") == 0
    assert hass.states.get(EVENT_ENTITY) is None


async def test_a_failing_read_is_logged_once(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: Any,
) -> None:
    """OVH out of reach: one warning, then one line when it is back."""
    await with_replies(hass, mock_api_entry, ovh_api, [])
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, status=503, text="Service Unavailable")
    await minute(hass, freezer)
    await minute(hass, freezer)
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[])
    await minute(hass, freezer)
    lines = [r.getMessage() for r in caplog.records if "replies of" in r.getMessage()]
    assert lines == [
        f"The replies of {ACCOUNT} could not be read: OVH answered HTTP 503",
        f"The replies of {ACCOUNT} can be read again",
    ]


async def test_what_was_told_before_a_restart_is_not_told_again(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Saved ids are known at start: only the reply that came while stopped is told."""
    key = f"ovh_sms.{mock_api_entry.entry_id}.replies"
    hass_storage[key] = {
        "version": 1,
        "key": key,
        "data": {"seen": ["10"], "first_read_done": True},
    }
    events = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/11", json=reply(11))
    await with_replies(hass, mock_api_entry, ovh_api, [10, 11])
    assert [e.data["sms_id"] for e in events] == ["11"]


async def test_deleting_the_entry_forgets_replies_and_deliveries(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """What the entry saved about replies and deliveries goes with it."""
    await with_replies(hass, mock_api_entry, ovh_api, [5])
    await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    keys = {f"ovh_sms.{mock_api_entry.entry_id}.{name}" for name in ("replies", "deliveries")}
    assert keys <= hass_storage.keys()
    assert await hass.config_entries.async_remove(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    assert not keys & hass_storage.keys()


async def test_turning_replies_off_removes_the_event_entity(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """No replies read, no SMS received entity left behind."""
    await with_replies(hass, mock_api_entry, ovh_api, [])
    assert hass.states.get(EVENT_ENTITY) is not None
    hass.config_entries.async_update_entry(mock_api_entry, options={"replies": False})
    assert await hass.config_entries.async_reload(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(EVENT_ENTITY) is None
    assert er.async_get(hass).async_get(EVENT_ENTITY) is None


async def test_replies_received_while_off_are_not_told_when_turned_on_again(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A "reply 1 to disarm" must not fire on a reply that came while replies were off."""

    def ovh_holds(ids: list[int]) -> None:
        ovh_api.clear_requests()
        ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
        ovh_api.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
        ovh_api.get(INCOMING, json=ids)
        for reply_id in ids:
            ovh_api.get(f"{INCOMING}/{reply_id}", json=reply(reply_id))

    async def set_replies(*, read: bool) -> None:
        hass.config_entries.async_update_entry(mock_api_entry, options={"replies": read})
        assert await hass.config_entries.async_reload(mock_api_entry.entry_id)
        await hass.async_block_till_done()

    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [7])
    await set_replies(read=False)
    ovh_holds([7, 8])
    await minute(hass, freezer)
    assert ("GET", f"/sms/{ACCOUNT}/incoming") not in api_calls(ovh_api)  # off: not read
    await set_replies(read=True)
    assert events == []

    ovh_holds([7, 8, 9])
    await minute(hass, freezer)
    assert [event.data["sms_id"] for event in events] == ["9"]
    assert ("GET", f"/sms/{ACCOUNT}/incoming/8") not in api_calls(ovh_api)


async def test_a_reply_ovh_cannot_serve_blocks_no_other(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: Any,
) -> None:
    """One reply OVH fails to serve: the next one is told at once; it is given up after 10."""
    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [])

    def ovh_holds(ids: list[int]) -> None:
        ovh_api.clear_requests()
        ovh_api.get(INCOMING, json=ids)
        ovh_api.get(f"{INCOMING}/20", status=500, text="Internal Server Error")
        for reply_id in ids[1:]:
            ovh_api.get(f"{INCOMING}/{reply_id}", json=reply(reply_id))

    ovh_holds([20, 21])
    await minute(hass, freezer)
    assert [e.data["sms_id"] for e in events] == ["21"]
    ovh_holds([20, 21, 22])  # 22 came later, and is not held behind 20
    await minute(hass, freezer)
    assert [e.data["sms_id"] for e in events] == ["21", "22"]
    for _ in range(10):
        await minute(hass, freezer)
    assert [e.data["sms_id"] for e in events] == ["21", "22"]
    calls = api_calls(ovh_api)
    assert calls.count(("GET", f"/sms/{ACCOUNT}/incoming/20")) == 9  # and 1 before
    assert ("GET", f"/sms/{ACCOUNT}/incoming/21") not in calls
    warnings = [
        r.getMessage() for r in caplog.records if r.levelname == "WARNING" and r.name == LOGGER.name
    ]
    assert warnings == [
        f"Reply 20 of {ACCOUNT} could not be read in 10 attempts and is given up: {SERVER_ERROR}"
    ]


@pytest.mark.parametrize(
    ("status", "answer", "rule"),
    [
        (403, {"errorCode": "NOT_GRANTED_CALL", "message": "Not granted"}, NOT_GRANTED_RULE),
        (503, {"message": "Service Unavailable"}, None),
    ],
    ids=["right-missing", "ovh-out-of-reach"],
)
async def test_a_failed_delete_stops_no_reply(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: Any,
    *,
    status: int,
    answer: dict[str, str],
    rule: str | None,
) -> None:
    """A delete refused or failed: every reply is told and deleted; a missing right named once."""
    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [], delete_replies=True)
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[30, 31])
    for reply_id in (30, 31):
        ovh_api.get(f"{INCOMING}/{reply_id}", json=reply(reply_id))
        ovh_api.delete(f"{INCOMING}/{reply_id}", status=status, json=answer)
    await minute(hass, freezer)
    assert [e.data["sms_id"] for e in events] == ["30", "31"]
    assert ("DELETE", f"/sms/{ACCOUNT}/incoming/31") in api_calls(ovh_api)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"access_denied_{mock_api_entry.entry_id}")
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    warnings = [
        r.getMessage() for r in caplog.records if r.levelname == "WARNING" and r.name == LOGGER.name
    ]
    if rule is None:
        assert (issue, flows, warnings) == (None, [], [])
        return
    assert issue is not None
    assert issue.translation_placeholders == {"account": ACCOUNT, "rule": rule}
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert warnings == [
        f"The replies of {ACCOUNT} cannot be deleted: the consumer key does not allow {rule}"
    ]


async def test_a_refused_read_of_replies_is_not_called_a_refused_sms(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: Any,
) -> None:
    """The log line of a refused read says what was refused: a read, not an SMS."""
    await with_replies(hass, mock_api_entry, ovh_api, [])
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, status=400, json={"message": "Too many parameters"})
    await minute(hass, freezer)
    lines = [r.getMessage() for r in caplog.records if "replies of" in r.getMessage()]
    assert lines == [f"The replies of {ACCOUNT} could not be read: {REFUSED}"]


async def test_a_refusal_of_every_read_gives_no_reply_up(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Rate limited: the run stops at the first read, and no reply is given up for it."""
    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [])
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[50, 51])
    ovh_api.get(f"{INCOMING}/50", status=429, json={"message": "Too many requests"})
    for _ in range(12):
        await minute(hass, freezer)
    calls = api_calls(ovh_api)
    assert calls.count(("GET", f"/sms/{ACCOUNT}/incoming/50")) == 12
    assert ("GET", f"/sms/{ACCOUNT}/incoming/51") not in calls
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[50, 51])
    for reply_id in (50, 51):
        ovh_api.get(f"{INCOMING}/{reply_id}", json=reply(reply_id))
    await minute(hass, freezer)
    assert [e.data["sms_id"] for e in events] == ["50", "51"]


async def test_a_read_that_ends_after_the_account_was_deleted(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The account is deleted while OVH answers a reply's read: no event, no file written again."""
    events = async_capture_events(hass, "ovh_sms_received")
    await with_replies(hass, mock_api_entry, ovh_api, [5])
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    stored = f"ovh_sms.{mock_api_entry.entry_id}.replies"
    assert stored in hass_storage
    requested, answered = asyncio.Event(), asyncio.Event()

    async def read_later(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        requested.set()
        await answered.wait()
        return AiohttpClientMockResponse(method, url, json=reply(6))

    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[5, 6])
    ovh_api.get(f"{INCOMING}/6", side_effect=read_later)
    freezer.tick(timedelta(seconds=58))
    async_fire_time_changed(hass)
    await requested.wait()
    assert await hass.config_entries.async_remove(mock_api_entry.entry_id)
    assert stored not in hass_storage
    answered.set()
    await hass.async_block_till_done()
    await minute(hass, freezer)  # past any delayed save
    assert events == []
    assert stored not in hass_storage


async def test_a_delete_refused_after_the_account_was_deleted(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The account is deleted while OVH refuses a reply's delete: no repair, no reauth for it."""
    await with_replies(hass, mock_api_entry, ovh_api, [], delete_replies=True)
    requested, answered = asyncio.Event(), asyncio.Event()

    async def refused_later(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        requested.set()
        await answered.wait()
        return AiohttpClientMockResponse(
            method, url, status=403, json={"errorCode": "NOT_GRANTED_CALL", "message": "No"}
        )

    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[30])
    ovh_api.get(f"{INCOMING}/30", json=reply(30))
    ovh_api.delete(f"{INCOMING}/30", side_effect=refused_later)
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await requested.wait()
    assert await hass.config_entries.async_remove(mock_api_entry.entry_id)
    answered.set()
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"access_denied_{mock_api_entry.entry_id}")
        is None
    )
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def test_a_first_read_that_ends_after_the_account_was_deleted(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """OVH out of reach at the first read; the account deleted during the next: no file written."""
    ovh_api.get(INCOMING, status=503, text="Service Unavailable")
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_api_entry, options={"replies": True})
    await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    requested, answered = asyncio.Event(), asyncio.Event()

    async def listed_later(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        requested.set()
        await answered.wait()
        return AiohttpClientMockResponse(method, url, json=[5])

    ovh_api.clear_requests()
    ovh_api.get(INCOMING, side_effect=listed_later)
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await requested.wait()
    assert await hass.config_entries.async_remove(mock_api_entry.entry_id)
    answered.set()
    await hass.async_block_till_done()
    await minute(hass, freezer)  # past any delayed save
    assert f"ovh_sms.{mock_api_entry.entry_id}.replies" not in hass_storage
