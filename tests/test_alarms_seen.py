"""What users see of alarms: the account's Open alarms sensor and the logbook's trail.

The alarms engine is not involved: the tests send its signal and fire its
events themselves, as notices.py and const.py define them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.notices import AlarmSummary, signal_alarms
from homeassistant.const import ATTR_FRIENDLY_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send

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
