"""OVH as an alarm sees it, and the steps a test of alarms takes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
import json
from typing import Any
from unittest.mock import Mock

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMockResponse
from yarl import URL

from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.notices import ReceivedSms, signal_received
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from tests.conftest import ACCOUNT, ALICE, API_ENDPOINT

JOBS = f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs"
INCOMING = f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming"
BOB = "0033698765432"
STRANGER = "0033611111111"
START = "2026-11-22T03:00:00+00:00"
REFUSED = {"errorCode": "INVALID", "httpCode": "400 Bad Request", "message": "Invalid receivers"}


@dataclass
class FakeJobs:
    """OVH's POST /jobs: each SMS gets the next id; the numbers in refused are refused.

    Its GET /outgoing/{id} answers with reports (by id), else pending; its
    GET /incoming[/{id}] with replies.
    """

    refused: set[str] = field(default_factory=set)
    # Numbers whose send cannot reach OVH (connection refused): nothing went out.
    unreachable: set[str] = field(default_factory=set)
    # Numbers whose send may have gone: OVH's answer cannot be read.
    unknown: set[str] = field(default_factory=set)
    # While set, each send waits for it.
    held: asyncio.Event | None = None
    requested: asyncio.Event = field(default_factory=asyncio.Event)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def __call__(self, method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        """Answer one send."""
        body = json.loads(data)
        self.bodies.append(body)
        receiver = body["receivers"][0]
        self.requested.set()
        if self.held is not None:
            await self.held.wait()
        if receiver in self.unreachable:
            raise aiohttp.ClientConnectorError(Mock(), OSError("Connection refused"))
        if receiver in self.unknown:
            return AiohttpClientMockResponse(method, url, text="<html>Bad gateway</html>")
        if receiver in self.refused:
            return AiohttpClientMockResponse(method, url, status=400, json=REFUSED)
        answer = {
            "ids": [len(self.bodies)],
            "validReceivers": [receiver],
            "invalidReceivers": [],
            "totalCreditsRemoved": 1,
            "creditsLeft": 40,
        }
        return AiohttpClientMockResponse(method, url, json=answer)

    async def outgoing(self, method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        """Answer one delivery read."""
        sms_id = url.name
        pending = {"id": int(sms_id), "deliveryReceipt": 0, "ptt": None}
        return AiohttpClientMockResponse(method, url, json=self.reports.get(sms_id, pending))

    async def incoming(self, method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        """Answer the list of replies, or one of them."""
        if url.name == "incoming":
            return AiohttpClientMockResponse(method, url, json=[int(i) for i in self.replies])
        return AiohttpClientMockResponse(method, url, json=self.replies[url.name])

    def sent(self) -> list[tuple[str, str]]:
        """Give the receiver and text of each SMS OVH received."""
        return [(body["receivers"][0], body["message"]) for body in self.bodies]


async def send_alarm(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Start an alarm to Alice then Bob, escalating after 2 minutes; give its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_alarm",
        {"message": "Leak!", "recipients": [ALICE, BOB], "escalate_after": 120, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let time pass, firing what is due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def steps(events: list[Any]) -> list[tuple[str, str | None, int]]:
    """Each alarm event's step, recipient and round."""
    return [(e.data["step"], e.data["recipient"], e.data["round"]) for e in events]


def reply(
    hass: HomeAssistant, entry: MockConfigEntry, sender: str, message: str, sms_id: str
) -> None:
    """Tell a reply as the poller or a confirmed push tells it."""
    received = ReceivedSms(sms_id, sender, None, message, None, START)
    async_dispatcher_send(hass, signal_received(entry.entry_id), received)


async def alarm_on_its_way(
    hass: HomeAssistant, jobs: FakeJobs, *, refused: bool
) -> asyncio.Task[dict[str, Any]]:
    """Start an alarm whose first SMS OVH holds (then refuses, if told) until jobs.held is set."""
    jobs.held = asyncio.Event()
    if refused:
        jobs.refused.add(ALICE)
    sending = hass.async_create_task(send_alarm(hass))
    await jobs.requested.wait()
    return sending
