"""The Alarm path against the simulator: a recipient on the STOP list, a service about to expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from tests.conftest import ALICE, LoopbackSimulator, state_of

from .conftest import api_entry_on, set_up_api_entry_at

ALARM_PATH = "binary_sensor.sms_ab1234_1_alarm_path"
# Alice as OVH spells her on its STOP list.
ALICE_LISTED = "+33612345678"


def readiness_issues(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, ir.IssueEntry]:
    """Give the entry's readiness repairs, by issue id."""
    return {
        issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith("readiness_") and entry.entry_id in issue_id
    }


async def check_now(hass: HomeAssistant) -> None:
    """Ask for the sensor's update, as a user or a tester does instead of waiting 6 hours."""
    assert await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": ALARM_PATH}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("freezer")
async def test_a_recipient_on_the_stop_list_is_fixed_by_the_repair(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """On the STOP list: update_entity turns the sensor on; the Fix takes her off, sensor off."""
    entry = await set_up_api_entry_at(hass, api_entry_on(simulator))
    assert await async_setup_component(hass, "repairs", {})
    assert state_of(hass, ALARM_PATH) == STATE_OFF
    simulator.ovh.api.readiness.put_on_stop_list(ALICE, dt_util.utcnow())

    await check_now(hass)

    assert state_of(hass, ALARM_PATH) == STATE_ON
    assert hass.states.get(ALARM_PATH).attributes["stop_list"] == "problem"  # type: ignore[union-attr]
    issue_id = f"readiness_stop_list_{entry.entry_id}_alice_id"
    issue = readiness_issues(hass, entry)[issue_id]
    assert (issue.is_fixable, issue.translation_placeholders) == (
        True,
        {"account": entry.data["account"], "recipient": "Alice"},
    )

    flows = repairs_flow_manager(hass)
    assert flows is not None
    result = await flows.async_init(DOMAIN, data={"issue_id": issue_id})
    assert (result["step_id"], result["description_placeholders"]) == (
        "confirm",
        {"recipient": "Alice", "account": entry.data["account"]},
    )
    assert ALICE_LISTED in simulator.ovh.api.readiness.stop_list  # nothing done before confirming
    result = await flows.async_configure(result["flow_id"], {})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert simulator.ovh.api.readiness.stop_list == {}
    assert readiness_issues(hass, entry) == {}
    assert state_of(hass, ALARM_PATH) == STATE_OFF


@pytest.mark.usefixtures("freezer")
async def test_a_service_10_days_from_expiry_raises_its_repair(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """OVH says the service expires in 10 days: a warning repair says when; the sensor is on."""
    expires_on = dt_util.now().date() + timedelta(days=10)
    simulator.ovh.api.readiness.expiration = expires_on

    entry = await set_up_api_entry_at(hass, api_entry_on(simulator))

    issue = readiness_issues(hass, entry)[f"readiness_service_expiring_{entry.entry_id}"]
    assert (issue.severity, issue.translation_placeholders) == (
        ir.IssueSeverity.WARNING,
        {"account": entry.data["account"], "expires_on": expires_on.isoformat(), "days": "10"},
    )
    assert state_of(hass, ALARM_PATH) == STATE_ON
    assert hass.states.get(ALARM_PATH).attributes["expires_on"] == expires_on.isoformat()  # type: ignore[union-attr]
