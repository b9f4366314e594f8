"""Property-based: any input to ovh_sms.send_sms sends a correct request or is refused first.

Hypothesis draws messages (any Unicode, empty, huge), recipients (junk, mixed
formats, duplicates, entities), tags, classes, codings, senders and deferred
times. Each call goes through Home Assistant to the simulator, which checks
every request as OVH does. A call either sends (the simulator accepted every
request) or raises a translated validation error with no request at all.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from simulator import (
    API_PATH,
    DEFAULT_APPLICATION_KEY,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_CONSUMER_KEY,
    ENDPOINT_PATH,
)
from tests.conftest import ACCOUNT, LoopbackSimulator, account_with_alice

TRANSLATIONS = Path(__file__).parents[2] / "custom_components/ovh_sms/translations/en.json"
NUMBERS = [
    "0612345678",
    "06 12 34 56 78",
    "+33 6 12 34 56 78",
    "0033612345678",
    "+32 470 12 34 56",
    "01 23 45 67 89",
    "notify.alice",
]
JUNK = ["", "+", "123", "0800 123 456", "3631", "notify.nobody", "sensor.x", "+33 6 12"]
GSM = (
    "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà€[]{}^\n"
)

calls = st.fixed_dictionaries(
    {
        "recipients": st.one_of(
            st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=6),
            st.lists(
                st.one_of(st.sampled_from(NUMBERS), st.sampled_from(JUNK), st.text(max_size=16)),
                max_size=6,
            ),
        ),
        "message": st.one_of(
            st.text(alphabet=GSM, max_size=1000),
            st.text(max_size=300),
            st.text(min_size=400, max_size=1200),
        ),
    },
    optional={
        "title": st.text(max_size=30),
        "tag": st.text(max_size=25),
        "sender": st.sampled_from(["HomeAlarm", "", "HomeAlarm", "ABCDEFGHIJKL", " HomeAlarm"]),
        "sms_class": st.sampled_from(["flash", "phone", "sim", "toolkit", "loud"]),
        "coding": st.sampled_from(["auto", "gsm7", "ucs2", "utf8"]),
        "no_stop": st.booleans(),
        "deferred": st.datetimes(
            min_value=datetime(2000, 1, 1),  # noqa: DTZ001
            max_value=datetime(2099, 12, 31),  # noqa: DTZ001
            timezones=st.sampled_from([None, UTC]),
        ).map(datetime.isoformat),
    },
)


def validation_keys() -> set[str]:
    """Name the translated errors of input refused before sending (not OVH's refusals)."""
    keys = set(json.loads(TRANSLATIONS.read_text())["exceptions"])
    return keys - {
        "authentication_failed",
        "ip_not_authorized",
        "sender_not_found",
        "missing_parameter",
        "invalid_parameter",
        "request_refused",
        "cannot_connect",
        "http_error",
        "outcome_unknown",
        "hourly_limit_reached",
    }


@pytest.fixture(autouse=True)
def belgian_rate(known_rates: None, hass_storage: dict[str, Any]) -> None:
    """Keep Belgium's rate too: an SMS user reads rates from OVH itself, not the simulator."""
    hass_storage["ovh_sms.rates"]["data"]["BE/FR"] = {
        "credits": "1",
        "read_at": "2100-01-01T00:00:00+00:00",
    }


async def test_any_input_sends_a_correct_request_or_is_refused_first(
    hass: HomeAssistant, simulator: LoopbackSimulator, simulator_entry: MockConfigEntry
) -> None:
    """Run every drawn call through the action; the simulator is the judge of each request."""
    hass.config_entries.async_update_entry(simulator_entry, options={CONF_HOURLY_LIMIT: 0})
    simulator.ovh.credits = Decimal(10**9)
    allowed = validation_keys()
    outcomes: dict[str, int] = {"sent": 0, "refused": 0}

    async def call(data: dict[str, Any]) -> dict[str, Any] | Exception:
        try:
            response = await hass.services.async_call(
                DOMAIN, "send_sms", data, blocking=True, return_response=True
            )
        except (vol.Invalid, ServiceValidationError) as err:
            return err
        assert response is not None
        return dict(response)

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=calls)
    def check(data: dict[str, Any]) -> None:
        requests = len(simulator.ovh.requests)
        sent = len(simulator.ovh.sent)
        outcome = asyncio.run_coroutine_threadsafe(call(data), hass.loop).result(30)
        if isinstance(outcome, Exception):
            outcomes["refused"] += 1
            assert len(simulator.ovh.requests) == requests, "a request for invalid input"
            if isinstance(outcome, ServiceValidationError):
                assert outcome.translation_key in allowed
            return
        outcomes["sent"] += 1
        # Every request was accepted by the simulator's OVH checks.
        assert len(simulator.ovh.requests) - requests == outcome["requests"]
        assert len(simulator.ovh.sent) - sent == outcome["requests"]
        text = f"{data['title']}\n{data['message']}" if data.get("title") else data["message"]
        expected = text.replace("\r\n", "\r").replace("\n", "\r")
        for sms in simulator.ovh.sent[sent:]:
            assert sms.message == expected
            assert sms.segments == outcome["segments"]
            assert sms.no_stop == data.get("no_stop", True)
        received = [number for sms in simulator.ovh.sent[sent:] for number in sms.recipients]
        assert received == outcome["recipients"]
        assert len(set(received)) == len(received)

    await hass.async_add_executor_job(check)
    # The strategies reach both sides, so neither half of the property is vacuous.
    assert outcomes["sent"] > 5
    assert outcomes["refused"] > 5


def _digits(number: str) -> str:
    return number.replace("+", "00")


async def test_api_keys_any_input_sends_a_correct_job_or_is_refused_first(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """The same property with API keys: the simulator's OVHcloud API judges each job."""
    entry = account_with_alice(
        {
            "mode": "api",
            "application_key": DEFAULT_APPLICATION_KEY,
            "application_secret": DEFAULT_APPLICATION_SECRET,
            "consumer_key": DEFAULT_CONSUMER_KEY,
            "account": ACCOUNT,
            "sender": "HomeAlarm",
            "endpoint": simulator.endpoint.removesuffix(ENDPOINT_PATH) + API_PATH,
        },
        f"api_{ACCOUNT}",
        options={CONF_HOURLY_LIMIT: 0},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    simulator.ovh.credits = Decimal(10**9)
    allowed = validation_keys() | {"validity_needs_api_keys"}
    outcomes: dict[str, int] = {"sent": 0, "refused": 0}
    api_calls = st.fixed_dictionaries(
        {}, optional={"validity": st.integers(min_value=-5, max_value=3000)}
    )

    async def call(data: dict[str, Any]) -> dict[str, Any] | Exception:
        try:
            response = await hass.services.async_call(
                DOMAIN, "send_sms", data, blocking=True, return_response=True
            )
        except (vol.Invalid, ServiceValidationError) as err:
            return err
        assert response is not None
        return dict(response)

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=calls, extra=api_calls)
    def check(data: dict[str, Any], extra: dict[str, Any]) -> None:
        data |= extra
        sent = len(simulator.ovh.sent)
        outcome = asyncio.run_coroutine_threadsafe(call(data), hass.loop).result(30)
        if isinstance(outcome, Exception):
            outcomes["refused"] += 1
            assert len(simulator.ovh.sent) == sent, "a job for invalid input"
            if isinstance(outcome, ServiceValidationError):
                assert outcome.translation_key in allowed
            return
        outcomes["sent"] += 1
        assert len(simulator.ovh.sent) - sent == outcome["requests"]
        text = f"{data['title']}\n{data['message']}" if data.get("title") else data["message"]
        expected = text.replace("\r\n", "\r").replace("\n", "\r")
        for sms in simulator.ovh.sent[sent:]:
            assert sms.via == "api"
            assert sms.message == expected
            assert sms.segments == outcome["segments"]
            assert sms.no_stop == data.get("no_stop", True)
        received = [_digits(n) for sms in simulator.ovh.sent[sent:] for n in sms.recipients]
        assert received == outcome["recipients"]

    await hass.async_add_executor_job(check)
    assert outcomes["sent"] > 5
    assert outcomes["refused"] > 5
