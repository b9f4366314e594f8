"""The credits and last-SMS sensors, and diagnostics."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.components.sensor import ATTR_STATE_CLASS, SensorStateClass
from homeassistant.const import ATTR_FRIENDLY_NAME, ATTR_UNIT_OF_MEASUREMENT, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from .conftest import CREDITS, ENDPOINT, FOREIGN_ENTRY_DATA, PASSWORD, foreign_entry, state_of

LAST_SMS = "sensor.sms_ab1234_1_last_sms"


def attributes_of(hass: HomeAssistant, entity_id: str) -> dict[str, Any] | None:
    """Return the entity's attributes, None if it has no state."""
    state = hass.states.get(entity_id)
    return None if state is None else dict(state.attributes)


async def test_sensors_follow_each_send(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unknown until the first send, then OVH's decimal credit and the send time."""
    assert state_of(hass, CREDITS) == STATE_UNKNOWN
    assert attributes_of(hass, CREDITS) == {
        ATTR_STATE_CLASS: SensorStateClass.MEASUREMENT,
        ATTR_UNIT_OF_MEASUREMENT: "credits",
        ATTR_FRIENDLY_NAME: "sms-ab1234-1 Credits left",
    }

    freezer.move_to(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "230.75", "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    assert state_of(hass, CREDITS) == "230.75"
    assert state_of(hass, LAST_SMS) == "2026-11-22T03:00:00+00:00"


@pytest.mark.parametrize(
    ("answered", "shown"), [("500.0", "500"), ("500.00", "500"), ("230.50", "230.5"), ("0", "0")]
)
async def test_credit_shown_without_trailing_zeros(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    answered: str,
    shown: str,
) -> None:
    """OVH's 500.0 (the API's float) is a credit of 500; 230.50 is 230.5."""
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": answered, "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    assert state_of(hass, CREDITS) == shown


async def test_credit_sensor_in_french(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The unit comes from the translations (crédits in fr.json, for the frontend).

    Home Assistant puts the English one in the state, whatever its language, so
    that statistics and automations never see the unit change.
    """
    hass.config.language = "fr"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entity_id = entity_registry.async_get_entity_id(
        "sensor", DOMAIN, f"{mock_config_entry.entry_id}_credits_left"
    )
    assert entity_id == "sensor.sms_ab1234_1_credit_restant"
    assert attributes_of(hass, entity_id) == {
        ATTR_STATE_CLASS: SensorStateClass.MEASUREMENT,
        ATTR_UNIT_OF_MEASUREMENT: "credits",
        ATTR_FRIENDLY_NAME: "sms-ab1234-1 Crédit restant",
    }


async def test_refreshing_a_sensor_sends_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Asking for a refresh costs no SMS: the sensors show what the last send told."""
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "12", "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    assert await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": CREDITS}, blocking=True
    )
    assert state_of(hass, CREDITS) == "12"
    assert aioclient_mock.call_count == 1


async def test_failed_send_keeps_the_credit(
    hass: HomeAssistant, init_integration: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A failure leaves the last known credit in place."""
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "12", "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    aioclient_mock.clear_requests()
    aioclient_mock.post(ENDPOINT, status=503)
    await hass.services.async_call(
        "notify", "ovh_sms", {"message": "Hi"}, blocking=False
    )  # the failure is the caller's; the sensor keeps its value
    await hass.async_block_till_done()
    assert state_of(hass, CREDITS) == "12"


async def test_sensors_restored_after_restart(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """The last credit and time come back after a restart, until the next send."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(CREDITS, "41.5"),
                {
                    "native_value": {"__type": str(Decimal), "decimal_str": "41.5"},
                    "native_unit_of_measurement": "credits",
                },
            ),
            (
                State(LAST_SMS, "2026-11-21T20:00:00+00:00"),
                {
                    "native_value": {
                        "__type": str(datetime),
                        "isoformat": "2026-11-21T20:00:00+00:00",
                    },
                    "native_unit_of_measurement": None,
                },
            ),
        ],
    )
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, CREDITS) == "41.5"
    assert state_of(hass, LAST_SMS) == "2026-11-21T20:00:00+00:00"

    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "40.5", "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    assert state_of(hass, CREDITS) == "40.5"


async def test_diagnostics_redact_secrets_and_numbers(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Login, password, numbers and recipient names never appear in diagnostics.

    The whole output is snapshotted in test_diagnostics.py.
    """
    aioclient_mock.post(ENDPOINT, json={"status": 100, "creditLeft": "7", "SmsIds": ["1"]})
    await hass.services.async_call("notify", "ovh_sms", {"message": "Hi"}, blocking=True)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    text = str(diagnostics)
    for secret in (PASSWORD, "homeassistant", "612345678", "Alice"):
        assert secret not in text
    assert diagnostics["data"]["account"] == "sms-ab1234-1"
    assert diagnostics["data"]["password"] == "**REDACTED**"  # noqa: S105
    assert diagnostics["recipients"][0]["data"] == {"phone_number": "**REDACTED**"}
    assert diagnostics["credits_left"] == "7"
    assert diagnostics["endpoint"] == ENDPOINT


@pytest.mark.parametrize(
    ("sender", "shown"),
    [("+33612345678", "**REDACTED**"), ("0612345678", "**REDACTED**"), ("HomeAlarm", "HomeAlarm")],
)
async def test_diagnostics_redact_a_numeric_sender(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    sender: str,
    shown: str,
) -> None:
    """A sender that is a phone number is somebody's number: redacted; a name is kept."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data=mock_config_entry.data | {"sender": sender}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    assert diagnostics["data"]["sender"] == shown


async def test_diagnostics_of_another_integrations_entry(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """Kinsoi's leftover entry never loads; its diagnostics still hide its keys and numbers."""
    assert await async_setup_component(hass, "diagnostics", {})
    entry = foreign_entry()
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    for secret in ("AppKey1234", "AppSecret5678", "ConsumerKey9012", "698765432"):
        assert secret not in str(diagnostics)
    assert diagnostics == {
        "data": FOREIGN_ENTRY_DATA
        | {
            "application_key": "**REDACTED**",
            "application_secret": "**REDACTED**",
            "consumer_key": "**REDACTED**",
            "recipients": "**REDACTED**",
        },
        "options": {},
        "recipients": [],
    }


@pytest.mark.parametrize(
    ("endpoint", "shown"),
    [
        ("https://hauser:S3cret@sms.example/cgi", "https://sms.example/cgi"),
        ("https://hauser:S3cret@[sms.example/cgi", "**REDACTED**"),  # not a URL
    ],
)
async def test_diagnostics_of_an_entry_refused_for_its_endpoint(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    endpoint: str,
    shown: str,
) -> None:
    """An endpoint with user:password@ is refused at setup; diagnostics show it without them."""
    assert await async_setup_component(hass, "diagnostics", {})
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data=mock_config_entry.data | {"endpoint": endpoint}
    )
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    assert "S3cret" not in str(diagnostics)
    assert "hauser" not in str(diagnostics)
    assert diagnostics["data"]["endpoint"] == shown
    assert "credits_left" not in diagnostics
