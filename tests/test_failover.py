"""Failover: what the first account certainly could not send goes once by its first fallback.

Two SMS users on the same http2sms endpoint, told apart by the account OVH
receives; a notify action stands for the mobile app or an ESPHome SIM800L.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

from custom_components.ovh_sms.const import CONF_ACCOUNT, CONF_LOGIN, DOMAIN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError

from .conftest import ACCOUNT, ALICE, ENDPOINT, SUCCESS, send_sms, set_up_second_account

SECOND = "sms-cd5678-1"
REFUSED_LOGIN = {"status": 201, "message": "Invalid login or password"}


@dataclass
class Accounts:
    """OVH's answer to each account: a refused login, a 503, success or no connection."""

    answers: dict[str, str] = field(default_factory=lambda: {ACCOUNT: "refused", SECOND: "up"})
    sent_by: list[str] = field(default_factory=list)

    async def answer(self, method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        """Answer as the account's state says."""
        state = self.answers[data["account"]]
        if state == "down":
            raise aiohttp.ClientConnectorError(Mock(), OSError("Connection refused"))
        self.sent_by.append(data["account"])
        if state == "refused":
            return AiohttpClientMockResponse(method, url, json=REFUSED_LOGIN)
        if state == "503":
            return AiohttpClientMockResponse(method, url, status=503)
        return AiohttpClientMockResponse(method, url, json=SUCCESS)


@pytest.fixture
async def accounts(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> Accounts:
    """Set up the first account and a second one; OVH refuses the first one's login."""
    ovh = Accounts()
    aioclient_mock.post(ENDPOINT, side_effect=ovh.answer)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await set_up_second_account(hass, mock_config_entry)
    return ovh


def phone(hass: HomeAssistant, *, fails: bool = False) -> list[dict[str, Any]]:
    """Register notify.phone; give the calls it gets. fails: it raises an error of its own."""
    calls: list[dict[str, Any]] = []

    async def notify_phone(call: ServiceCall) -> None:
        calls.append(dict(call.data))
        if fails:
            raise HomeAssistantError("The phone is gone")

    hass.services.async_register("notify", "phone", notify_phone)
    return calls


def with_fallbacks(hass: HomeAssistant, *fallbacks: str, duplicate: bool = False) -> None:
    """Give the first account these fallbacks, in order."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            "fallbacks": list(fallbacks),
            "prefer_duplicate_to_silence": duplicate,
        },
    )


def second_entry_id(hass: HomeAssistant) -> str:
    """Give the entry id of the second account."""
    entries = hass.config_entries.async_entries(DOMAIN)
    return next(entry.entry_id for entry in entries if entry.title == SECOND)


async def send(hass: HomeAssistant, **data: Any) -> Any:
    """Send from the first account."""
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    return await send_sms(hass, config_entry_id=entry_id, **data)


async def test_credentials_refused_the_second_account_sends_it_once(
    hass: HomeAssistant, accounts: Accounts
) -> None:
    """The first account's login is refused: the second sends it, once; event and path say so."""
    second = second_entry_id(hass)
    with_fallbacks(hass, second)
    events = async_capture_events(hass, "ovh_sms_failover")
    response = await send(hass, recipients=[ALICE], message="Leak")
    assert accounts.sent_by == [ACCOUNT, SECOND]
    assert (response["path"], response["recipients"], response["failed"]) == (second, [], [])
    assert [event.data for event in events] == [
        {
            "config_entry_id": hass.config_entries.async_entries(DOMAIN)[0].entry_id,
            "path": second,
            "reason": "authentication_failed",
            "recipients": 1,
        }
    ]


async def test_the_first_fallback_that_takes_it_sends_it(
    hass: HomeAssistant, accounts: Accounts
) -> None:
    """A missing action, then a second account that cannot either, then the phone: the phone."""
    calls = phone(hass)
    accounts.answers[SECOND] = "refused"
    with_fallbacks(hass, "notify.gone", second_entry_id(hass), "notify.phone")
    response = await send(hass, recipients=[ALICE], message="Leak", title="Alarm")
    assert calls == [{"message": "Leak", "title": "Alarm", "target": [ALICE]}]
    assert response["path"] == "notify.phone"


async def test_a_fallback_that_may_have_sent_it_ends_the_search(
    hass: HomeAssistant, accounts: Accounts
) -> None:
    """The second account's answer is lost (503): the phone is not tried, the caller told."""
    calls = phone(hass)
    accounts.answers[SECOND] = "503"
    with_fallbacks(hass, second_entry_id(hass), "notify.phone")
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, recipients=[ALICE], message="Leak")
    assert (err.value.translation_key, calls) == ("authentication_failed", [])


async def test_ovh_out_of_reach_queues_first_and_fails_over_without_the_outbox(
    hass: HomeAssistant, accounts: Accounts
) -> None:
    """The outbox takes what waiting fixes; with queue: false, the fallback sends it now."""
    accounts.answers[ACCOUNT] = "down"
    with_fallbacks(hass, second_entry_id(hass))
    response = await send(hass, recipients=[ALICE], message="Leak")
    assert (response["queued"], accounts.sent_by) == ([ALICE], [])
    response = await send(hass, recipients=[ALICE], message="Leak", queue=False)
    assert (response["path"], accounts.sent_by) == (second_entry_id(hass), [SECOND])


@pytest.mark.parametrize(("duplicate", "phoned"), [(False, 0), (True, 1)])
async def test_an_sms_that_may_have_gone_goes_to_another_channel_only_when_asked(
    hass: HomeAssistant, accounts: Accounts, *, duplicate: bool, phoned: int
) -> None:
    """503 from the first account: never again by its own OVH account; the phone when asked."""
    calls = phone(hass)
    accounts.answers[ACCOUNT] = "503"
    same_account = MockConfigEntry(
        domain=DOMAIN,
        title="same account",
        data=dict(hass.config_entries.async_entries(DOMAIN)[0].data)
        | {CONF_ACCOUNT: ACCOUNT, CONF_LOGIN: "other"},
    )
    same_account.add_to_hass(hass)
    with_fallbacks(hass, same_account.entry_id, "notify.phone", duplicate=duplicate)
    if not duplicate:
        with pytest.raises(HomeAssistantError) as err:
            await send(hass, recipients=[ALICE], message="Leak")
        assert err.value.translation_key == "server_error"
    else:
        response = await send(hass, recipients=[ALICE], message="Leak")
        assert (response["path"], response["failed"]) == ("notify.phone", [ALICE])
        assert response["failure"].startswith("OVH answered HTTP 503")
    assert len(calls) == phoned


async def test_a_refused_number_does_not_fail_over(
    hass: HomeAssistant, accounts: Accounts, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH refuses the number itself: another way out would not fix it; no fallback is tried."""
    accounts.answers[ACCOUNT] = "up"
    calls = phone(hass)
    with_fallbacks(hass, "notify.phone")
    aioclient_mock.clear_requests()
    aioclient_mock.post(ENDPOINT, json={"status": 202, "message": "Invalid to"})
    with pytest.raises(HomeAssistantError):
        await send(hass, recipients=[ALICE], message="Leak")
    assert calls == []


async def test_a_fallback_failing_on_its_own_ends_the_search(
    hass: HomeAssistant, accounts: Accounts
) -> None:
    """The phone's action fails in a way that may have sent it: the second account is not tried."""
    phone(hass, fails=True)
    with_fallbacks(hass, "notify.phone", second_entry_id(hass))
    with pytest.raises(HomeAssistantError):
        await send(hass, recipients=[ALICE], message="Leak")
    assert accounts.sent_by == [ACCOUNT]


async def test_a_notify_entity_or_an_account_that_cannot_send_passes_to_the_next(
    hass: HomeAssistant, accounts: Accounts
) -> None:
    """Alice's entity goes by the refused account, a stopped account cannot: the second sends."""
    stopped = MockConfigEntry(domain=DOMAIN, title="stopped", data={})
    stopped.add_to_hass(hass)
    with_fallbacks(hass, "notify.alice", stopped.entry_id, second_entry_id(hass))
    response = await send(hass, recipients=[ALICE], message="Leak")
    assert (response["path"], accounts.sent_by) == (
        second_entry_id(hass),
        [ACCOUNT, ACCOUNT, SECOND],
    )


@pytest.mark.parametrize(
    ("critical", "sent_by", "phoned"), [(True, [ACCOUNT, SECOND], 0), (False, [ACCOUNT], 1)]
)
async def test_a_fallback_account_s_budget_holds_back_only_an_ordinary_sms(
    hass: HomeAssistant,
    accounts: Accounts,
    *,
    critical: bool,
    sent_by: list[str],
    phoned: int,
) -> None:
    """A critical SMS goes by the second account beyond its budget; an ordinary one does not.

    Refused there before any request, certainly not sent: the next fallback takes it.
    """
    second = hass.config_entries.async_get_entry(second_entry_id(hass))
    assert second is not None
    hass.config_entries.async_update_entry(second, options={"spending": {"monthly_budget": 0.5}})
    calls = phone(hass)
    with_fallbacks(hass, second.entry_id, "notify.phone")
    await send(hass, recipients=[ALICE], message="Leak", critical=critical)
    assert (accounts.sent_by, len(calls)) == (sent_by, phoned)


async def test_an_sms_too_old_to_wait_goes_once_by_the_fallback(
    freezer: FrozenDateTimeFactory, hass: HomeAssistant, accounts: Accounts
) -> None:
    """OVH out of reach past the SMS's maximum age: dropped from the outbox, sent by the phone."""
    accounts.answers[ACCOUNT] = "down"
    calls = phone(hass)
    with_fallbacks(hass, "notify.phone")
    failovers = async_capture_events(hass, "ovh_sms_failover")
    dropped = async_capture_events(hass, "ovh_sms_dropped")
    response = await send(hass, recipients=[ALICE], message="Leak", max_delay=1)
    assert (response["queued"], calls) == ([ALICE], [])
    for _ in range(3):  # tries at 10, 20 and 40 s, then the maximum age at 60 s
        freezer.tick(20)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert [call["message"] for call in calls] == ["Leak"]
    assert [event.data["reason"] for event in dropped] == ["expired"]
    assert [(event.data["path"], event.data["reason"]) for event in failovers] == [
        ("notify.phone", "expired")
    ]
    accounts.answers[ACCOUNT] = "up"
    freezer.tick(600)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (len(calls), accounts.sent_by) == (1, [])


async def test_the_mobile_app_gets_the_sms_for_its_own_phone(
    hass: HomeAssistant, accounts: Accounts
) -> None:
    """A mobile app's notify action takes its devices as targets: it is called without numbers."""
    calls: list[dict[str, Any]] = []

    async def mobile_app(call: ServiceCall) -> None:
        if "target" in call.data:  # as the mobile app: a target is one of its devices
            raise KeyError(call.data["target"][0])
        calls.append(dict(call.data))

    hass.services.async_register("notify", "mobile_app_pixel", mobile_app)
    with_fallbacks(hass, "notify.mobile_app_pixel")
    response = await send(hass, recipients=[ALICE], message="Leak", title="Home")
    assert (response["path"], calls) == (
        "notify.mobile_app_pixel",
        [{"message": "Leak", "title": "Home"}],
    )


async def test_a_fallback_with_a_bug_ends_the_search_and_the_caller_reads_why_this_one_failed(
    hass: HomeAssistant, accounts: Accounts, caplog: pytest.LogCaptureFixture
) -> None:
    """An action raising an error of its own may have sent it: logged, the next not tried."""

    async def broken(call: ServiceCall) -> None:
        raise KeyError("device")

    hass.services.async_register("notify", "broken", broken)
    with_fallbacks(hass, "notify.broken", second_entry_id(hass))
    with pytest.raises(HomeAssistantError) as raised:
        await send(hass, recipients=[ALICE], message="Leak")
    assert raised.value.translation_key == "authentication_failed"
    assert accounts.sent_by == [ACCOUNT]
    assert "The fallback notify.broken of" in caplog.text
