"""An API-keys account reading replies, with Bob allowed to talk to the house and a fake agent."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import (
    CONF_LANGUAGE,
    CONF_MAY_COMMAND,
    CONF_PHONE_NUMBER,
    EVENT_COMMAND,
    SUBENTRY_RECIPIENT,
)
from custom_components.ovh_sms.notices import ReceivedSms, signal_received
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import (
    Event,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from tests.alarms.conftest import jobs  # noqa: F401 - OVH's jobs, reports and replies
from tests.alarms.fake_ovh import BOB, START, STRANGER, FakeJobs

AGENT = "conversation.fake_agent"
PIN = "Kq7z93"
COMMANDS = {
    "agent_id": AGENT,
    "pin": "",
    "keywords": ["disarm", "ok"],
    "commands_per_sender_hourly": 10,
    "answers_daily": 20,
}

__all__ = ["BOB", "START", "STRANGER"]


@dataclass
class FakeAgent:
    """conversation.process as an agent answers it: what it was asked, and its answer."""

    answer: str = "The kitchen light is on."
    asked: list[dict[str, Any]] = field(default_factory=list)
    # What was saved of the handled SMS when the agent was asked.
    saved_then: list[list[str]] = field(default_factory=list)
    storage: dict[str, Any] = field(default_factory=dict)
    # What the agent raises instead of answering, if set.
    error: Exception | None = None

    async def async_process(self, call: ServiceCall) -> ServiceResponse:
        """Answer in the conversation given, or a new one per call."""
        self.asked.append(dict(call.data))
        saved = next((v for k, v in self.storage.items() if k.endswith(".commands")), None)
        self.saved_then.append(saved["data"]["handled"] if saved else [])
        if self.error is not None:
            raise self.error
        conversation_id = call.data.get("conversation_id") or f"conv-{len(self.asked)}"
        return {
            "response": {"speech": {"plain": {"speech": self.answer}}},
            "conversation_id": conversation_id,
        }


@pytest.fixture
def agent(hass: HomeAssistant, hass_storage: dict[str, Any]) -> FakeAgent:
    """Stand in for Home Assistant's conversation.process with a fake agent."""
    fake = FakeAgent(storage=hass_storage)
    hass.services.async_register(
        "conversation", "process", fake.async_process, supports_response=SupportsResponse.ONLY
    )
    return fake


def add_bob(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> None:
    """Add Bob as a recipient, allowed to talk to the house unless told otherwise."""
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            data=MappingProxyType({CONF_PHONE_NUMBER: BOB, CONF_MAY_COMMAND: True, **data}),
            subentry_type=SUBENTRY_RECIPIENT,
            title="Bob",
            unique_id=BOB,
        ),
    )


async def set_up(
    hass: HomeAssistant, entry: MockConfigEntry, *, language: str | None = None, **commands: Any
) -> MockConfigEntry:
    """Set up the API-keys entry reading replies, with these command options and Bob."""
    entry.add_to_hass(hass)
    add_bob(hass, entry, **({CONF_LANGUAGE: language} if language else {}))
    hass.config_entries.async_update_entry(
        entry, options={"replies": True, "commands": {**COMMANDS, **commands}}
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,  # noqa: F811
    agent: FakeAgent,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Set up the entry with the default command options of these tests."""
    freezer.move_to(START)
    return await set_up(hass, mock_api_entry)


async def receive(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    message: str,
    *,
    sender: str = BOB,
    sms_id: str = "7001",
    received_at: str | None = None,
    receiver: str | None = None,
) -> None:
    """Tell an incoming SMS as the poller or a confirmed push tells it; let it be handled."""
    at = received_at or dt_util.utcnow().isoformat()
    received = ReceivedSms(sms_id, sender, None, message, None, at, receiver)
    async_dispatcher_send(hass, signal_received(entry.entry_id), received)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def commands(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Collect the ovh_sms_command events."""
    fired: list[dict[str, Any]] = []

    @callback
    def collect(event: Event) -> None:
        fired.append(dict(event.data))

    hass.bus.async_listen(EVENT_COMMAND, collect)
    return fired
