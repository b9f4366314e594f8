"""The drill's section of the options: saved nested, checked, a reply offered with API keys."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from tests.alarms.fake_ovh import FakeJobs
from tests.conftest import DEFAULT_OPTIONS

from .conftest import DRILL, set_up

API_OPTIONS = DEFAULT_OPTIONS | {"replies": False, "delete_replies": False, "push": False}


async def configure(hass: HomeAssistant, entry: MockConfigEntry, **options: Any) -> Any:
    """Submit the options form with these changes; give the result."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | options
    )


async def test_the_drill_is_saved_under_its_key(
    hass: HomeAssistant, entry: MockConfigEntry, jobs: FakeJobs
) -> None:
    """Every field of the section, nested, the reply too with API keys."""
    drill = DRILL | {"weekday": "wed", "time": "18:15:00", "require_reply": True}
    result = await configure(hass, entry, drill=drill, replies=True)
    if result["step_id"] == "replies_sender":  # the account has a named sender
        result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["drill"] == drill


@pytest.mark.parametrize(
    ("drill", "error"),
    [
        (
            {"enabled": True, "weekday": "sun", "time": "04:30:00", "require_reply": False},
            "drill_recipient_required",
        ),
        (DRILL | {"require_reply": True}, "drill_reply_needs_replies"),
    ],
)
async def test_what_the_form_refuses(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    jobs: FakeJobs,
    drill: dict[str, Any],
    error: str,
) -> None:
    """A drill on without a recipient; a reply required while replies are not read."""
    result = await configure(hass, entry, drill=drill)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}


async def test_a_reply_required_with_a_virtual_number_read(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The short number's replies off, a virtual number read: the drill's reply reaches it."""
    numbers = {"numbers": ["33644000001"]}
    entry = await set_up(hass, mock_api_entry, freezer, virtual_numbers=numbers)
    drill = DRILL | {"require_reply": True}
    result = await configure(hass, entry, drill=drill, virtual_numbers=numbers)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["drill"]["require_reply"] is True


async def test_no_reply_to_require_with_an_sms_user(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """http2sms reads no replies: the section offers the recipients, not the reply."""
    entry = await set_up(hass, mock_config_entry, freezer)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    [drill] = [v for k, v in result["data_schema"].schema.items() if str(k) == "drill"]
    assert isinstance(drill, section)
    assert {str(key) for key in drill.schema.schema} == {"enabled", "weekday", "time", "recipient"}
    recipient = next(v for k, v in drill.schema.schema.items() if str(k) == "recipient")
    assert recipient.config["options"] == [{"value": "alice_id", "label": "Alice"}]


def shown(schema: Any) -> dict[str, Any]:
    """Give what the frontend submits for a form left as shown: each suggested value."""
    values: dict[str, Any] = {}
    for key, value in schema.schema.items():
        if isinstance(value, section):
            values[str(key)] = shown(value.schema)
        elif (key.description or {}).get("suggested_value") is not None:
            values[str(key)] = key.description["suggested_value"]
    return values


@pytest.mark.parametrize("fixture", ["mock_config_entry", "mock_api_entry"])
async def test_an_entry_saved_before_the_drill_saves_its_options_as_shown(
    hass: HomeAssistant,
    request: pytest.FixtureRequest,
    jobs: FakeJobs,
    fixture: str,
) -> None:
    """No drill options yet: the form left as it is shown is saved, the drill off."""
    entry: MockConfigEntry = request.getfixturevalue(fixture)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], shown(result["data_schema"])
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["drill"]["enabled"] is False
