"""Set-up and unload of an account."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.const import (
    CONF_ACCOUNT,
    CONF_ENDPOINT,
    CONF_LOGIN,
    CONF_SENDER,
    DOMAIN,
)
from homeassistant.components.notify import legacy as legacy_notify
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component

from .conftest import (
    ACCOUNT,
    ALICE,
    ENDPOINT,
    ENTRY_DATA,
    FOREIGN_ENTRY_DATA,
    LOGIN,
    PASSWORD,
    SUCCESS,
    foreign_entry,
    sent_forms,
    set_up_second_account,
    state_of,
)


def issue_of(
    issue_registry: ir.IssueRegistry, issue_id: str
) -> tuple[str | None, ir.IssueSeverity | None, dict[str, str] | None] | None:
    """Give an issue of the integration's: its key, severity and placeholders; None if none."""
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    if issue is None:
        return None
    return issue.translation_key, issue.severity, issue.translation_placeholders


async def test_setup_sends_nothing_and_unload_removes_everything(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Setting up costs no SMS; unloading removes the legacy action and the entities' states."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert aioclient_mock.call_count == 0
    assert hass.services.has_service("notify", "ovh_sms")
    assert hass.services.has_service(DOMAIN, "send_sms")
    assert state_of(hass, "notify.alice") == "unknown"

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert not hass.services.has_service("notify", "ovh_sms")
    assert state_of(hass, "notify.alice") == "unavailable"


async def test_service_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A service device for the account with its sensors, and one per recipient."""
    devices = {
        device.name: device
        for device in dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    }
    assert {
        name: (device.entry_type, device.manufacturer, device.model)
        for name, device in devices.items()
    } == {
        "sms-ab1234-1": (dr.DeviceEntryType.SERVICE, "OVHcloud", "SMS (http2sms)"),
        "Alice": (dr.DeviceEntryType.SERVICE, "OVHcloud", "SMS recipient"),
    }

    def entity_ids(device: dr.DeviceEntry) -> list[str]:
        return sorted(e.entity_id for e in er.async_entries_for_device(entity_registry, device.id))

    assert entity_ids(devices["sms-ab1234-1"]) == [
        "binary_sensor.sms_ab1234_1_alarm_path",
        "sensor.sms_ab1234_1_credits_left",
        "sensor.sms_ab1234_1_credits_spent_this_month",
        "sensor.sms_ab1234_1_days_of_credit_left",
        "sensor.sms_ab1234_1_last_sms",
        "sensor.sms_ab1234_1_open_alarms",
        "sensor.sms_ab1234_1_outbox",
    ]
    assert entity_ids(devices["Alice"]) == ["notify.alice"]


async def test_yaml_notify_platform_gives_nothing(hass: HomeAssistant) -> None:
    """The integration is set up from the UI only: a YAML notify platform adds no action."""
    assert await async_setup_component(
        hass, "notify", {"notify": [{"platform": DOMAIN, "name": "yaml_sms"}]}
    )
    await hass.async_block_till_done()
    assert not hass.services.has_service("notify", "yaml_sms")


async def test_a_taken_action_name_is_a_repair_and_never_removes_the_other(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A second account that kept the default name gets a repair, and unloads harmlessly."""
    second = await set_up_second_account(hass, init_integration)
    assert issue_of(issue_registry, f"notify_action_taken_{second.entry_id}") == (
        "notify_action_taken",
        ir.IssueSeverity.ERROR,
        {"name": "ovh_sms", "account": "sms-cd5678-1"},
    )

    assert await hass.config_entries.async_unload(second.entry_id)
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", "ovh_sms")
    assert issue_of(issue_registry, f"notify_action_taken_{second.entry_id}") is None
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    assert sent_forms(aioclient_mock)[0]["account"] == "sms-ab1234-1"


async def test_unloading_never_removes_home_assistants_own_action(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """An entry named send_message (set before names were checked) leaves notify.send_message."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={"service_name": "send_message"}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", "send_message")
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", "send_message")


async def test_notify_reload_never_brings_back_an_unloaded_action(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Notify's reload re-registers every service it knows: an unloaded entry's stays gone."""
    await legacy_notify.async_reload(hass, DOMAIN)
    assert hass.services.has_service("notify", "ovh_sms")
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    await legacy_notify.async_reload(hass, DOMAIN)
    assert not hass.services.has_service("notify", "ovh_sms")


async def test_entries_saved_before_are_cleaned_and_made_safe(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Spaces go (unique id too), and http://user:password@ becomes https:// without them."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=ACCOUNT,
        unique_id=" sms-ab1234-1 _ homeassistant ",
        data={
            CONF_ACCOUNT: " SMS-AB1234-1 ",
            CONF_LOGIN: " homeassistant ",
            CONF_PASSWORD: PASSWORD,
            CONF_SENDER: " HomeAlarm ",
            CONF_ENDPOINT: "http://me:hunter2@www.ovh.com/cgi-bin/sms/http2sms.cgi",
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.minor_version == 2
    assert entry.data == {
        CONF_ACCOUNT: ACCOUNT,
        CONF_LOGIN: LOGIN,
        CONF_PASSWORD: PASSWORD,
        CONF_SENDER: "HomeAlarm",
        CONF_ENDPOINT: ENDPOINT,
    }
    assert entry.unique_id == f"{ACCOUNT}_{LOGIN}"
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await hass.services.async_call(
        "notify", "ovh_sms", {"message": "Hi", "target": ["0612345678"]}, blocking=True
    )
    assert str(aioclient_mock.mock_calls[0][1]) == ENDPOINT


async def test_cleaning_never_gives_two_entries_one_unique_id(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A spaced twin of an existing entry is cleaned, but keeps its own unique id."""
    mock_config_entry.add_to_hass(hass)
    twin = MockConfigEntry(
        domain=DOMAIN,
        unique_id=" sms-ab1234-1 _homeassistant",
        data=dict(ENTRY_DATA) | {CONF_LOGIN: "homeassistant "},
    )
    twin.add_to_hass(hass)
    assert await hass.config_entries.async_setup(twin.entry_id)
    assert twin.data[CONF_LOGIN] == LOGIN
    assert twin.unique_id == " sms-ab1234-1 _homeassistant"


@pytest.mark.parametrize(
    ("saved", "kept"),
    [
        ("http://127.0.0.1:8080/http2sms.cgi", "http://127.0.0.1:8080/http2sms.cgi"),
        ("http://u:p@localhost:8080/http2sms.cgi", "http://localhost:8080/http2sms.cgi"),
        (None, ENDPOINT),
    ],
)
async def test_a_local_endpoint_saved_before_stays_local(
    hass: HomeAssistant, saved: str | None, kept: str
) -> None:
    """The simulator on this machine keeps plain http; an entry without endpoint gets OVH's."""
    data = {CONF_ACCOUNT: ACCOUNT, CONF_LOGIN: LOGIN, CONF_PASSWORD: PASSWORD, CONF_SENDER: ""}
    entry = MockConfigEntry(
        domain=DOMAIN, data=data if saved is None else data | {CONF_ENDPOINT: saved}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.data[CONF_ENDPOINT] == kept


@pytest.mark.parametrize("endpoint", ["ftp://ovh", "not a url"])
async def test_an_unusable_endpoint_is_a_translated_setup_error(
    hass: HomeAssistant, endpoint: str
) -> None:
    """An endpoint that is no http(s) URL at all is kept, and setup says to reconfigure."""
    entry = MockConfigEntry(
        domain=DOMAIN, minor_version=1, data=dict(ENTRY_DATA) | {CONF_ENDPOINT: endpoint}
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.data[CONF_ENDPOINT] == endpoint
    assert entry.reason == (
        "The OVH address of this account is not a full https:// address: "
        "reconfigure the OVH SMS account, or add it again"
    )


async def test_an_entry_of_a_newer_version_is_not_touched(hass: HomeAssistant) -> None:
    """A downgrade cannot read what a newer version saved: the entry is left alone."""
    entry = MockConfigEntry(domain=DOMAIN, version=2, data=dict(ENTRY_DATA))
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_another_integrations_entry_says_what_to_do(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, issue_registry: ir.IssueRegistry
) -> None:
    """Kinsoi's leftover entry: a translated setup error and a repair, no KeyError, no request."""
    entry = foreign_entry()
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == (
        "The entry OVH SMS - sms-ab1234-1 was made by another integration that also uses the "
        "domain ovh_sms (ha-ovh-sms-plugin): use its repair to turn it into an entry of this "
        "integration, or delete it and add the account again"
    )
    assert entry.data == FOREIGN_ENTRY_DATA
    assert issue_of(issue_registry, f"foreign_entry_{entry.entry_id}") == (
        "foreign_entry_fixable",
        ir.IssueSeverity.ERROR,
        {"title": "OVH SMS - sms-ab1234-1"},
    )
    assert aioclient_mock.call_count == 0

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_of(issue_registry, f"foreign_entry_{entry.entry_id}") is None


async def test_deleting_an_entry_removes_its_repairs(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An IP refusal and a taken action name leave no repair behind once the entry is deleted."""
    second = await set_up_second_account(hass, init_integration)
    aioclient_mock.post(ENDPOINT, json={"status": 401, "message": "IP not allowed"})
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"config_entry_id": second.entry_id, "recipients": [ALICE], "message": "Hi"},
            blocking=True,
        )
    assert (err.value.translation_key, str(err.value)) == (
        "ip_not_authorized",
        (
            "OVH refused this Home Assistant's IP address: allow it for the SMS user in the "
            "OVHcloud Control Panel"
        ),
    )
    assert set(issue_registry.issues) == {
        (DOMAIN, f"ip_not_authorized_{second.entry_id}"),
        (DOMAIN, f"notify_action_taken_{second.entry_id}"),
    }
    assert await hass.config_entries.async_remove(second.entry_id)
    await hass.async_block_till_done()
    assert set(issue_registry.issues) == set()
