"""Sending through Home Assistant's actions: what OVH receives and what the caller gets."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import logging
from typing import Any
from unittest.mock import Mock, patch

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import phonenumbers
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN, EVENT_SMS_SENT
from custom_components.ovh_sms.sms_options import (
    CONF_CODING,
    CONF_NO_STOP,
    CONF_SMS_CLASS,
    CONF_TAG,
)
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import (
    ALICE,
    CREDITS,
    ENDPOINT,
    PASSWORD,
    SUCCESS,
    add_recipient,
    foreign_entry,
    sent_forms,
    set_up_second_account,
    state_of,
)

BOB = "0033698765432"
# What the client adds to every request itself; test_http2sms.py asserts them.
CLIENT_FIELDS = ("account", "login", "password", "contentType")
CANNOT_CONNECT = "Could not connect to OVH; the SMS was not sent"
CONFIG_ENTRY_REQUIRED = (
    "Several OVH SMS accounts are set up: choose the one to send from with config_entry_id"
)
NO_RECIPIENTS = "The SMS has no recipient: give a target, or add recipients to the account"


def sms_fields(aioclient_mock: AiohttpClientMocker) -> list[dict[str, Any]]:
    """Return the SMS each request carried: its form without the client's own fields."""
    return [
        {key: value for key, value in form.items() if key not in CLIENT_FIELDS}
        for form in sent_forms(aioclient_mock)
    ]


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
    """Each option of the action reaches the SMS; the response tells what happened."""
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
    assert sms_fields(ovh) == [
        {
            "from": "Maison",
            "to": f"{BOB},{ALICE}",
            "message": "Alarm\rLeak in the kitchen",
            "class": "0",
            "smsCoding": "2",
            "noStop": "0",
            "deferred": "183019072030",
            "tag": "leak",
        }
    ]
    assert response == {
        "sms_ids": ["10867690"],
        "credits_left": 1987.0,
        "segments": 1,
        "recipients": [BOB, ALICE],
        "requests": 1,
        "deferred": "2030-07-19T18:30:00+02:00",
        "credits_removed": None,
    }


@pytest.mark.usefixtures("init_integration")
async def test_defaults_are_the_entry_options(
    hass: HomeAssistant, ovh: AiohttpClientMocker
) -> None:
    """Without options: the entry's sender, noStop=1, class 1, no tag, automatic coding.

    Automatic: 7-bit for a text that allows it, Unicode for one that does not.
    """
    await send_sms(hass, recipients=[ALICE], message="Window open")
    await send_sms(hass, recipients=[ALICE], message="Fenêtre ouverte")
    assert [
        (form["from"], form["noStop"], form["class"], form.get("tag"), form["smsCoding"])
        for form in sent_forms(ovh)
    ] == [("HomeAlarm", "1", "1", None, "1"), ("HomeAlarm", "1", "1", None, "2")]


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


async def set_up_in_a_notify_group(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Make notify.family a notify group of notify.ovh_sms, then set up the entry."""
    assert await async_setup_component(
        hass,
        NOTIFY_DOMAIN,
        {
            NOTIFY_DOMAIN: [
                {"platform": "group", "name": "family", "services": [{"action": "ovh_sms"}]}
            ]
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_notify_group_with_data_for_other_platforms(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A notify group passes the mobile app's data too: the SMS still goes, with our keys."""
    caplog.set_level(logging.DEBUG, logger="custom_components.ovh_sms")
    await set_up_in_a_notify_group(hass, mock_config_entry)
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
    assert (err.value.translation_key, str(err.value)) == ("no_recipients", NO_RECIPIENTS)
    assert ovh.call_count == 0


LEFT_OUT = (
    "The {} option of an SMS of sms-ab1234-1 is left out: OVH cannot take it ({}). "
    "The SMS goes without it"
)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings this integration logged, in order."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and record.name.startswith("custom_components.ovh_sms")
    ]


@pytest.mark.usefixtures("init_integration")
async def test_legacy_notify_sends_without_a_tag_ovh_cannot_take(
    hass: HomeAssistant, ovh: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """An alert never sees an error: a tag too long for OVH is left out, said once; the SMS goes."""
    tag = "t" * 25
    await notify(hass, message="Leak", data={"tag": tag, "sms_class": "flash"})
    await notify(hass, message="Leak again", data={"tag": tag})
    assert [(form["message"], form.get("tag"), form["class"]) for form in sent_forms(ovh)] == [
        ("Leak", None, "0"),
        ("Leak again", None, "1"),
    ]
    assert [text.split(";")[0] for text in warnings_of(caplog)] == [
        LEFT_OUT.format("tag", f"The tag {tag} is longer than 20 characters")
    ]


@pytest.mark.parametrize(
    ("data", "option", "field", "sent"),
    [
        ({"sms_class": "loud"}, "sms_class", "class", "1"),
        ({"no_stop": "perhaps"}, "no_stop", "noStop", "1"),
        ({"sender": "HomeAlarm1234"}, "sender", "from", "HomeAlarm"),
        ({"deferred": "2020-01-01T00:00:00+00:00"}, "deferred", "deferred", None),
        ({"deferred": "next week"}, "deferred", "deferred", None),
        ({"coding": "gsm7"}, "coding", "smsCoding", "2"),
        ({"validity": 60}, "validity", "validity", None),
        ({"validity": 0}, "validity", "validity", None),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_legacy_notify_sends_without_an_option_ovh_cannot_take(
    hass: HomeAssistant,
    ovh: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
    *,
    data: dict[str, Any],
    option: str,
    field: str,
    sent: str | None,
) -> None:
    """Each option OVH cannot take (or http2sms cannot carry) is left out with one warning."""
    await notify(hass, message="Fenêtre ouverte", data=data)
    assert sms_fields(ovh)[0].get(field) == sent
    assert [text.split(" (")[0] for text in warnings_of(caplog)] == [
        LEFT_OUT.format(option, "").split(" (")[0]
    ]
    assert PASSWORD not in caplog.text


async def test_notify_entity_sends_without_a_default_ovh_cannot_take(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    ovh: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The entry's 7-bit coding cannot carry ê: a notify entity sends the SMS in Unicode."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_CODING: "gsm7"})
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {"entity_id": "notify.alice", "message": "Fenêtre ouverte"},
        blocking=True,
    )
    assert [(form["message"], form["smsCoding"]) for form in sent_forms(ovh)] == [
        ("Fenêtre ouverte", "2")
    ]
    assert [text.split(";")[0] for text in warnings_of(caplog)] == [
        LEFT_OUT.format(
            "coding",
            "7-bit coding cannot carry these characters: ê. Use automatic or Unicode coding",
        )
    ]


async def test_notify_group_member_sends_without_the_mobile_apps_long_tag(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """The mobile app's tag (a key both use) of 25 characters no longer loses the SMS."""
    await set_up_in_a_notify_group(hass, mock_config_entry)
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "family",
        {"message": "Leak", "data": {"tag": "washing-machine-leak-alarm"}},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert [(form["to"], form["message"], form.get("tag")) for form in sent_forms(ovh)] == [
        (ALICE, "Leak", None)
    ]


@pytest.mark.parametrize(
    ("data", "key", "text"),
    [
        (
            {"recipients": ["123"]},
            "invalid_recipient",
            "123 is not a valid mobile or landline phone number",
        ),
        ({"message": " "}, "empty_message", "The message is empty"),
        (
            {"message": "a" * 919},
            "message_too_long",
            "The message needs 7 SMS; OVH sends at most 6 as one",
        ),
        (
            {"coding": "gsm7", "message": "fenêtre"},
            "unsupported_characters",
            "7-bit coding cannot carry these characters: ê. Use automatic or Unicode coding",
        ),
        (
            {"sender": "HomeAlarm1234"},
            "invalid_sender",
            (
                "HomeAlarm1234 is not a valid sender: at most 11 letters or digits, or a phone "
                "number of at most 15 digits"
            ),
        ),
        (
            {"tag": "t" * 21},
            "invalid_tag",
            f"The tag {'t' * 21} is longer than 20 characters",
        ),
        (
            {"deferred": "2020-01-01T00:00:00+00:00"},
            "deferred_in_past",
            "The deferred time 2020-01-01T00:00:00+00:00 is in the past",
        ),
        (
            {"recipients": ["notify.nobody"]},
            "unknown_recipient_entity",
            "notify.nobody is not a recipient of this OVH SMS account",
        ),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_bad_input_sends_nothing(
    hass: HomeAssistant, ovh: AiohttpClientMocker, data: dict[str, Any], key: str, text: str
) -> None:
    """Bad input is a translated validation error, and no request goes out."""
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, **({"recipients": [ALICE], "message": "Hi"} | data))
    assert (err.value.translation_key, str(err.value)) == (key, text)
    assert ovh.call_count == 0


OUTCOME_UNKNOWN = (
    "OVH's answer was lost or could not be read after the request was sent: the SMS may have "
    "been sent. It was not sent again"
)


@pytest.mark.parametrize(
    ("mock", "told"),
    [
        (
            {"json": {"status": 202, "message": "Invalid tag: is too long"}},
            ("invalid_parameter", "OVH refused a parameter: Invalid tag: is too long"),
        ),
        (
            {"json": {"status": 201, "message": "Missing to"}},
            ("missing_parameter", "OVH says a parameter is missing: Missing to"),
        ),
        (
            {"json": {"status": 241, "message": "Sender not found"}},
            ("sender_not_found", "OVH does not know this sender on the account: Sender not found"),
        ),
        (
            {"json": {"status": 202, "message": "Not enough credits."}},
            (
                "insufficient_credit",
                (
                    "OVH refused the SMS: the account has not enough credit left "
                    "(Not enough credits.). Buy SMS credit in the OVHcloud Control Panel"
                ),
            ),
        ),
        (
            {"json": {"status": 299, "message": "Odd"}},
            ("request_refused", "OVH refused the SMS (status 299): Odd"),
        ),
        (
            {"status": 503},
            (
                "server_error",
                (
                    "OVH answered HTTP 503: its service may have run, so the SMS may have been "
                    "sent. It was not sent again"
                ),
            ),
        ),
        (
            {"status": 403},
            ("http_error", "OVH answered HTTP 403 before its service ran; the SMS was not sent"),
        ),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError())},
            ("cannot_connect", CANNOT_CONNECT),
        ),
        ({"exc": aiohttp.ServerDisconnectedError()}, ("outcome_unknown", OUTCOME_UNKNOWN)),
        ({"exc": TimeoutError()}, ("outcome_unknown", OUTCOME_UNKNOWN)),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_failures_reach_the_caller(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
    mock: dict[str, Any],
    told: tuple[str, str],
) -> None:
    """Each failure is a translated HomeAssistantError; one request, no retry, no secret."""
    caplog.set_level(logging.DEBUG)
    aioclient_mock.post(ENDPOINT, **mock)
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert not isinstance(err.value, ServiceValidationError)
    assert (err.value.translation_key, str(err.value)) == told
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
    assert (err.value.translation_key, str(err.value)) == (
        "authentication_failed",
        "OVH refused the account, login or password: Invalid login or password",
    )
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
    assert (err.value.translation_key, str(err.value)) == (
        "ip_not_authorized",
        (
            "OVH refused this Home Assistant's IP address: allow it for the SMS user in the "
            "OVHcloud Control Panel"
        ),
    )
    issue_id = f"ip_not_authorized_{init_integration.entry_id}"
    assert {
        key: (issue.translation_key, issue.translation_placeholders)
        for key, issue in issue_registry.issues.items()
    } == {
        (DOMAIN, issue_id): (
            "ip_not_authorized",
            {"account": "sms-ab1234-1", "login": "homeassistant"},
        )
    }

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
    assert (err.value.translation_key, str(err.value)) == (
        "hourly_limit_reached",
        "The safety limit of 30 SMS per hour is reached (1 more asked); sending resumes at 12:00",
    )
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
        assert (err.value.translation_key, str(err.value)) == ("cannot_connect", CANNOT_CONNECT)


@pytest.mark.usefixtures("init_integration")
async def test_a_send_on_the_wire_is_recorded_when_its_caller_is_cancelled(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A script stopped while OVH holds the request: the SMS left, so it is recorded."""
    arrived, answer = asyncio.Event(), asyncio.Event()

    async def slow_ovh(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        arrived.set()
        await answer.wait()
        return AiohttpClientMockResponse(method, url, json=SUCCESS)

    aioclient_mock.post(ENDPOINT, side_effect=slow_ovh)
    events = async_capture_events(hass, EVENT_SMS_SENT)
    caller = hass.async_create_task(send_sms(hass, recipients=[ALICE], message="Door open"))
    await arrived.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    answer.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [event.data["sms_ids"] for event in events] == [["10867690"]]
    assert state_of(hass, CREDITS) == "1987"
    assert aioclient_mock.call_count == 1


@pytest.mark.usefixtures("init_integration")
async def test_event_after_each_send(hass: HomeAssistant, ovh: AiohttpClientMocker) -> None:
    """ovh_sms_sent tells automations what happened, without the text or the numbers."""
    events = async_capture_events(hass, EVENT_SMS_SENT)
    await send_sms(hass, recipients=[ALICE, BOB], message="Secret text")
    assert [event.data for event in events] == [
        {
            "config_entry_id": hass.config_entries.async_entries(DOMAIN)[0].entry_id,
            "sms_ids": ["10867690"],
            "recipients": 2,
            "segments": 1,
            "credits_left": 1987.0,
        }
    ]
    assert "Secret" not in str(events[0].data)
    assert "612345678" not in str(events[0].data)


async def test_config_entry_choice(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """With two accounts the action needs config_entry_id, and uses the one given."""
    other = await set_up_second_account(hass, init_integration, service_name="ovh_sms_2")
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "config_entry_required",
        CONFIG_ENTRY_REQUIRED,
    )
    await send_sms(hass, config_entry_id=other.entry_id, recipients=[ALICE], message="Hi")
    assert sent_forms(ovh)[0]["account"] == "sms-cd5678-1"
    with pytest.raises(ServiceValidationError) as err:
        # A recipient entity of another account is not a recipient of this one.
        await send_sms(
            hass, config_entry_id=other.entry_id, recipients=["notify.alice"], message="Hi"
        )
    assert (err.value.translation_key, str(err.value)) == (
        "unknown_recipient_entity",
        "notify.alice is not a recipient of this OVH SMS account",
    )


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
    assert (err.value.translation_key, str(err.value)) == ("no_recipients", NO_RECIPIENTS)
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
    sent = [f"003361234{n:04d}" for n in range(51)]
    assert [form["to"] for form in sent_forms(ovh)] == [",".join(sent[:50]), sent[50]]
    assert response == {
        "sms_ids": ["10867690", "10867690"],
        "credits_left": 1987.0,
        "segments": 1,
        "recipients": sent,
        "requests": 2,
        "deferred": None,
        "credits_removed": None,
    }


async def test_saved_recipients_are_not_parsed_again(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Saved recipients were normalised when saved: a send parses only the numbers typed."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_HOURLY_LIMIT: 0})
    saved = [f"003361234{n:04d}" for n in range(20)]
    for number in saved:
        add_recipient(hass, mock_config_entry, number)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    with patch.object(phonenumbers, "parse", wraps=phonenumbers.parse) as parse:
        await notify(hass, message="Storm warning")
        assert parse.call_count == 0
        await send_sms(hass, recipients=["notify.alice", BOB, ALICE], message="Storm warning")
        assert [call.args[0] for call in parse.call_args_list] == ["+33698765432"]
    assert [form["to"] for form in sent_forms(ovh)] == [
        ",".join([ALICE, *saved]),
        f"{ALICE},{BOB}",
    ]


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
    assert (err.value.translation_key, str(err.value)) == (
        "no_account",
        "No OVH SMS account is set up: add one in Settings > Devices & services",
    )
    assert ovh.call_count == 0


async def test_no_default_account_when_one_of_two_is_not_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Two accounts, one loaded: the action still asks which, never picks the other silently."""
    second = await set_up_second_account(hass, init_integration, service_name="ovh_sms_2")
    assert await hass.config_entries.async_unload(second.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "config_entry_required",
        CONFIG_ENTRY_REQUIRED,
    )
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
