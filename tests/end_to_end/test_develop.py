"""scripts/develop's set-up, prepared as it prepares it: the round trip it shows works.

Its API entry reads the simulator's virtual number and lets the simulated phone
talk to the house; its configuration's sensor, made the living room's
temperature after onboarding, answers "what is the temperature in the living
room?" through Home Assistant's built-in agent, by SMS from the virtual number.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
import re
from types import ModuleType
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
import yaml

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, entity_registry as er
from homeassistant.setup import async_setup_component
from simulator import ENDPOINT_PATH
from tests.conftest import LoopbackSimulator

from .conftest import set_up_api_entry_at, wait

SCRIPTS = Path(__file__).parents[2] / "scripts"
NUMBER = "33644000001"
PHONE = "+33612345678"


def develop_prepare() -> ModuleType:
    """Import scripts/develop_prepare.py, which is no package's module."""
    spec = importlib.util.spec_from_file_location("develop_prepare", SCRIPTS / "develop_prepare.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def develop_configuration() -> dict[str, Any]:
    """Read the configuration.yaml scripts/develop writes."""
    script = (SCRIPTS / "develop").read_text()
    found = re.search(r"<<'YAML'\n(.*?)\nYAML\n", script, re.DOTALL)
    assert found is not None
    configuration: dict[str, Any] = yaml.safe_load(found[1])
    return configuration


def api_entry(
    prepare: ModuleType, config_dir: Path, simulator: LoopbackSimulator
) -> MockConfigEntry:
    """Give the API entry develop_prepare writes for a simulator at this URL."""
    assert prepare.write_entry(config_dir, simulator.endpoint.removesuffix(ENDPOINT_PATH))
    stored = json.loads((config_dir / ".storage" / "core.config_entries").read_text())
    [written] = [e for e in stored["data"]["entries"] if e["data"].get("mode") == "api"]
    return MockConfigEntry(
        domain=DOMAIN,
        data=written["data"],
        options=written["options"],
        title=written["title"],
        unique_id=written["unique_id"],
        version=written["version"],
        minor_version=written["minor_version"],
        subentries_data=[
            ConfigSubentryData(
                data=subentry["data"],
                subentry_type=subentry["subentry_type"],
                title=subentry["title"],
                unique_id=subentry["unique_id"],
            )
            for subentry in written["subentries"]
        ],
    )


async def test_the_phone_asks_the_living_room_temperature_by_sms(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: LoopbackSimulator,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    """The built-in agent's answer, with the sensor's temperature, from the virtual number."""
    prepare = develop_prepare()
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "config", {})  # the registries' WebSocket API
    ar.async_get(hass).async_create("Living Room")  # as onboarding makes it
    template = {"template": develop_configuration()["template"]}
    assert await async_setup_component(hass, "template", template)
    await set_up_api_entry_at(hass, api_entry(prepare, tmp_path, simulator))
    client = await hass_ws_client(hass)  # after the webhooks: the routes are fixed then

    async def call(message: dict[str, Any]) -> dict[str, Any]:
        await client.send_json_auto_id(message)
        answer: dict[str, Any] = await client.receive_json()
        return answer

    await prepare.place_temperature(call)
    sensor = er.async_get(hass).async_get(prepare.LIVING_ROOM_TEMPERATURE)
    assert sensor is not None
    assert sensor.area_id == prepare.LIVING_ROOM
    commands = async_capture_events(hass, "ovh_sms_command")

    simulator.ovh.api.text(NUMBER, PHONE, "what is the temperature in the living room?")
    await wait(hass, freezer, 61)

    [answer] = [sms for sms in simulator.ovh.sent if PHONE in sms.recipients]
    assert (answer.sender, answer.message) == (f"+{NUMBER}", "21.5 degrees")
    assert commands[0].data["answer"] == answer.message
