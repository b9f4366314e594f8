"""Sending through Home Assistant's actions: what OVH receives and what the caller gets."""

from __future__ import annotations

from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import phonenumbers
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN, EVENT_SMS_SENT
from custom_components.ovh_sms.sms_options import (
    CONF_CODING,
    CONF_NO_STOP,
    CONF_SMS_CLASS,
    CONF_TAG,
)
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import ALICE, BOB, add_recipient, notify, send_sms, sent_forms, sms_fields, state_of

NO_RECIPIENTS = "The SMS has no recipient: give a target, or add recipients to the account"


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
        "credits_estimated": 2.0,
        "queued": [],
        "queued_until": None,
        "failed": [],
        "failure": None,
        "path": "sms-ab1234-1",
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
            "late_by": 0.0,
            "path": "sms-ab1234-1",
            "credits_estimated": 2.0,
            "credits_removed": None,
        }
    ]
    assert "Secret" not in str(events[0].data)
    assert "612345678" not in str(events[0].data)


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
        "credits_estimated": 51.0,
        "queued": [],
        "queued_until": None,
        "failed": [],
        "failure": None,
        "path": "sms-ab1234-1",
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
