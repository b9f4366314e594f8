"""Prepare the development Home Assistant of scripts/develop.

``entry CONFIG_DIR SIMULATOR_URL``: on a configuration that has no config
entries yet, write the simulator's OVH SMS account twice, each with one
recipient: through http2sms (sender HomeAlarm), and through the OVHcloud API
(its /1.0, with the simulator's pre-validated keys), sending from the short
number with replies read, so that the simulator's page can answer its SMS;
that entry also reads the simulator's virtual number and hands the SMS of its
recipient, allowed to talk to the house, to Home Assistant's built-in agent.
``onboard URL``: finish onboarding of a fresh Home Assistant with the user
dev / dev, so the newcomer lands on a logged-in dashboard, and make the
configuration's temperature sensor the living room's (the area onboarding
made), which the built-in agent answers "what is the temperature in the living
room?" with.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from itertools import count
import json
from pathlib import Path
import sys
from types import MappingProxyType
from typing import Any

import aiohttp

from custom_components.ovh_sms.const import (
    CONF_ACCOUNT,
    CONF_AGENT,
    CONF_COMMANDS,
    CONF_ENDPOINT,
    CONF_LOGIN,
    CONF_MAY_COMMAND,
    CONF_PHONE_NUMBER,
    CONF_SENDER,
    DEFAULT_COMMANDS,
    DOMAIN,
    SUBENTRY_RECIPIENT,
)
from homeassistant import config_entries
from homeassistant.const import CONF_PASSWORD
from homeassistant.helpers.json import JSONEncoder
from simulator import API_PATH, ENDPOINT_PATH, OvhSimulator

DEV_USER = "dev"
DEV_PASSWORD = "dev"  # noqa: S105 - a local development login, printed by scripts/develop
RECIPIENT = ("Simulated phone", "0033612345678")
# The sensor of scripts/develop's configuration.yaml, and the area onboarding makes.
LIVING_ROOM_TEMPERATURE = "sensor.living_room_temperature"
LIVING_ROOM = "living_room"
# Waits of half a second for the sensor to be set up after onboarding.
SENSOR_WAITS = 120

type WebSocketCall = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def write_entry(config_dir: Path, simulator_url: str) -> bool:
    """Write the simulator's account as the only config entries, unless entries exist."""
    store = config_dir / ".storage" / "core.config_entries"
    if store.exists():
        return False
    simulator = OvhSimulator()
    http2sms = _entry(
        data={
            CONF_ACCOUNT: simulator.account,
            CONF_LOGIN: simulator.login,
            CONF_PASSWORD: simulator.password,
            CONF_SENDER: simulator.senders[0],
            CONF_ENDPOINT: simulator_url + ENDPOINT_PATH,
        },
        minor_version=1,
        options=None,
        may_command=False,
        title=f"{simulator.account} (simulator)",
        unique_id=f"{simulator.account}_{simulator.login}",
    )
    # Written as the integration's API mode stores an entry; no "mode" means http2sms.
    api = _entry(
        data={
            "mode": "api",
            "application_key": simulator.api.application_key,
            "application_secret": simulator.api.application_secret,
            "consumer_key": simulator.api.consumer_key,
            "account": simulator.account,
            # "": OVH's short number (senderForResponse), the only sender replies reach.
            "sender": "",
            "endpoint": simulator_url + API_PATH,
        },
        minor_version=2,
        # The simulator's virtual number read too: a phone texts it from the page, and
        # the simulated phone, allowed to talk to the house, gets the built-in agent's answer.
        options={
            "service_name": "ovh_sms_api",
            "replies": True,
            "virtual_numbers": {"numbers": list(simulator.api.virtual_numbers)},
            CONF_COMMANDS: {**DEFAULT_COMMANDS, CONF_AGENT: "conversation.home_assistant"},
        },
        may_command=True,
        title=f"{simulator.account} (API)",
        unique_id=f"api_{simulator.account}",
    )
    store.parent.mkdir(parents=True, exist_ok=True)
    content = {
        "version": config_entries.STORAGE_VERSION,
        "minor_version": config_entries.STORAGE_VERSION_MINOR,
        "key": "core.config_entries",
        "data": {"entries": [http2sms.as_dict(), api.as_dict()]},
    }
    store.write_text(json.dumps(content, cls=JSONEncoder, indent=2))
    return True


def _entry(
    *,
    data: dict[str, Any],
    minor_version: int,
    options: dict[str, Any] | None,
    may_command: bool,
    title: str,
    unique_id: str,
) -> config_entries.ConfigEntry:
    """Build one entry of the simulator's account, with the simulated phone as recipient."""
    name, number = RECIPIENT
    return config_entries.ConfigEntry(
        data=data,
        discovery_keys=MappingProxyType({}),
        domain=DOMAIN,
        minor_version=minor_version,
        options=options,
        source=config_entries.SOURCE_USER,
        subentries_data=[
            config_entries.ConfigSubentryData(
                data={CONF_PHONE_NUMBER: number, CONF_MAY_COMMAND: may_command},
                subentry_type=SUBENTRY_RECIPIENT,
                title=name,
                unique_id=number,
            )
        ],
        title=title,
        unique_id=unique_id,
        version=1,
    )


async def onboard(url: str) -> bool:
    """Create the dev user and finish every onboarding step, unless a user exists."""
    client_id = f"{url}/"
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        for _ in range(600):
            try:
                async with session.get(f"{url}/api/onboarding") as response:
                    steps = {step["step"]: step["done"] for step in await response.json()}
                break
            except aiohttp.ClientError:
                await asyncio.sleep(0.5)
        else:
            raise TimeoutError(f"Home Assistant did not answer on {url}")
        if steps["user"]:
            return False
        user = {"name": "Developer", "username": DEV_USER, "password": DEV_PASSWORD}
        async with session.post(
            f"{url}/api/onboarding/users", json={**user, "client_id": client_id, "language": "en"}
        ) as response:
            code = (await response.json())["auth_code"]
        token_form = {"grant_type": "authorization_code", "code": code, "client_id": client_id}
        async with session.post(f"{url}/auth/token", data=token_form) as response:
            token = (await response.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        steps_data: dict[str, dict[str, Any]] = {
            "core_config": {},
            "analytics": {},
            "integration": {"client_id": client_id, "redirect_uri": f"{url}/?auth_callback=1"},
        }
        for step, data in steps_data.items():
            async with session.post(f"{url}/api/onboarding/{step}", json=data, headers=headers):
                pass
        async with session.ws_connect(f"{url}/api/websocket") as websocket:
            await websocket.receive_json()  # auth_required
            await websocket.send_json({"type": "auth", "access_token": token})
            await websocket.receive_json()  # auth_ok
            ids = count(1)

            async def call(message: dict[str, Any]) -> dict[str, Any]:
                await websocket.send_json({"id": next(ids), **message})
                answer: dict[str, Any] = await websocket.receive_json()
                return answer

            await place_temperature(call)
    return True


async def place_temperature(call: WebSocketCall) -> None:
    """Make the configuration's temperature sensor the living room's, once it is set up.

    call sends a message on Home Assistant's WebSocket API and gives its answer.
    """
    for _ in range(SENSOR_WAITS):
        found = await call(
            {"type": "config/entity_registry/get", "entity_id": LIVING_ROOM_TEMPERATURE}
        )
        if found["success"]:
            break
        await asyncio.sleep(0.5)
    else:
        raise TimeoutError(f"{LIVING_ROOM_TEMPERATURE} was not set up")
    for message in (
        {
            "type": "config/entity_registry/update",
            "entity_id": LIVING_ROOM_TEMPERATURE,
            "area_id": LIVING_ROOM,
        },
        {
            "type": "config/area_registry/update",
            "area_id": LIVING_ROOM,
            "temperature_entity_id": LIVING_ROOM_TEMPERATURE,
        },
    ):
        if not (answer := await call(message))["success"]:
            raise RuntimeError(f"{message['type']} failed: {answer['error']}")


def main(argv: list[str]) -> None:
    """Run one of the two preparations."""
    match argv:
        case ["entry", config_dir, simulator_url]:
            if write_entry(Path(config_dir), simulator_url):
                print(
                    f"develop: added the simulator's account twice: http2sms at "
                    f"{simulator_url}{ENDPOINT_PATH}, the API at {simulator_url}{API_PATH} "
                    "(from the short number, replies on; its virtual number to the built-in agent)"
                )
            else:
                print(f"develop: {config_dir} has config entries: none added")
        case ["onboard", url]:
            if asyncio.run(onboard(url)):
                print(f"develop: onboarded; log in as {DEV_USER} / {DEV_PASSWORD}")
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
