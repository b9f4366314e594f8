"""What a send takes from its input, and what it leaves out or refuses before any request.

Other platforms' data and options OVH cannot take are left out, bad input is refused,
times are read in Home Assistant's time zone and numbers in its country.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.sms_options import CONF_CODING
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component

from .conftest import ALICE, BOB, PASSWORD, answer_rates, notify, send_sms, sent_forms, sms_fields


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


async def test_notify_group_with_keys_that_are_not_text(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """YAML keys read as numbers, beside the mobile app's: the SMS still goes, with our keys."""
    await set_up_in_a_notify_group(hass, mock_config_entry)
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "family",
        {"message": "Leak", "data": {1: "one", "priority": "high", "sms_class": "flash"}},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert [(form["to"], form["message"], form["class"]) for form in sent_forms(ovh)] == [
        (ALICE, "Leak", "0")
    ]


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
    answer_rates(ovh)  # read for the next SMS
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
