"""Sending through Home Assistant's actions: what OVH receives and what the caller gets."""

from __future__ import annotations

from datetime import UTC, datetime
import logging
from typing import Any
from unittest.mock import Mock

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import (
    CONF_CODING,
    CONF_HOURLY_LIMIT,
    CONF_NO_STOP,
    CONF_SMS_CLASS,
    CONF_TAG,
    DOMAIN,
    EVENT_SMS_SENT,
)
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import (
    ALICE,
    ENDPOINT,
    PASSWORD,
    SUCCESS,
    foreign_entry,
    sent_forms,
    set_up_second_account,
    state_of,
)

BOB = "0033698765432"


async def send_sms(hass: HomeAssistant, **data: Any) -> Any:
    """Call ovh_sms.send_sms and return its response."""
    return await hass.services.async_call(
        DOMAIN, "send_sms", data, blocking=True, return_response=True
    )


async def notify(hass: HomeAssistant, **data: Any) -> None:
    """Call the legacy notify.ovh_sms."""
    await hass.services.async_call(NOTIFY_DOMAIN, "ovh_sms", data, blocking=True)


@pytest.mark.usefixtures("init_integration")
async def test_send_sms_every_option(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """Each option of the action reaches OVH; the response tells what happened."""
    response = await send_sms(
        hass,
        recipients=["06 98 76 54 32", "notify.alice"],
        message="Leak in the kitchen",
        title="Alarm",
        sender="Maison",
        sms_class="flash",
        coding="ucs2",
        deferred="2030-07-19T18:30:00+02:00",
        no_stop=False,
        tag="leak",
    )
    assert sent_forms(ovh) == [
        {
            "account": "sms-ab1234-1",
            "login": "homeassistant",
            "password": PASSWORD,
            "from": "Maison",
            "to": f"{BOB},{ALICE}",
            "message": "Alarm\rLeak in the kitchen",
            "class": "0",
            "smsCoding": "2",
            "noStop": "0",
            "deferred": "183019072030",
            "tag": "leak",
            "contentType": "application/json",
        }
    ]
    assert response == {
        "sms_ids": ["10867690"],
        "credits_left": 1987.0,
        "segments": 1,
        "recipients": [BOB, ALICE],
        "requests": 1,
        "deferred": "2030-07-19T18:30:00+02:00",
    }


@pytest.mark.usefixtures("init_integration")
async def test_defaults_are_the_entry_options(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """Without options: the entry's sender, noStop=1, class 1, automatic coding."""
    await send_sms(hass, recipients=[ALICE], message="Fenêtre ouverte")
    form = sent_forms(ovh)[0]
    assert (form["from"], form["noStop"], form["class"], form["smsCoding"]) == (
        "HomeAlarm",
        "1",
        "1",
        "2",
    )
    assert "tag" not in form


async def test_options_change_the_defaults(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """The entry's options are what an SMS without options gets."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={
            CONF_NO_STOP: False,
            CONF_SMS_CLASS: "sim",
            CONF_CODING: "ucs2",
            CONF_TAG: "home",
            CONF_HOURLY_LIMIT: 0,
        },
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call(
        NOTIFY_DOMAIN, "send_message", {"entity_id": "notify.alice", "message": "Hi"}, blocking=True
    )
    form = sent_forms(ovh)[0]
    assert (form["to"], form["noStop"], form["class"], form["smsCoding"], form["tag"]) == (
        ALICE,
        "0",
        "2",
        "2",
        "home",
    )


@pytest.mark.usefixtures("init_integration")
async def test_notify_entity(
    hass: HomeAssistant, ovh: AiohttpClientMocker, freezer: FrozenDateTimeFactory
) -> None:
    """notify.send_message sends to the recipient, the title as first line, and records when."""
    freezer.move_to("2030-01-01T10:00:00+00:00")
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {"entity_id": "notify.alice", "message": "Door open", "title": "Alarm"},
        blocking=True,
    )
    assert [(f["to"], f["message"]) for f in sent_forms(ovh)] == [(ALICE, "Alarm\rDoor open")]
    assert state_of(hass, "notify.alice") == "2030-01-01T10:00:00+00:00"


@pytest.mark.usefixtures("init_integration")
async def test_legacy_notify(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """Targets and data options are used; without targets, every recipient gets it."""
    await notify(
        hass,
        message="Leak",
        title="Alarm",
        target=["+33 6 98 76 54 32"],
        data={"tag": "leak", "sms_class": "flash"},
    )
    await notify(hass, message="Door open")
    forms = sent_forms(ovh)
    assert [(f["to"], f["message"], f.get("tag"), f["class"]) for f in forms] == [
        (BOB, "Alarm\rLeak", "leak", "0"),
        (ALICE, "Door open", None, "1"),
    ]


@pytest.mark.parametrize("target", [[], [""], ["  "]])
@pytest.mark.usefixtures("init_integration")
async def test_legacy_notify_empty_target_sends_nothing(
    hass: HomeAssistant, ovh: AiohttpClientMocker, target: list[str]
) -> None:
    """A template that found nobody gives an empty target: nobody is texted, the caller is told."""
    with pytest.raises(ServiceValidationError) as err:
        await notify(hass, message="Leak", target=target)
    assert err.value.translation_key == "empty_target"
    assert str(err.value) == (
        "The target list is empty, so no SMS was sent. Leave target out to text every "
        "recipient of the account"
    )
    assert ovh.call_count == 0


async def test_notify_group_with_data_for_other_platforms(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A notify group passes the mobile app's data too: the SMS still goes, with our keys."""
    caplog.set_level(logging.DEBUG, logger="custom_components.ovh_sms")
    assert await async_setup_component(
        hass,
        NOTIFY_DOMAIN,
        {
            NOTIFY_DOMAIN: [
                {"platform": "group", "name": "family", "services": [{"action": "ovh_sms"}]}
            ]
        },
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "family",
        {
            "message": "Leak",
            "data": {
                "priority": "high",
                "ttl": 0,
                "push": {"sound": "alarm.caf"},
                "image": "/local/leak.jpg",
                "actions": [{"action": "ACK", "title": "OK"}],
                "sms_class": "flash",
            },
        },
        blocking=True,
    )
    await hass.async_block_till_done()
    assert [(form["to"], form["message"], form["class"]) for form in sent_forms(ovh)] == [
        (ALICE, "Leak", "0")
    ]
    assert (
        "Ignoring data keys meant for other notify platforms: "
        "['actions', 'image', 'priority', 'push', 'ttl']"
    ) in caplog.text


@pytest.mark.usefixtures("init_integration")
async def test_send_sms_to_picked_entities(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """Recipients picked in the action form (entity_id) join the typed numbers."""
    await send_sms(hass, entity_id=["notify.alice"], recipients=["06 98 76 54 32"], message="Hi")
    assert sent_forms(ovh)[0]["to"] == f"{BOB},{ALICE}"


@pytest.mark.usefixtures("init_integration")
async def test_send_sms_without_any_recipient(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """Neither numbers nor entities: refused, translated, nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[], message="Hi")
    assert err.value.translation_key == "no_recipients"
    assert ovh.call_count == 0


@pytest.mark.usefixtures("init_integration")
async def test_legacy_notify_bad_data(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """Unknown or invalid data options are refused, translated, before any request."""
    with pytest.raises(ServiceValidationError) as err:
        await notify(hass, message="Leak", data={"sms_class": "loud"})
    assert err.value.translation_key == "invalid_data"
    assert ovh.call_count == 0


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"recipients": ["123"]}, "invalid_recipient", {"recipient": "123"}),
        ({"message": " "}, "empty_message", {}),
        ({"message": "a" * 919}, "message_too_long", {"segments": "7", "max_segments": "6"}),
        ({"coding": "gsm7", "message": "fenêtre"}, "unsupported_characters", {"characters": "ê"}),
        ({"sender": "HomeAlarm1234"}, "invalid_sender", {"sender": "HomeAlarm1234"}),
        ({"tag": "t" * 21}, "invalid_tag", {"tag": "t" * 21, "max_length": "20"}),
        ({"deferred": "2020-01-01T00:00:00+00:00"}, "deferred_in_past", {}),
        ({"recipients": ["notify.nobody"]}, "unknown_recipient_entity", {}),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_bad_input_sends_nothing(
    hass: HomeAssistant,
    ovh: AiohttpClientMocker,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Bad input is a translated validation error, and no request goes out."""
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, **({"recipients": [ALICE], "message": "Hi"} | data))
    assert err.value.translation_key == key
    assert placeholders.items() <= (err.value.translation_placeholders or {}).items()
    assert ovh.call_count == 0


@pytest.mark.parametrize(
    ("mock", "key"),
    [
        ({"json": {"status": 202, "message": "Invalid tag: is too long"}}, "invalid_parameter"),
        ({"json": {"status": 201, "message": "Missing to"}}, "missing_parameter"),
        ({"json": {"status": 241, "message": "Sender not found"}}, "sender_not_found"),
        ({"json": {"status": 299, "message": "Odd"}}, "request_refused"),
        ({"status": 503}, "server_error"),
        ({"status": 403}, "http_error"),
        ({"exc": aiohttp.ClientConnectorError(Mock(), OSError())}, "cannot_connect"),
        ({"exc": aiohttp.ServerDisconnectedError()}, "outcome_unknown"),
        ({"exc": TimeoutError()}, "outcome_unknown"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_failures_reach_the_caller(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
    mock: dict[str, Any],
    key: str,
) -> None:
    """Each failure is a translated HomeAssistantError; one request, no retry, no secret."""
    caplog.set_level(logging.DEBUG)
    aioclient_mock.post(ENDPOINT, **mock)
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == key
    assert aioclient_mock.call_count == 1
    assert PASSWORD not in str(err.value.translation_placeholders)
    assert PASSWORD not in caplog.text


async def test_bad_credentials_start_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH refusing the login starts the reauthentication flow."""
    aioclient_mock.post(ENDPOINT, json={"status": 202, "message": "Invalid login or password"})
    with pytest.raises(HomeAssistantError) as err:
        await notify(hass, message="Hi")
    assert err.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [(f["context"]["source"], f["context"]["entry_id"]) for f in flows] == [
        (SOURCE_REAUTH, init_integration.entry_id)
    ]


async def test_ip_issue_raised_then_cleared(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An unauthorised IP raises a repair issue; the next successful send clears it."""
    aioclient_mock.post(ENDPOINT, json={"status": 401, "message": "IP not allowed"})
    with pytest.raises(HomeAssistantError) as err:
        await notify(hass, message="Hi")
    assert err.value.translation_key == "ip_not_authorized"
    issue_id = f"ip_not_authorized_{init_integration.entry_id}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"account": "sms-ab1234-1", "login": "homeassistant"}

    aioclient_mock.clear_requests()
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await notify(hass, message="Hi")
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.usefixtures("init_integration")
async def test_hourly_limit(
    hass: HomeAssistant, ovh: AiohttpClientMocker, freezer: FrozenDateTimeFactory
) -> None:
    """At most 30 parts an hour by default; refused sends cost nothing; the hour rolls."""
    freezer.move_to(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    await hass.config.async_set_time_zone("Europe/Paris")
    await send_sms(hass, recipients=[ALICE], message="a" * 900)  # 6 parts
    freezer.tick(600)
    await send_sms(hass, recipients=[ALICE, BOB], message="a" * 900)  # 12 parts
    freezer.tick(600)
    await send_sms(hass, recipients=[ALICE, BOB], message="a" * 900)  # 12 parts: 30
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert err.value.translation_key == "hourly_limit_reached"
    assert err.value.translation_placeholders == {"limit": "30", "count": "1", "resume": "12:00"}
    assert ovh.call_count == 3
    freezer.tick(2401)  # the first send is more than an hour old
    await send_sms(hass, recipients=[ALICE], message="Hi")
    assert ovh.call_count == 4


@pytest.mark.usefixtures("init_integration")
async def test_failed_send_gives_its_budget_back(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A send OVH certainly did not take does not count in the hourly limit."""
    aioclient_mock.post(ENDPOINT, exc=aiohttp.ClientConnectorError(Mock(), OSError()))
    for _ in range(31):
        with pytest.raises(HomeAssistantError) as err:
            await send_sms(hass, recipients=[ALICE], message="Hi")
        assert err.value.translation_key == "cannot_connect"


@pytest.mark.usefixtures("init_integration")
async def test_event_after_each_send(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """ovh_sms_sent tells automations what happened, without the text or the numbers."""
    events = async_capture_events(hass, EVENT_SMS_SENT)
    await send_sms(hass, recipients=[ALICE, BOB], message="Secret text")
    assert len(events) == 1
    assert events[0].data == {
        "config_entry_id": hass.config_entries.async_entries(DOMAIN)[0].entry_id,
        "sms_ids": ["10867690"],
        "recipients": 2,
        "segments": 1,
        "credits_left": 1987.0,
    }
    assert "Secret" not in str(events[0].data)
    assert "612345678" not in str(events[0].data)


async def test_config_entry_choice(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """With two accounts the action needs config_entry_id, and uses the one given."""
    other = await set_up_second_account(hass, init_integration, service_name="ovh_sms_2")
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert err.value.translation_key == "config_entry_required"
    await send_sms(hass, config_entry_id=other.entry_id, recipients=[ALICE], message="Hi")
    assert sent_forms(ovh)[0]["account"] == "sms-cd5678-1"
    with pytest.raises(ServiceValidationError) as err:
        # A recipient entity of another account is not a recipient of this one.
        await send_sms(
            hass, config_entry_id=other.entry_id, recipients=["notify.alice"], message="Hi"
        )
    assert err.value.translation_key == "unknown_recipient_entity"


async def test_no_recipient_at_all(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Legacy notify with no target and no recipient subentry is refused."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="x", unique_id="x", data=dict(mock_config_entry.data)
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await notify(hass, message="Hi")
    assert err.value.translation_key == "no_recipients"
    assert ovh.call_count == 0


async def test_many_recipients_in_batches(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Fifty-one recipients go out in two requests of 50 and 1 (hourly limit lifted)."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_HOURLY_LIMIT: 0})
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    numbers = [f"+3361234{n:04d}" for n in range(51)]
    response = await send_sms(hass, recipients=numbers, message="Storm warning")
    forms = sent_forms(ovh)
    assert [len(form["to"].split(",")) for form in forms] == [50, 1]
    assert forms[1]["to"] == "0033612340050"
    assert response["requests"] == 2
    assert len(response["recipients"]) == 51


async def set_time_zone(hass: HomeAssistant, zone: str) -> None:
    """Give Home Assistant this time zone, as its General settings do."""
    await hass.config.async_update(time_zone=zone)


@pytest.mark.usefixtures("init_integration")
async def test_naive_deferred_time_is_home_assistants(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """A time without zone is Home Assistant's wall time; OVH gets it in Paris time."""
    await set_time_zone(hass, "America/New_York")
    response = await send_sms(
        hass, recipients=[ALICE], message="Hi", deferred="2030-12-24 08:00:00"
    )
    assert sent_forms(ovh)[0]["deferred"] == "140024122030"
    assert response["deferred"] == "2030-12-24T08:00:00-05:00"


@pytest.mark.usefixtures("init_integration")
async def test_deferred_time_the_clocks_skip_is_refused(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """02:30 on the night Paris springs forward does not exist: a translated error, no request."""
    await set_time_zone(hass, "Europe/Paris")
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi", deferred="2030-03-31 02:30:00")
    assert str(err.value) == (
        "The deferred time 2030-03-31 02:30:00 does not exist in Europe/Paris: the clocks skip "
        "it when they go forward. Choose another time"
    )
    assert ovh.call_count == 0


@pytest.mark.usefixtures("init_integration")
async def test_deferred_time_the_clocks_repeat_is_the_first(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """02:30 on the night Paris falls back happens twice: the first one, in summer time."""
    await set_time_zone(hass, "Europe/Paris")
    await notify(hass, message="Hi", data={"deferred": "2030-10-27 02:30:00"})
    assert sent_forms(ovh)[0]["deferred"] == "023027102030"


@pytest.mark.parametrize(
    ("target", "to"),
    [
        ("0692 12 34 56", "00262692123456"),
        ("0639 40 12 34", "00262639401234"),
        ("0690 12 34 56", "00590690123456"),
        ("0696 12 34 56", "00596696123456"),
        ("0694 12 34 56", "00594694123456"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_french_overseas_numbers_reach_their_island(
    hass: HomeAssistant, ovh: AiohttpClientMocker, target: str, to: str
) -> None:
    """From mainland France's Home Assistant, 0692… is Réunion: OVH gets 00262692…."""
    await notify(hass, message="Hi", target=[target])
    assert sent_forms(ovh)[0]["to"] == to


@pytest.mark.parametrize(
    "recipients",
    [
        ["0612345678;0698765432"],
        ["06 12 34 56 78, 06 98 76 54 32"],
        [ALICE, "0698765432 0751234567"],
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_a_field_with_two_numbers_sends_nothing(
    hass: HomeAssistant, ovh: AiohttpClientMocker, recipients: list[str]
) -> None:
    """Nobody gets a half-sent SMS: the field is named, and each number must be its own item."""
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=recipients, message="Hi")
    assert str(err.value) == (
        f"{recipients[-1]} holds more than one phone number, so no SMS was sent: give each "
        "number as its own item of the list"
    )
    assert ovh.call_count == 0


@pytest.mark.usefixtures("init_integration")
async def test_national_number_without_country_says_so(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """Without Home Assistant's country, a national number asks for the country or +33."""
    hass.config.country = None
    with pytest.raises(ServiceValidationError) as err:
        await notify(hass, message="Hi", target=["06 98 76 54 32"])
    assert str(err.value) == (
        "06 98 76 54 32 is a national number, and Home Assistant has no country set, so no SMS "
        "was sent: set the country in Settings > System > General, or write the number in "
        "international format (+33…)"
    )
    await notify(hass, message="Hi", target=["+33 6 98 76 54 32"])
    assert sent_forms(ovh)[0]["to"] == BOB


async def test_the_only_account_not_loaded_says_so(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Without config_entry_id, the one account must be loaded: the error names it."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert str(err.value) == (
        "The OVH SMS account sms-ab1234-1 is not loaded, so no SMS was sent: check it in "
        "Settings > Devices & services"
    )
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert err.value.translation_key == "no_account"
    assert ovh.call_count == 0


async def test_no_default_account_when_one_of_two_is_not_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Two accounts, one loaded: the action still asks which, never picks the other silently."""
    second = await set_up_second_account(hass, init_integration, service_name="ovh_sms_2")
    assert await hass.config_entries.async_unload(second.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert err.value.translation_key == "config_entry_required"
    assert ovh.call_count == 0


async def test_another_integrations_entry_is_not_an_account(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Kinsoi's leftover entry beside ours: our one account is still the default."""
    leftover = foreign_entry()
    leftover.add_to_hass(hass)
    await hass.config_entries.async_setup(leftover.entry_id)
    await send_sms(hass, recipients=[ALICE], message="Hi")
    assert sent_forms(ovh)[0]["account"] == "sms-ab1234-1"


@pytest.mark.usefixtures("init_integration")
async def test_recipient_entity_records_every_sms_it_gets(
    hass: HomeAssistant, ovh: AiohttpClientMocker, freezer: FrozenDateTimeFactory
) -> None:
    """notify.alice shows when Alice last got an SMS, whichever action sent it."""
    freezer.move_to("2030-01-01T10:00:00+00:00")
    await send_sms(hass, recipients=["06 12 34 56 78"], message="Hi")
    assert state_of(hass, "notify.alice") == "2030-01-01T10:00:00+00:00"
    freezer.move_to("2030-01-01T11:00:00+00:00")
    await notify(hass, message="Hi")
    assert state_of(hass, "notify.alice") == "2030-01-01T11:00:00+00:00"
    freezer.move_to("2030-01-01T12:00:00+00:00")
    await notify(hass, message="Hi", target=[BOB])
    assert state_of(hass, "notify.alice") == "2030-01-01T11:00:00+00:00"


@pytest.mark.usefixtures("init_integration")
async def test_notify_send_message_records_once(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """Through notify.send_message the entity records the SMS once, not twice."""
    changes = async_capture_events(hass, "state_changed")
    await hass.services.async_call(
        NOTIFY_DOMAIN, "send_message", {"entity_id": "notify.alice", "message": "Hi"}, blocking=True
    )
    await hass.async_block_till_done()
    assert [e.data["entity_id"] for e in changes].count("notify.alice") == 1
