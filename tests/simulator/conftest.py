"""A signed client of the simulator's OVHcloud API, OVH's error bodies, a receiver of pushes.

The calls are signed by a small client of the test's own (its signature is
checked against python-ovh's published vectors in test_api_keys.py), over
loopback HTTP, the simulator's clock set by the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
import json
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDictProxy
import pytest
from yarl import URL

from simulator import (
    DEFAULT_APPLICATION_KEY,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_CONSUMER_KEY,
    ENDPOINT_PATH,
    OvhSimulator,
    sign,
)
from tests.conftest import LoopbackSimulator

NOW = 1_800_000_000  # 2027-01-15T08:00:00+00:00
ACCOUNT = "sms-ab1234-1"
WAITING = "+33698765432"
SMS = f"/sms/{ACCOUNT}"
JOB = {
    "message": "Door open",
    "receivers": ["+33612345678"],
    "sender": "HomeAlarm",
    "noStopClause": True,
}
ALICE = "+33612345678"
BOB = "+33798765432"
# An SMS from the short number (senderForResponse): the only kind replies reach.
SHORT = {"message": "Are you home?", "receivers": [ALICE], "senderForResponse": True, "tag": "door"}
REPLY_ID = 20000001


def auth_error(status: int, code: str, message: str) -> dict[str, str]:
    """Write an authentication error as OVH does."""
    phrase = {400: "Bad Request", 403: "Forbidden"}[status]
    return {"errorCode": code, "httpCode": f"{status} {phrase}", "message": message}


def bad_request(message: str) -> dict[str, str]:
    """Write a 400 other than an authentication one."""
    return {"class": "Client::BadRequest", "message": message}


def not_found(message: str) -> dict[str, str]:
    """Write a 404."""
    return {"class": "Client::NotFound", "message": message}


INVALID_KEY = auth_error(403, "INVALID_KEY", "This application key is invalid")
NOT_CREDENTIAL = auth_error(403, "NOT_CREDENTIAL", "This credential does not exist")
INVALID_CREDENTIAL = auth_error(403, "INVALID_CREDENTIAL", "This credential is not valid")
NOT_GRANTED_CALL = auth_error(403, "NOT_GRANTED_CALL", "This call has not been granted")
INVALID_SIGNATURE = auth_error(400, "INVALID_SIGNATURE", "Invalid signature")
QUERY_TIME_OUT = auth_error(400, "QUERY_TIME_OUT", "Query out of time")


@dataclass
class Clock:
    """The real clock of the simulated OVH, set by the test."""

    now: float = NOW

    def __call__(self) -> float:
        """Tell the time."""
        return self.now


@dataclass
class Answer:
    """One answer of the API: status, JSON body, headers."""

    status: int
    body: Any
    headers: CIMultiDictProxy[str]


@dataclass
class Client:
    """Calls the simulator's API, signed with these keys at this timestamp."""

    session: aiohttp.ClientSession
    base: str
    clock: Clock
    application_key: str = DEFAULT_APPLICATION_KEY
    application_secret: str = DEFAULT_APPLICATION_SECRET
    consumer_key: str = DEFAULT_CONSUMER_KEY
    skew: int = 0
    extra_headers: dict[str, str] = field(default_factory=dict)

    async def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        signed: bool = True,
        raw_body: bytes | None = None,
        signed_url: str | None = None,
        signed_body: bytes | None = None,
    ) -> Answer:
        """Make one call; path is sent as written (percent-encoding kept)."""
        url = f"{self.base}/1.0{path}"
        data = (
            raw_body if raw_body is not None else b"" if body is None else json.dumps(body).encode()
        )
        headers = {"X-Ovh-Application": self.application_key} | self.extra_headers
        if data:
            headers["Content-Type"] = "application/json"
        if signed:
            timestamp = str(int(self.clock()) + self.skew)
            signature = sign(
                self.application_secret,
                self.consumer_key,
                method,
                signed_url or url,
                data if signed_body is None else signed_body,
                timestamp,
            )
            headers |= {
                "X-Ovh-Consumer": self.consumer_key,
                "X-Ovh-Timestamp": timestamp,
                "X-Ovh-Signature": signature,
            }
        async with self.session.request(
            method, URL(url, encoded=True), data=data or None, headers=headers
        ) as response:
            return Answer(response.status, await response.json(), response.headers)

    async def post_form(self, path: str, form: dict[str, str]) -> aiohttp.ClientResponse:
        """Post a form of the simulator's pages, without following the redirection."""
        async with self.session.post(self.base + path, data=form, allow_redirects=False) as answer:
            await answer.read()
            return answer

    async def page(self, path: str = "/") -> tuple[int, str]:
        """Read one of the simulator's pages."""
        async with self.session.get(URL(self.base + path, encoded=True)) as response:
            return response.status, await response.text()


@pytest.fixture
def ovh(simulator: LoopbackSimulator) -> OvhSimulator:
    """Give the simulated account a sender waiting for validation and a refused one."""
    ovh = simulator.ovh
    ovh.senders = ("HomeAlarm", WAITING, "OldAlarm", "36111")
    ovh.sender_status = {WAITING: "waitingValidation", "OldAlarm": "refused"}
    return ovh


@pytest.fixture
async def api(simulator: LoopbackSimulator, ovh: OvhSimulator) -> AsyncGenerator[Client]:
    """Give a client of the simulator's API with its pre-validated keys; the clock at NOW."""
    clock = Clock()
    ovh.api.clock = clock
    async with aiohttp.ClientSession() as session:
        yield Client(session, simulator.endpoint.removesuffix(ENDPOINT_PATH), clock)


@dataclass
class Receiver:
    """A server standing for Home Assistant's webhook: it records every call."""

    base: str
    calls: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    hold: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Queue[dict[str, str]] = field(default_factory=asyncio.Queue)


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncGenerator[Receiver]:
    """Serve on loopback: /fail answers 500, /hang waits for hold, anything else 200."""
    hold = asyncio.Event()
    calls: list[tuple[str, str, dict[str, str]]] = []
    arrived: asyncio.Queue[dict[str, str]] = asyncio.Queue()

    async def handle(request: web.Request) -> web.Response:
        calls.append((request.method, request.path, dict(request.query)))
        arrived.put_nowait(dict(request.query))
        if request.path == "/hang":
            await hold.wait()
        return web.Response(status=500 if request.path == "/fail" else 200)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield Receiver(f"http://{host}:{port}", calls, hold, arrived)
    hold.set()
    await runner.cleanup()


async def send(api: Client, body: dict[str, Any]) -> list[int]:
    """Send a job; return its ids."""
    answer = await api.call("POST", f"{SMS}/jobs", body)
    assert answer.status == 200, answer.body
    ids: list[int] = answer.body["ids"]
    return ids
