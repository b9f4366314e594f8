"""The commands section of the options, and a recipient's "may talk to the house"."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
import voluptuous as vol

from custom_components.ovh_sms.const import (
    CONF_LANGUAGE,
    CONF_MAY_COMMAND,
    CONF_PHONE_NUMBER,
    SUBENTRY_RECIPIENT,
)
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, section
from tests.conftest import ALICE, DEFAULT_OPTIONS

from .conftest import AGENT, COMMANDS, PIN

# The options list the account's virtual numbers: OVH answers.
pytestmark = pytest.mark.usefixtures("jobs")

API_OPTIONS = DEFAULT_OPTIONS | {"replies": True, "delete_replies": False, "push": False}
SECTION = {
    "agent_id": AGENT,
    "pin": " 4711 ",
    "keywords": ["Disarm", " ok", "disarm", ""],
    "commands_per_sender_hourly": 5.0,
    "answers_daily": 30.0,
}


async def test_the_commands_section_is_saved_normalised(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Keywords are saved lower case, once each; the PIN without spaces; limits as numbers."""
    mock_api_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"commands": SECTION}
    )

    assert result["step_id"] == "replies_sender"  # the named sender gets no SMS: confirmed
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()  # the reload the options schedule, on OVH's answers
    assert mock_api_entry.options["commands"] == {
        "agent_id": AGENT,
        "pin": "4711",
        "keywords": ["disarm", "ok"],
        "commands_per_sender_hourly": 5,
        "answers_daily": 30,
    }
    # Saved options reload the entry: its set-up ends before the test does.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await hass.config_entries.async_unload(mock_api_entry.entry_id)


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"pin": "12"}, {"pin": "invalid_pin"}),
        ({"pin": "12 34"}, {"pin": "invalid_pin"}),
        ({"keywords": ["turn off"]}, {"keywords": "invalid_keywords"}),
        ({"keywords": ["received"]}, {"keywords": "invalid_keywords"}),
        ({"keywords": ["Stop"]}, {"keywords": "invalid_keywords"}),
        ({"keywords": [f"k{n}" for n in range(21)]}, {"keywords": "invalid_keywords"}),
    ],
    ids=["short pin", "pin of two words", "two words", "reserved", "opt-out", "too many"],
)
async def test_a_bad_pin_or_keyword_is_refused(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    change: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """What could never match an SMS's first word is refused with its reason."""
    mock_api_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"commands": SECTION | change}
    )

    assert result["errors"] == errors


async def test_only_api_keys_offer_commands(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """An SMS user reads no SMS: its options have no commands section."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    assert "commands" not in {str(key) for key in result["data_schema"].schema}


async def test_a_recipient_may_talk_to_the_house_in_a_language(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry
) -> None:
    """The recipient form saves the switch (off unless set) and the language."""
    mock_api_entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (mock_api_entry.entry_id, SUBENTRY_RECIPIENT), context={"source": SOURCE_USER}
    )
    assert [str(field) for field in result["data_schema"].schema] == [
        CONF_NAME,
        CONF_PHONE_NUMBER,
        CONF_MAY_COMMAND,
        CONF_LANGUAGE,
    ]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Bob",
            CONF_PHONE_NUMBER: "+33 6 98 76 54 32",
            CONF_MAY_COMMAND: True,
            CONF_LANGUAGE: "fr",
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    bob = next(s for s in mock_api_entry.subentries.values() if s.title == "Bob")
    assert bob.data == {
        CONF_PHONE_NUMBER: "0033698765432",
        CONF_MAY_COMMAND: True,
        CONF_LANGUAGE: "fr",
    }


async def test_an_sms_user_recipient_is_asked_nothing_of_commands(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """An SMS user reads no incoming SMS: no switch or language; what a recipient had stays."""
    mock_config_entry.add_to_hass(hass)
    alice = mock_config_entry.subentries["alice_id"]
    saved = {CONF_PHONE_NUMBER: ALICE, CONF_MAY_COMMAND: True, CONF_LANGUAGE: "fr"}
    hass.config_entries.async_update_subentry(mock_config_entry, alice, data=saved)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, SUBENTRY_RECIPIENT), context={"source": SOURCE_USER}
    )
    assert [str(field) for field in result["data_schema"].schema] == [CONF_NAME, CONF_PHONE_NUMBER]
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Bob", CONF_PHONE_NUMBER: "+33 6 98 76 54 32"}
    )
    result = await mock_config_entry.start_subentry_reconfigure_flow(hass, "alice_id")
    assert [str(field) for field in result["data_schema"].schema] == [CONF_NAME, CONF_PHONE_NUMBER]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Alice B.", CONF_PHONE_NUMBER: ALICE}
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    bob = next(s for s in mock_config_entry.subentries.values() if s.title == "Bob")
    assert bob.data == {CONF_PHONE_NUMBER: "0033698765432"}
    assert mock_config_entry.subentries["alice_id"].data == saved


def descriptions(schema: vol.Schema) -> list[Any]:
    """Give every field's description (its suggested value), those of the sections too."""
    found = []
    for key, value in schema.schema.items():
        found.append(key.description)
        if isinstance(value, section):
            found += descriptions(value.schema)
    return found


def shown(result: FlowResult) -> str:
    """Give all a browser receives of a form's values: suggested values, placeholders, errors."""
    return repr(
        [descriptions(result["data_schema"]), result["description_placeholders"], result["errors"]]
    )


async def test_the_saved_pin_is_never_sent_to_the_browser(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry
) -> None:
    """Neither the form nor the form shown again with an error holds the saved PIN."""
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, options=API_OPTIONS | {"commands": COMMANDS | {"pin": PIN}}
    )
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    assert AGENT in shown(result)  # the section's other values are suggested
    assert PIN not in shown(result)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"commands": COMMANDS | {"keywords": ["turn off"]}}
    )

    assert result["errors"] == {"keywords": "invalid_keywords"}
    assert PIN not in shown(result)


@pytest.mark.parametrize(
    ("change", "saved"),
    [
        ({}, PIN),
        ({"pin": ""}, PIN),
        ({"remove_pin": True}, ""),
        ({"pin": "4711"}, "4711"),
    ],
    ids=["left out", "left empty", "removed", "replaced"],
)
async def test_an_empty_pin_keeps_the_saved_one_unless_removed(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    change: dict[str, Any],
    saved: str,
) -> None:
    """The form shows no PIN: saving it as shown keeps the PIN; the switch removes it."""
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, options=API_OPTIONS | {"commands": COMMANDS | {"pin": PIN}}
    )
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    section = {key: value for key, value in COMMANDS.items() if key != "pin"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"commands": section | change}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_api_entry.options["commands"] == COMMANDS | {"pin": saved}
    # Saved options reload the entry: its set-up ends before the test does.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await hass.config_entries.async_unload(mock_api_entry.entry_id)


@pytest.mark.parametrize(
    ("change", "saved"),
    [({"pin": "4711"}, "4711"), ({"remove_pin": True}, "")],
    ids=["replaced", "removed"],
)
async def test_a_pin_change_outlives_a_form_shown_again(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    change: dict[str, Any],
    saved: str,
) -> None:
    """Another field refused: the form shown again has no PIN; saved as shown, the change stays."""
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, options=API_OPTIONS | {"commands": COMMANDS | {"pin": PIN}}
    )
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    section = {key: value for key, value in COMMANDS.items() if key != "pin"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        API_OPTIONS | {"commands": section | change | {"keywords": ["turn off"]}},
    )
    assert result["errors"] == {"keywords": "invalid_keywords"}
    assert "4711" not in shown(result)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"commands": section}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_api_entry.options["commands"] == COMMANDS | {"pin": saved}
    # Saved options reload the entry: its set-up ends before the test does.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await hass.config_entries.async_unload(mock_api_entry.entry_id)
