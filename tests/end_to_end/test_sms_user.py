"""End to end: Home Assistant's actions reach the http2sms simulator over loopback HTTP.

Nothing is mocked here: the integration uses Home Assistant's shared aiohttp
session, and the simulator checks each request like OVH does.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import DOMAIN, ISSUE_IP_NOT_AUTHORIZED
from custom_components.ovh_sms.ovhsms import SmsCoding
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from tests.conftest import ACCOUNT, ALICE, CREDITS, LOGIN, PASSWORD, LoopbackSimulator, state_of

BOB = "0033798765432"


async def test_notify_reaches_the_simulator_and_the_credit_drops(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """The legacy notify action sends one SMS to every recipient, with the title first."""
    await hass.services.async_call(
        "notify",
        "ovh_sms",
        {"title": "Alarm", "message": "Water leak\nin the cellar"},
        blocking=True,
    )
    [request] = simulator.ovh.requests
    assert request["password"] == PASSWORD
    assert request["contentType"] == "application/json"
    [sms] = simulator.ovh.sent
    assert sms.recipients == (ALICE,)
    assert sms.sender == "HomeAlarm"
    assert sms.message == "Alarm\rWater leak\rin the cellar"
    assert (sms.coding, sms.segments, sms.no_stop) == (SmsCoding.GSM7, 1, True)
    assert simulator.ovh.credits == Decimal(99)
    assert state_of(hass, CREDITS) == "99"


async def test_send_sms_with_every_option(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """Every option of ovh_sms.send_sms arrives as OVH expects it, and the answer comes back."""
    await hass.config.async_set_time_zone("America/New_York")
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "recipients": ["notify.alice", "07 98 76 54 32"],
            "message": "Fenêtre ouverte",
            "sender": "HomeAlarm",
            "sms_class": "flash",
            "no_stop": False,
            "deferred": "2099-07-19 12:30:00",
            "tag": "window",
        },
        blocking=True,
        return_response=True,
    )
    [sms] = simulator.ovh.sent
    assert response == {
        "sms_ids": list(sms.sms_ids),
        "credits_left": 98.0,
        "segments": 1,
        "recipients": [ALICE, BOB],
        "requests": 1,
        "deferred": "2099-07-19T12:30:00-04:00",
        "credits_removed": None,
        "credits_estimated": 2.0,
        "queued": [],
        "queued_until": None,
        "failed": [],
        "failure": None,
        "path": hass.config_entries.async_entries("ovh_sms")[0].title,
    }
    assert sms.recipients == (ALICE, BOB)
    assert (sms.coding, sms.no_stop, sms.sms_class, sms.tag) == (
        SmsCoding.UCS2,
        False,
        "0",
        "window",
    )
    # 12:30 in New York is 18:30 in Paris: OVH receives Paris wall time.
    assert sms.deferred == datetime(2099, 7, 19, 18, 30)  # noqa: DTZ001
    assert state_of(hass, CREDITS) == "98"


async def test_an_unauthorised_ip_raises_a_repair_until_a_send_passes(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """OVH's 401 is a translated error and a repair issue; the next success clears it."""
    simulator.ovh.unauthorized = True
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            "notify", "send_message", {"entity_id": "notify.alice", "message": "hi"}, blocking=True
        )
    assert raised.value.translation_key == "ip_not_authorized"
    assert len(simulator.ovh.requests) == 1
    assert simulator.ovh.sent == []
    issue_id = f"{ISSUE_IP_NOT_AUTHORIZED}_{simulator_entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    assert simulator_entry.state is ConfigEntryState.LOADED

    simulator.ovh.unauthorized = False
    await hass.services.async_call(
        "notify", "send_message", {"entity_id": "notify.alice", "message": "hi"}, blocking=True
    )
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert state_of(hass, CREDITS) == "99"


async def test_a_changed_password_asks_for_reauthentication(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """When OVH refuses the credentials, the caller is told and a reauth flow starts."""
    simulator.ovh.password = "changed-on-ovh"  # noqa: S105
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call("notify", "ovh_sms", {"message": "hi"}, blocking=True)
    assert raised.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert simulator_entry.state is ConfigEntryState.LOADED


async def test_an_unknown_sender_and_an_exhausted_credit_are_refused(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """OVH's refusals reach the caller translated, and the sensor keeps the last credit."""
    await hass.services.async_call("notify", "ovh_sms", {"message": "hi"}, blocking=True)
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            "notify", "ovh_sms", {"message": "hi", "data": {"sender": "Unknown"}}, blocking=True
        )
    assert raised.value.translation_key == "sender_not_found"
    simulator.ovh.credits = Decimal("0.5")
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call("notify", "ovh_sms", {"message": "hi"}, blocking=True)
    assert raised.value.translation_key == "insufficient_credit"
    assert raised.value.translation_placeholders["reason"] == "Not enough credits."
    assert len(simulator.ovh.sent) == 1
    assert state_of(hass, CREDITS) == "99"


async def test_setting_up_an_account_with_a_test_sms(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """The config flow's test SMS goes through the simulator and shows its credit."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "http2sms"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "account": ACCOUNT,
            "login": LOGIN,
            "password": PASSWORD,
            "sender": "HomeAlarm",
            "connection": {"endpoint": simulator.endpoint},
        },
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": "06 12 34 56 78"}
    )
    assert result["step_id"] == "verified"
    [sms] = simulator.ovh.sent
    assert result["description_placeholders"] == {
        "credits_left": "99",
        "sms_ids": sms.sms_ids[0],
    }
    assert sms.recipients == (ALICE,)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["title"] == f"{ACCOUNT} · {LOGIN}"
    # The new account starts with the credit the test SMS left, on a device named as its entry.
    assert state_of(hass, "sensor.sms_ab1234_1_homeassistant_credits_left") == "99"


async def test_a_hundred_concurrent_sends_each_arrive_once(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """100 automations firing together: 100 requests, 100 SMS, the sensor at the last answer."""
    hass.config_entries.async_update_entry(simulator_entry, options={"hourly_limit": 0})
    answered: list[float] = []

    @callback
    def record(event: Event) -> None:
        answered.append(event.data["credits_left"])

    hass.bus.async_listen("ovh_sms_sent", record)
    await asyncio.gather(
        *(
            hass.services.async_call("notify", "ovh_sms", {"message": f"SMS {n}"}, blocking=True)
            for n in range(100)
        )
    )
    await hass.async_block_till_done()
    assert len(simulator.ovh.requests) == 100
    assert sorted(sms.message for sms in simulator.ovh.sent) == sorted(
        f"SMS {n}" for n in range(100)
    )
    assert len({sms.sms_ids for sms in simulator.ovh.sent}) == 100
    assert simulator.ovh.credits == Decimal(0)
    assert len(answered) == 100
    assert state_of(hass, CREDITS) == f"{answered[-1]:g}"


async def test_credit_running_out_mid_send_names_who_got_it(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """51 recipients, 50 credits: one request passes, the other is refused for credit.

    Whichever arrives first at OVH, the caller's error, the sensor and OVH agree
    on who got the SMS, and the refused recipients are named.
    """
    hass.config_entries.async_update_entry(simulator_entry, options={"hourly_limit": 0})
    simulator.ovh.credits = Decimal(50)
    numbers = [f"00336123400{n:02d}" for n in range(51)]
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"recipients": numbers, "message": "Storm warning"},
            blocking=True,
        )
    assert raised.value.translation_key == "partially_sent"
    placeholders = raised.value.translation_placeholders
    received = [number for sms in simulator.ovh.sent for number in sms.recipients]
    assert len(simulator.ovh.requests) == 2
    assert placeholders["sent"] == str(len(received))
    assert placeholders["total"] == "51"
    assert placeholders["not_sent"].split(", ") == [n for n in numbers if n not in received]
    assert placeholders["reason"] == "OVH refused the SMS (status 202): Not enough credits."
    assert state_of(hass, CREDITS) == f"{simulator.ovh.credits:f}"
