"""What users see of alarms: the account's Open alarms sensor and the logbook's trail.

The alarms engine is not involved: the tests send its signal and fire its
events themselves, as notices.py and const.py define them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import DOMAIN, EVENT_ALARM
from custom_components.ovh_sms.notices import ALARM_EVENT_KEYS, AlarmSummary, signal_alarms
from homeassistant.const import ATTR_FRIENDLY_NAME
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.integration_platform import async_process_integration_platforms

from .conftest import state_of

OPEN_ALARMS = "sensor.sms_ab1234_1_open_alarms"
STARTED = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
LEAK = AlarmSummary(
    alarm_id="a1b2c3",
    code="47",
    message="Water leak in the cellar",
    recipient="Bob",
    round=1,
    started_at=STARTED,
    deadline=datetime(2026, 11, 22, 3, 4, tzinfo=UTC),
)
# Every round exhausted: nothing left to try but the final actions.
SMOKE = AlarmSummary(
    alarm_id="d4e5f6",
    code="48",
    message="Smoke in the kitchen",
    recipient="0033698765432",
    round=2,
    started_at=STARTED,
    deadline=None,
)


async def test_open_alarms_counted_and_listed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """None open at start; then each open alarm, its times in ISO 8601; none once all ended."""
    state = hass.states.get(OPEN_ALARMS)
    assert state is not None
    assert (state.state, dict(state.attributes)) == (
        "0",
        {"alarms": [], ATTR_FRIENDLY_NAME: "sms-ab1234-1 Open alarms"},
    )

    async_dispatcher_send(hass, signal_alarms(init_integration.entry_id), (LEAK, SMOKE))
    await hass.async_block_till_done()
    state = hass.states.get(OPEN_ALARMS)
    assert state is not None
    assert state.state == "2"
    assert state.attributes["alarms"] == [
        {
            "alarm_id": "a1b2c3",
            "code": "47",
            "message": "Water leak in the cellar",
            "recipient": "Bob",
            "round": 1,
            "started_at": "2026-11-22T03:00:00+00:00",
            "deadline": "2026-11-22T03:04:00+00:00",
        },
        {
            "alarm_id": "d4e5f6",
            "code": "48",
            "message": "Smoke in the kitchen",
            "recipient": "0033698765432",
            "round": 2,
            "started_at": "2026-11-22T03:00:00+00:00",
            "deadline": None,
        },
    ]

    async_dispatcher_send(hass, signal_alarms(init_integration.entry_id), ())
    await hass.async_block_till_done()
    state = hass.states.get(OPEN_ALARMS)
    assert state is not None
    assert (state.state, state.attributes["alarms"]) == ("0", [])


async def test_open_alarms_of_another_account_are_not_counted(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Each account's sensor follows its own entry's alarms only."""
    async_dispatcher_send(hass, signal_alarms("another_entry"), (LEAK,))
    await hass.async_block_till_done()
    assert state_of(hass, OPEN_ALARMS) == "0"


type Describe = Callable[[Event], dict[str, str]]


@pytest.fixture
async def describe_alarm(hass: HomeAssistant, init_integration: MockConfigEntry) -> Describe:
    """Give what the logbook uses to describe an ovh_sms_alarm event, found as it finds it."""
    described: dict[str, tuple[str, Describe]] = {}

    @callback
    def async_describe_event(domain: str, event_type: str, describe: Describe) -> None:
        described[event_type] = (domain, describe)

    async def process(hass: HomeAssistant, domain: str, platform: Any) -> None:
        platform.async_describe_events(hass, async_describe_event)

    await async_process_integration_platforms(hass, "logbook", process)
    await hass.async_block_till_done()
    domain, describe = described[EVENT_ALARM]
    assert domain == DOMAIN
    return describe


def alarm_event(step: str, **data: Any) -> Event:
    """Give an ovh_sms_alarm event of alarm 47 at this step, with every key of the contract."""
    return Event(
        EVENT_ALARM,
        dict.fromkeys(ALARM_EVENT_KEYS)
        | {
            "config_entry_id": "entry",
            "alarm_id": "a1b2c3",
            "step": step,
            "code": "47",
            "round": 1,
            "sms_ids": [],
            "at": "2026-11-22T03:03:12+00:00",
        }
        | data,
    )


ALICE_SMS = {"recipient": "Alice", "number": "0033612345678"}
BOB_SMS = {"recipient": "Bob", "number": "0033798765432"}


@pytest.mark.parametrize(
    ("event", "line"),
    [
        (alarm_event("started"), "Alarm 47 started"),
        (alarm_event("sent", **ALICE_SMS, sms_ids=["1"]), "Alarm 47 sent to Alice"),
        (
            alarm_event("sent", recipient=None, number="0033698765432", round=2),
            "Alarm 47 sent to 0033698765432 (round 2)",
        ),
        (alarm_event("delivered", **ALICE_SMS), "Alarm 47 delivered to Alice"),
        (alarm_event("escalated", **BOB_SMS), "Alarm 47 escalated to Bob"),
        (
            alarm_event(
                "acknowledged",
                **BOB_SMS,
                acknowledged_by="Bob",
                acknowledged_via="sms",
                elapsed=192,
            ),
            "Alarm 47 acknowledged by Bob by SMS after 3 min 12 s",
        ),
        (
            alarm_event("acknowledged", acknowledged_via="action", elapsed=0.4),
            "Alarm 47 acknowledged in Home Assistant after 0 s",
        ),
        (
            alarm_event("acknowledged", acknowledged_via="alert", elapsed=3605),
            "Alarm 47 acknowledged through its alert after 1 h 5 s",
        ),
        (
            alarm_event("acknowledged", acknowledged_by="Bob", acknowledged_via="call", elapsed=60),
            "Alarm 47 acknowledged by Bob after 1 min",
        ),
        (alarm_event("exhausted"), "Alarm 47 exhausted: nobody acknowledged"),
        (alarm_event("cancelled"), "Alarm 47 cancelled"),
        (alarm_event("paused"), "Alarm 47 paused"),
    ],
    ids=[
        "started",
        "sent",
        "sent_to_a_number_in_round_2",
        "delivered",
        "escalated",
        "acknowledged_by_sms",
        "acknowledged_in_home_assistant",
        "acknowledged_through_the_alert",
        "acknowledged_in_a_way_unknown_to_this_version",
        "exhausted",
        "cancelled",
        "a_step_unknown_to_this_version",
    ],
)
async def test_each_step_reads_as_a_line_of_the_trail(
    describe_alarm: Describe, event: Event, line: str
) -> None:
    """The logbook shows the alarm's name, then what happened, in English (as core's do)."""
    described = describe_alarm(event)
    assert f"{described['name']} {described['message']}" == line
