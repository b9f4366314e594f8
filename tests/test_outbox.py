"""The outbox: an SMS that certainly did not leave waits for OVH, and goes once when it is back.

OVH is a stand-in whose connection can be refused (nothing went out) or that
can answer HTTP 503 after the request arrived (the SMS may have gone). Time is
frozen: each try happens at a stored deadline.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import logging
from typing import Any
from unittest.mock import Mock

import aiohttp
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

from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN, EVENT_SMS_SENT
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

from .conftest import ALICE, BOB, ENDPOINT, SUCCESS, notify, send_sms

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CANNOT_CONNECT = "Could not connect to OVH; the SMS was not sent"
OUTBOX_FULL = "The SMS was not sent and could not wait: the outbox already holds 200 SMS."
OUTBOX = f"{DOMAIN}.{{}}.outbox"
SENSOR = "sensor.sms_ab1234_1_outbox"


@dataclass
class Ovh:
    """OVH's stand-in: up, refusing connections (down), or answering 503 (after the request)."""

    state: str = "down"
    # The second since NOW of each try, and of each request that reached OVH, with its form.
    tried: list[float] = field(default_factory=list)
    requests: list[tuple[float, dict[str, str]]] = field(default_factory=list)
    hold: asyncio.Event | None = None
    # Up for this many tries, then down.
    up_for: int | None = None

    async def answer(self, method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        """Answer as the state says; a refused connection never reaches OVH."""
        if self.up_for is not None:
            self.state = "up" if len(self.tried) < self.up_for else "down"
        self.tried.append((datetime.now(UTC) - NOW).total_seconds())
        if self.state == "down":
            raise aiohttp.ClientConnectorError(Mock(), OSError("Connection refused"))
        self.requests.append(((datetime.now(UTC) - NOW).total_seconds(), dict(data)))
        if self.hold is not None:
            await self.hold.wait()
        if self.state == "503":
            return AiohttpClientMockResponse(method, url, status=503)
        if self.state == "refused":
            return AiohttpClientMockResponse(
                method, url, json={"status": 201, "message": "Invalid login or password"}
            )
        return AiohttpClientMockResponse(method, url, json=SUCCESS)

    def messages(self) -> list[str]:
        """List the texts OVH received, in order."""
        return [form["message"] for _, form in self.requests]


@pytest.fixture
async def ovh_down(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> Ovh:
    """Set the account up at NOW (no hourly limit), OVH refusing connections."""
    freezer.move_to(NOW)
    ovh = Ovh()
    aioclient_mock.post(ENDPOINT, side_effect=ovh.answer)
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_HOURLY_LIMIT: 0})
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return ovh


async def at_second(hass: HomeAssistant, freezer: FrozenDateTimeFactory, second: float) -> None:
    """Move the clock to this second after NOW and run what was due."""
    freezer.move_to(NOW + timedelta(seconds=second))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def queued_response(until: datetime, queued: list[str]) -> dict[str, Any]:
    """Give the response of a send that nothing reached but the outbox."""
    return {
        "sms_ids": [],
        "credits_left": None,
        "segments": 0,
        "recipients": [],
        "requests": 0,
        "deferred": None,
        "credits_removed": None,
        "credits_estimated": None,
        "queued": queued,
        "queued_until": until.isoformat(),
        "failed": [],
        "failure": None,
        "path": "sms-ab1234-1",
    }


async def test_an_sms_ovh_could_not_be_reached_for_goes_once_when_it_is_back(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """Queued until 30 minutes later, tried after 10 s: sent then, once, late by 10 s."""
    queued_events = async_capture_events(hass, "ovh_sms_queued")
    sent_events = async_capture_events(hass, EVENT_SMS_SENT)
    response = await send_sms(hass, recipients=[ALICE], message="Leak")
    assert response == queued_response(NOW + timedelta(minutes=30), [ALICE])
    assert [event.data for event in queued_events] == [
        {
            "config_entry_id": hass.config_entries.async_entries(DOMAIN)[0].entry_id,
            "recipients": 1,
            "queued_at": NOW.isoformat(),
            "until": (NOW + timedelta(minutes=30)).isoformat(),
        }
    ]
    ovh_down.state = "up"
    await at_second(hass, freezer, 9)
    assert ovh_down.requests == []
    await at_second(hass, freezer, 10)
    await at_second(hass, freezer, 600)
    assert [(second, form["to"]) for second, form in ovh_down.requests] == [(10.0, ALICE)]
    assert [(event.data["late_by"], event.data["path"]) for event in sent_events] == [
        (10.0, "sms-ab1234-1")
    ]


async def test_tries_back_off_from_10_seconds_to_2_minutes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """OVH stays out of reach: tries at 10 s, then 10, 20, 40, 80 s apart, then every 2 min."""
    await send_sms(hass, recipients=[ALICE], message="Leak")
    for second in range(1, 500):
        await at_second(hass, freezer, second)
    assert ovh_down.tried == [0, 10, 20, 40, 80, 160, 280, 400]


async def test_an_sms_that_may_have_gone_is_never_queued_nor_sent_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """HTTP 503 after the request arrived: the caller reads it may have gone; nothing waits."""
    ovh_down.state = "503"
    queued_events = async_capture_events(hass, "ovh_sms_queued")
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Leak")
    assert err.value.translation_key == "server_error"
    ovh_down.state = "up"
    await at_second(hass, freezer, 600)
    assert (len(ovh_down.requests), queued_events) == (1, [])


async def test_a_refusal_is_never_queued(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """OVH refuses the login: waiting fixes nothing, the caller reads why at once."""
    ovh_down.state = "refused"
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Leak")
    assert err.value.translation_key == "authentication_failed"
    await at_second(hass, freezer, 600)
    assert len(ovh_down.tried) == 1


async def test_queue_false_fails_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """queue: false: the caller reads that the SMS was not sent, and nothing is tried later."""
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Leak", queue=False)
    assert (err.value.translation_key, str(err.value)) == ("cannot_connect", CANNOT_CONNECT)
    ovh_down.state = "up"
    await at_second(hass, freezer, 600)
    assert ovh_down.requests == []


async def test_the_account_option_turns_the_outbox_off(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """Outbox off for the account: notify fails at once; queue: true asks for it anyway."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    hass.config_entries.async_update_entry(entry, options={**entry.options, "outbox": False})
    with pytest.raises(HomeAssistantError):
        await notify(hass, message="Leak")
    await send_sms(hass, recipients=[BOB], message="Leak", queue=True)
    ovh_down.state = "up"
    await at_second(hass, freezer, 600)
    assert [form["to"] for _, form in ovh_down.requests] == [BOB]


async def test_notify_and_the_notify_entities_queue_by_default(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """An alert or a notify group never sees an error: their SMS waits for OVH instead."""
    await notify(hass, message="Legacy")
    await hass.services.async_call(
        "notify", "send_message", {"entity_id": "notify.alice", "message": "Entity"}, blocking=True
    )
    ovh_down.state = "up"
    await at_second(hass, freezer, 10)
    assert ovh_down.messages() == ["Legacy", "Entity"]


async def test_an_sms_too_old_is_dropped_and_reported(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    ovh_down: Ovh,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """max_delay 1 minute: at 60 s the SMS is dropped (event, warning), never sent after."""
    dropped = async_capture_events(hass, "ovh_sms_dropped")
    response = await send_sms(hass, recipients=[ALICE], message="Leak", max_delay=1)
    assert response["queued_until"] == (NOW + timedelta(minutes=1)).isoformat()
    await at_second(hass, freezer, 59)
    assert dropped == []
    await at_second(hass, freezer, 60)
    assert [event.data["reason"] for event in dropped] == ["expired"]
    assert "dropped: OVH could not be reached before its maximum age" in caplog.text
    assert "Leak" not in caplog.text
    ovh_down.state = "up"
    await at_second(hass, freezer, 600)
    assert ovh_down.requests == []


async def test_the_oldest_goes_first(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """Three SMS queued a second apart leave in the order they were queued."""
    for second, text in enumerate(("first", "second", "third")):
        await at_second(hass, freezer, second)
        await send_sms(hass, recipients=[ALICE], message=text)
    ovh_down.state = "up"
    await at_second(hass, freezer, 10)
    assert ovh_down.messages() == ["first", "second", "third"]


async def test_the_outbox_holds_200_sms(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """200 recipients wait; one more is refused, truthfully: it was not sent and does not wait."""
    numbers = [f"+3361234{n:04d}" for n in range(200)]
    response = await send_sms(hass, recipients=numbers, message="Storm")
    assert len(response["queued"]) == 200
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="One more")
    assert (err.value.translation_key, str(err.value)) == (
        "outbox_full",
        f"{OUTBOX_FULL} {CANNOT_CONNECT}",
    )
    ovh_down.state = "up"
    await at_second(hass, freezer, 10)
    assert "One more" not in ovh_down.messages()
    assert sum(len(form["to"].split(",")) for _, form in ovh_down.requests) == 200


async def test_a_full_outbox_survives_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Saved before a restart: each SMS goes at setup, a deferred one at its time."""
    freezer.move_to(NOW)
    ovh = Ovh(state="up")
    aioclient_mock.post(ENDPOINT, side_effect=ovh.answer)

    def saved(text: str, deferred: str | None) -> dict[str, Any]:
        options = dict.fromkeys(
            ("sender", "sms_class", "coding", "no_stop", "tag", "validity"), None
        )
        return {
            "sms_id": text,
            "recipients": [ALICE],
            "message": text,
            "title": None,
            "options": options | {"deferred": deferred},
            "queued_at": (NOW - timedelta(minutes=3)).isoformat(),
            "expires_at": (NOW + timedelta(minutes=27)).isoformat(),
            "attempts": 2,
        }

    hass_storage[OUTBOX.format(mock_config_entry.entry_id)] = {
        "version": 1,
        "key": OUTBOX.format(mock_config_entry.entry_id),
        "data": {
            "next_try": (NOW - timedelta(seconds=30)).isoformat(),
            "failures": 2,
            "sms": [saved("now", None), saved("tonight", "2026-11-22T20:00:00+00:00")],
        },
    }
    sent = async_capture_events(hass, EVENT_SMS_SENT)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await at_second(hass, freezer, 0)
    assert [(form["message"], form.get("deferred")) for _, form in ovh.requests] == [
        ("now", None),
        ("tonight", "210022112026"),
    ]
    assert [event.data["late_by"] for event in sent] == [180.0, 180.0]


async def test_the_outbox_survives_a_reload_and_goes_with_the_entry(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    ovh_down: Ovh,
) -> None:
    """Queued, then reloaded: sent once after; a deleted entry leaves no outbox behind."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await send_sms(hass, recipients=[ALICE], message="Leak")
    assert await hass.config_entries.async_reload(entry.entry_id)
    ovh_down.state = "up"
    await at_second(hass, freezer, 10)
    await at_second(hass, freezer, 600)
    assert ovh_down.messages() == ["Leak"]
    assert OUTBOX.format(entry.entry_id) in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert OUTBOX.format(entry.entry_id) not in hass_storage


async def test_a_send_while_the_outbox_drains_gives_nobody_an_sms_twice(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """OVH holds the queued SMS's request; a new send goes and time passes: each SMS goes once."""
    await send_sms(hass, recipients=[ALICE], message="Queued")
    ovh_down.state = "up"
    ovh_down.hold = asyncio.Event()
    freezer.move_to(NOW + timedelta(seconds=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert ovh_down.messages() == ["Queued"]
    direct = asyncio.create_task(send_sms(hass, recipients=[BOB], message="Direct"))
    await hass.async_block_till_done()
    freezer.move_to(NOW + timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    ovh_down.hold.set()
    await direct
    await at_second(hass, freezer, 600)
    assert sorted(ovh_down.messages()) == ["Direct", "Queued"]


async def test_a_queued_sms_ovh_then_refuses_or_may_have_taken_is_given_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    ovh_down: Ovh,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Back but refusing the login, or 503: each is dropped and reported, never tried again."""
    caplog.set_level(logging.WARNING)
    dropped = async_capture_events(hass, "ovh_sms_dropped")
    await send_sms(hass, recipients=[ALICE], message="Refused")
    ovh_down.state = "refused"
    await at_second(hass, freezer, 10)
    ovh_down.state = "down"
    await send_sms(hass, recipients=[ALICE], message="Unknown")
    ovh_down.state = "503"
    await at_second(hass, freezer, 60)
    await at_second(hass, freezer, 600)
    assert [event.data["reason"] for event in dropped] == ["refused", "may_have_gone"]
    assert ovh_down.messages() == ["Refused", "Unknown"]
    assert "An SMS of the outbox of sms-ab1234-1 was given up" in caplog.text


async def test_the_sensor_counts_the_sms_waiting_and_a_repair_says_when_they_wait_long(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """2 recipients queued: the sensor shows 2 since NOW; at 5 minutes an issue, gone once sent."""
    issues = ir.async_get(hass)
    issue_id = f"outbox_waiting_{hass.config_entries.async_entries(DOMAIN)[0].entry_id}"
    await send_sms(hass, recipients=[ALICE, BOB], message="Leak")
    state = hass.states.get(SENSOR)
    assert state is not None
    assert (state.state, state.attributes["oldest_queued_at"]) == ("2", NOW.isoformat())
    await at_second(hass, freezer, 299)
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    await at_second(hass, freezer, 300)
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "account": "sms-ab1234-1",
        "count": "2",
        "since": "02:00",
    }
    ovh_down.state = "up"
    await at_second(hass, freezer, 400)
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    state = hass.states.get(SENSOR)
    assert state is not None
    assert (state.state, state.attributes["oldest_queued_at"]) == ("0", None)


async def test_an_sms_ovh_takes_meanwhile_sends_the_queued_ones_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """OVH is back at 3 s and takes a new SMS: the queued one goes right after, not at 10 s."""
    await send_sms(hass, recipients=[ALICE], message="Queued")
    ovh_down.state = "up"
    await at_second(hass, freezer, 3)
    await send_sms(hass, recipients=[BOB], message="New")
    await at_second(hass, freezer, 3)
    assert [(second, form["message"]) for second, form in ovh_down.requests] == [
        (3.0, "New"),
        (3.0, "Queued"),
    ]


async def test_the_recipients_a_send_in_several_requests_did_not_reach_wait(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ovh_down: Ovh
) -> None:
    """50 recipients got it; the connection failed for the last 2: they wait, the 50 do not."""
    ovh_down.up_for = 1
    response = await send_sms(
        hass, recipients=[f"+3361234{n:04d}" for n in range(52)], message="Storm"
    )
    waiting = ["0033612340050", "0033612340051"]
    assert (len(response["recipients"]), response["queued"]) == (50, waiting)
    ovh_down.up_for = None
    ovh_down.state = "up"
    await at_second(hass, freezer, 10)
    assert [form["to"] for _, form in ovh_down.requests[1:]] == ["0033612340050,0033612340051"]
