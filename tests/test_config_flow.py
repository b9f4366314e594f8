"""Config, reauth, reconfigure, options and recipient flows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, Mock

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
import voluptuous as vol

from custom_components.ovh_sms.const import (
    CONF_ENDPOINT,
    CONF_PHONE_NUMBER,
    DOMAIN,
    SECTION_CONNECTION,
    SUBENTRY_RECIPIENT,
)
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations

from .conftest import (
    ACCOUNT,
    ALICE,
    DEFAULT_OPTIONS,
    ENDPOINT,
    LOGIN,
    PASSWORD,
    SUCCESS,
    answer_rates,
    assert_unexpected_error_logged,
    sent_forms,
)

TRANSLATIONS = Path(__file__).parent.parent / "custom_components" / "ovh_sms" / "translations"
USER_INPUT = {
    "account": "SMS-AB1234-1",
    "login": LOGIN,
    CONF_PASSWORD: PASSWORD,
    "sender": "HomeAlarm",
    SECTION_CONNECTION: {CONF_ENDPOINT: ENDPOINT},
}
ENTRY = {
    "account": ACCOUNT,
    "login": LOGIN,
    CONF_PASSWORD: PASSWORD,
    "sender": "HomeAlarm",
    CONF_ENDPOINT: ENDPOINT,
}


async def start(hass: HomeAssistant, user_input: dict[str, Any] = USER_INPUT) -> Any:
    """Start the user flow, choose an SMS user and submit the account form."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert result["menu_options"] == ["http2sms", "api"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "http2sms"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "http2sms"
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


# The drill section's fields as the options form suggests them by default.
DRILL_DEFAULTS = {"enabled": False, "weekday": "mon", "time": "10:00:00"}


def suggested_values(schema: vol.Schema) -> dict[str, Any]:
    """Give the values a form suggests, those of its sections included."""
    values: dict[str, Any] = {}
    for key, value in schema.schema.items():
        if isinstance(value, section):
            values |= suggested_values(value.schema)
        elif key.description and "suggested_value" in key.description:
            values[str(key)] = key.description["suggested_value"]
    return values


async def test_user_flow_skipping_the_test_sms(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """The account is checked locally; skipping the test SMS sends nothing."""
    result = await start(hass)
    assert result["step_id"] == "verify"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"{ACCOUNT} · {LOGIN}"
    assert result["data"] == ENTRY
    assert result["options"] == {"service_name": "ovh_sms"}
    assert result["result"].unique_id == f"{ACCOUNT}_{LOGIN}"
    assert aioclient_mock.call_count == 0


async def test_a_new_account_gets_a_free_action_name(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """notify.ovh_sms is this integration's, notify.ovh_sms_2 another's: the new one is _3."""
    hass.services.async_register("notify", "ovh_sms_2", AsyncMock())
    result = await start(hass, USER_INPUT | {"login": "second"})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {"service_name": "ovh_sms_3"}
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", "ovh_sms_3")


async def test_user_flow_with_a_test_sms(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """A test SMS shows OVH's answer and credit, then creates the entry."""
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": "06 12 34 56 78"}
    )
    assert result["step_id"] == "verified"
    assert result["description_placeholders"] == {"credits_left": "1987", "sms_ids": "10867690"}
    form = sent_forms(aioclient_mock)[0]
    assert (form["to"], form["from"], form["noStop"]) == (ALICE, "HomeAlarm", "1")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == ENTRY


@pytest.mark.parametrize(
    ("mock", "error"),
    [
        ({"json": {"status": 401, "message": "IP"}}, "ip_not_authorized"),
        ({"exc": aiohttp.ClientConnectorError(Mock(), OSError())}, "cannot_connect"),
        ({"status": 500}, "server_error"),
        ({"status": 404}, "http_error"),
        ({"exc": aiohttp.ServerDisconnectedError()}, "outcome_unknown"),
    ],
)
async def test_test_sms_errors_and_recovery(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, mock: dict[str, Any], error: str
) -> None:
    """A failed test SMS shows the translated error and OVH's reason; the user can go on."""
    aioclient_mock.post(ENDPOINT, **mock)
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": ALICE}
    )
    assert result["step_id"] == "verify"
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_error_at_the_test_sms(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """An error no one foresaw at the test SMS: it may have gone, the form says so; logged."""
    aioclient_mock.post(ENDPOINT, exc=RuntimeError("Session is closed"))
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": ALICE}
    )
    assert result["step_id"] == "verify"
    assert result["errors"] == {"base": "unknown_test_sms"}
    assert_unexpected_error_logged(caplog)


async def test_a_refused_password_goes_back_to_the_account_form(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH refuses the SMS user at the test SMS: the account form comes back, never an entry."""
    aioclient_mock.post(ENDPOINT, json={"status": 202, "message": "Invalid login"})
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": ALICE}
    )
    assert result["step_id"] == "http2sms"
    assert result["errors"] == {"base": "authentication_failed"}
    assert result["description_placeholders"]["reason"] == "Invalid login"
    assert suggested_values(result["data_schema"]) == {
        "account": ACCOUNT,
        "login": LOGIN,
        "sender": "HomeAlarm",
        CONF_ENDPOINT: ENDPOINT,
    }
    # The same refused password again is refused without asking OVH.
    result = await hass.config_entries.flow.async_configure(result["flow_id"], USER_INPUT)
    assert result["step_id"] == "http2sms"
    assert result["errors"] == {"base": "authentication_failed"}
    assert aioclient_mock.call_count == 1
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT | {CONF_PASSWORD: "right-one"}
    )
    assert result["step_id"] == "verify"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == ENTRY | {CONF_PASSWORD: "right-one"}


async def test_a_refused_sender_goes_back_to_the_account_form(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH refuses the sender at the test SMS: the account form comes back to change it."""
    aioclient_mock.post(ENDPOINT, json={"status": 241, "message": "Sender not enabled."})
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": ALICE}
    )
    assert result["step_id"] == "http2sms"
    assert result["errors"] == {"sender": "sender_not_found"}
    assert result["description_placeholders"]["reason"] == "Sender not enabled."
    # The same sender again is refused without asking OVH; another one goes on.
    result = await hass.config_entries.flow.async_configure(result["flow_id"], USER_INPUT)
    assert result["errors"] == {"sender": "sender_not_found"}
    assert aioclient_mock.call_count == 1
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT | {"sender": "OtherAlarm"}
    )
    assert result["step_id"] == "verify"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == ENTRY | {"sender": "OtherAlarm"}


async def test_user_flow_field_errors_and_recovery(hass: HomeAssistant) -> None:
    """Malformed account, sender and endpoint are field errors; fixing them goes on."""
    result = await start(
        hass,
        USER_INPUT
        | {"account": "ab1234", "login": "  ", "sender": "MuchTooLongSender"}
        | {SECTION_CONNECTION: {CONF_ENDPOINT: "not a url"}},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        "account": "invalid_account",
        "login": "invalid_login",
        "sender": "invalid_sender",
        SECTION_CONNECTION: "invalid_endpoint",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT | {"sender": ""}
    )
    assert result["step_id"] == "verify"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["data"]["sender"] == ""


async def test_duplicate_account_aborts(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """The same SMS user of the same account cannot be added twice, whatever case or spaces."""
    mock_config_entry.add_to_hass(hass)
    result = await start(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    result = await start(
        hass, USER_INPUT | {"account": " sms-AB1234-1 ", "login": " HomeAssistant "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_the_same_account_in_two_flows_at_once_aborts_with_a_text(
    hass: HomeAssistant,
) -> None:
    """A second flow for the account another flow is adding says so (the frontend shows no key)."""
    first = await start(hass)
    assert first["step_id"] == "verify"

    result = await start(hass)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_in_progress"
    texts = await async_get_translations(hass, "en", "config", [DOMAIN])
    assert texts[f"component.{DOMAIN}.config.abort.already_in_progress"] == (
        "This account is being added in another window: finish or close that one first."
    )


async def test_what_was_typed_is_cleaned(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Pasted spaces around account, login, sender and endpoint are not stored nor sent."""
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    result = await start(
        hass,
        {
            "account": " SMS-AB1234-1\t",
            "login": " homeassistant ",
            CONF_PASSWORD: f" {PASSWORD} ",
            "sender": " HomeAlarm ",
            SECTION_CONNECTION: {CONF_ENDPOINT: f" {ENDPOINT} "},
        },
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": "06 12 34 56 78"}
    )
    form = sent_forms(aioclient_mock)[0]
    assert (form["account"], form["login"], form["from"]) == (ACCOUNT, LOGIN, "HomeAlarm")
    # A password may hold spaces on purpose: it is kept as typed.
    assert form[CONF_PASSWORD] == f" {PASSWORD} "
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["data"] == ENTRY | {CONF_PASSWORD: f" {PASSWORD} "}
    assert result["result"].unique_id == f"{ACCOUNT}_{LOGIN}"


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("http://www.ovh.com/cgi-bin/sms/http2sms.cgi", "insecure_endpoint"),
        ("http://192.168.1.20:8080/http2sms.cgi", "insecure_endpoint"),
        ("https://me:hunter2@www.ovh.com/cgi-bin/sms/http2sms.cgi", "endpoint_credentials"),
        ("not a url", "invalid_endpoint"),
    ],
)
async def test_endpoint_the_password_must_not_travel_to(
    hass: HomeAssistant, endpoint: str, error: str
) -> None:
    """Plain http to another machine, or a URL with credentials, is a field error."""
    result = await start(hass, USER_INPUT | {SECTION_CONNECTION: {CONF_ENDPOINT: endpoint}})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {SECTION_CONNECTION: error}


@pytest.mark.parametrize(
    ("number", "country", "error"),
    [
        ("12", "FR", "invalid_phone_number"),
        ("0612345678;0698765432", "FR", "multiple_numbers"),
        ("06 12 34 56 78", None, "national_number_without_country"),
    ],
)
async def test_test_sms_bad_number(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    number: str,
    country: str | None,
    error: str,
) -> None:
    """A bad test number is a field error that says what is wrong; nothing is sent."""
    hass.config.country = country
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": number}
    )
    assert result["errors"] == {"test_number": error}
    assert aioclient_mock.call_count == 0


async def test_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Reauthentication stores the new password and reloads."""
    result = await init_integration.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert {"account": ACCOUNT, "login": LOGIN}.items() <= result[
        "description_placeholders"
    ].items()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new-password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.data[CONF_PASSWORD] == "new-password"
    await hass.async_block_till_done()  # the reload
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    assert sent_forms(aioclient_mock)[0][CONF_PASSWORD] == "new-password"


async def reconfigure(hass: HomeAssistant, entry: MockConfigEntry, user_input: Any) -> Any:
    """Run the reconfigure flow with this input."""
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def test_reconfigure(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Login, sender and endpoint change; an empty password keeps the old one."""
    result = await reconfigure(
        hass,
        init_integration,
        {
            "account": ACCOUNT,
            "login": "other",
            "sender": "Maison",
            SECTION_CONNECTION: {CONF_ENDPOINT: "http://127.0.0.1:8080/http2sms.cgi"},
        },
    )
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.data == ENTRY | {
        "login": "other",
        "sender": "Maison",
        CONF_ENDPOINT: "http://127.0.0.1:8080/http2sms.cgi",
    }
    assert init_integration.unique_id == f"{ACCOUNT}_other"
    assert init_integration.title == f"{ACCOUNT} · other"


async def test_reconfigure_keeps_a_title_the_user_chose(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Only a generated title follows the login; one the user typed stays."""
    hass.config_entries.async_update_entry(init_integration, title=f"{ACCOUNT} · {LOGIN}")
    await reconfigure(hass, init_integration, USER_INPUT | {"login": "second"})
    assert init_integration.title == f"{ACCOUNT} · second"
    hass.config_entries.async_update_entry(init_integration, title="Home alarm SMS")
    await reconfigure(hass, init_integration, USER_INPUT | {"login": "third"})
    assert init_integration.title == "Home alarm SMS"


async def test_reconfigure_same_login_new_password(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Keeping the login keeps the unique id; a new password is stored."""
    result = await reconfigure(hass, init_integration, USER_INPUT | {CONF_PASSWORD: "changed"})
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.data[CONF_PASSWORD] == "changed"
    assert init_integration.unique_id == f"{ACCOUNT}_{LOGIN}"


async def test_reconfigure_errors(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Another account aborts; another entry's login aborts; bad fields are errors."""
    result = await reconfigure(hass, init_integration, USER_INPUT | {"account": "sms-zz9999-1"})
    assert result["reason"] == "account_mismatch"
    result = await reconfigure(hass, init_integration, USER_INPUT | {"sender": "x" * 12})
    assert result["errors"] == {"sender": "invalid_sender"}
    other = MockConfigEntry(
        domain=DOMAIN, unique_id=f"{ACCOUNT}_taken", data=ENTRY | {"login": "taken"}
    )
    other.add_to_hass(hass)
    result = await reconfigure(hass, init_integration, USER_INPUT | {"login": "TAKEN"})
    assert result["reason"] == "already_configured"
    assert init_integration.data["login"] == LOGIN


async def test_reconfigure_form_shows_current_values(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The form is pre-filled, without the password."""
    result = await init_integration.start_reconfigure_flow(hass)
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested["account"] == ACCOUNT
    assert suggested["sender"] == "HomeAlarm"
    assert CONF_PASSWORD not in suggested


async def test_options(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Options are checked, stored and reload the entry (new action name)."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    options = {
        "no_stop": False,
        "sms_class": "flash",
        "coding": "gsm7",
        "tag": "t" * 21,
        "service_name": "Family SMS",
        "hourly_limit": 10.0,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert result["errors"] == {"tag": "invalid_tag"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options | {"tag": "home"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options == options | {
        "tag": "home",
        "service_name": "family_sms",
        "hourly_limit": 10,
    }
    assert hass.services.has_service("notify", "family_sms")
    assert not hass.services.has_service("notify", "ovh_sms")


async def test_options_form_shows_every_default(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An entry without options shows the integration's defaults; one with options, its own."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    # The drill is off, and so is the spending section's budget; readiness has its defaults.
    readiness = {"credit_threshold": 0, "runway_days": 14}
    assert suggested_values(
        result["data_schema"]
    ) == DEFAULT_OPTIONS | DRILL_DEFAULTS | readiness | {"monthly_budget": 0}
    hass.config_entries.async_update_entry(
        init_integration, options={"no_stop": False, "coding": "ucs2", "tag": "home"}
    )
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert suggested_values(
        result["data_schema"]
    ) == DEFAULT_OPTIONS | DRILL_DEFAULTS | readiness | {
        "monthly_budget": 0,
        "no_stop": False,
        "coding": "ucs2",
        "tag": "home",
    }


@pytest.mark.parametrize(
    ("entry_fixture", "two_way_fields"),
    [
        ("mock_config_entry", set()),
        ("mock_api_entry", {"replies", "delete_replies", "push", "virtual_numbers"}),
    ],
)
@pytest.mark.usefixtures("ovh_api")
async def test_options_of_an_entry_not_loaded(
    hass: HomeAssistant,
    request: pytest.FixtureRequest,
    entry_fixture: str,
    two_way_fields: set[str],
) -> None:
    """An entry that is not loaded still has its options; API keys add replies, push, numbers."""
    entry: MockConfigEntry = request.getfixturevalue(entry_fixture)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    fields = {str(key) for key in result["data_schema"].schema}
    assert "service_name" in fields
    assert fields & {"replies", "delete_replies", "push", "virtual_numbers"} == two_way_fields


async def test_options_action_name_is_unique(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Two accounts cannot share the legacy action's name."""
    MockConfigEntry(domain=DOMAIN, unique_id="other", data=ENTRY).add_to_hass(hass)
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], DEFAULT_OPTIONS)
    assert result["errors"] == {"service_name": "service_name_taken"}


@pytest.mark.parametrize(
    "name", ["send_message", "persistent_notification", "mobile_app_pixel", "ovh_sms_2"]
)
async def test_options_refuse_an_action_name_taken_by_anything_else(
    hass: HomeAssistant, init_integration: MockConfigEntry, name: str
) -> None:
    """Home Assistant's own notify actions, another integration's or account's are refused."""
    hass.services.async_register("notify", "mobile_app_pixel", AsyncMock())
    MockConfigEntry(
        domain=DOMAIN, unique_id="other", data=ENTRY, options={"service_name": "ovh_sms_2"}
    ).add_to_hass(hass)
    options = DEFAULT_OPTIONS | {"service_name": name}
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert result["errors"] == {"service_name": "service_name_taken"}
    # Keeping its own name is allowed.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options | {"service_name": "ovh_sms"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_add_edit_remove_recipient(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A new recipient gets its notify entity at once; edits apply; removal removes it."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_RECIPIENT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Bob", CONF_PHONE_NUMBER: "12"}
    )
    assert result["errors"] == {CONF_PHONE_NUMBER: "invalid_phone_number"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Bob", CONF_PHONE_NUMBER: "+33 6 98 76 54 32"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.states.get("notify.bob") is not None
    bob = next(s for s in init_integration.subentries.values() if s.title == "Bob")
    assert bob.data == {CONF_PHONE_NUMBER: "0033698765432"}

    result = await init_integration.start_subentry_reconfigure_flow(hass, bob.subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Bob", CONF_PHONE_NUMBER: "07 51 23 45 67"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await hass.services.async_call(
        "notify", "send_message", {"entity_id": "notify.bob", "message": "Hi"}, blocking=True
    )
    assert sent_forms(aioclient_mock)[0]["to"] == "0033751234567"

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), init_integration.entry_id)
    assert hass.config_entries.async_remove_subentry(init_integration, bob.subentry_id)
    await hass.async_block_till_done()
    assert hass.states.get("notify.bob") is None
    # Bob's device goes with him: no stale device is left.
    after = dr.async_entries_for_config_entry(dr.async_get(hass), init_integration.entry_id)
    assert len(after) == len(devices) - 1
    assert all(device.name != "Bob" for device in after)


@pytest.mark.parametrize(
    ("country", "number", "stored"),
    [
        ("FR", "0692 12 34 56", "00262692123456"),
        ("FR", "0696 12 34 56", "00596696123456"),
        ("RE", "07 51 23 45 67", "0033751234567"),
        ("GP", "0690 12 34 56", "00590690123456"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_recipient_of_french_overseas(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    country: str,
    number: str,
    stored: str,
) -> None:
    """A number dialled nationally anywhere in France's plan is kept, and texted, with its code."""
    answer_rates(aioclient_mock)
    hass.config.country = country
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_RECIPIENT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Zoé", CONF_PHONE_NUMBER: number}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["unique_id"] == stored
    await hass.async_block_till_done()
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await hass.services.async_call(
        "notify", "send_message", {"entity_id": "notify.zoe", "message": "Hi"}, blocking=True
    )
    assert sent_forms(aioclient_mock)[0]["to"] == stored


@pytest.mark.parametrize(
    ("number", "country", "error"),
    [
        ("0612345678;0698765432", "FR", "multiple_numbers"),
        ("06 12 34 56 78 / 06 98 76 54 32", "FR", "multiple_numbers"),
        ("06 98 76 54 32", None, "national_number_without_country"),
    ],
)
async def test_recipient_number_errors_say_what_is_wrong(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    number: str,
    country: str | None,
    error: str,
) -> None:
    """Two numbers in the field, or a national one without a country: a clear field error."""
    hass.config.country = country
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_RECIPIENT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Bob", CONF_PHONE_NUMBER: number}
    )
    assert result["errors"] == {CONF_PHONE_NUMBER: error}
    assert len(init_integration.subentries) == 1


async def test_duplicate_recipient_aborts(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The same number, written differently, cannot be added twice."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_RECIPIENT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Alice again", CONF_PHONE_NUMBER: "06 12 34 56 78"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_set_up_field_has_help(language: str) -> None:
    """Each field of the set-up, reauth and reconfigure steps says what to enter."""
    translations = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
    steps = translations["config"]["step"]
    without_help = {
        step_id: set(step["data"]) - set(step.get("data_description", {}))
        for step_id, step in steps.items()
        if set(step.get("data", {})) - set(step.get("data_description", {}))
    }
    assert without_help == {}
