"""Fault injection: a loopback server that misbehaves on purpose, reached through HA's actions.

Each fault must give its translated error, reach the server exactly once (no
retry), leave the integration loaded and the credits sensor at its last value,
and never let the password out: not in logs (DEBUG for the integration,
aiohttp and Home Assistant), exception texts, repr(), diagnostics or events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
import contextlib
import json
import logging
import re
import socket
import struct
from typing import Any

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.diagnostics import async_get_config_entry_diagnostics
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .conftest import CREDITS, PASSWORD, SUCCESS, set_up_at, state_of

Responder = Callable[[asyncio.StreamWriter], Awaitable[None]]


def answer(status: int, body: bytes, content_type: str = "application/json") -> Responder:
    """Answer with this status and body, then close the connection."""

    async def respond(writer: asyncio.StreamWriter) -> None:
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()

    return respond


async def truncated_transfer(writer: asyncio.StreamWriter) -> None:
    """Promise 200 bytes, send 20, and hang up."""
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n" + json.dumps(SUCCESS)[:20].encode()
    )
    await writer.drain()


async def trickle(writer: asyncio.StreamWriter) -> None:
    """Promise a body, then send one byte of it every 50 ms: no read ever waits long."""
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    with contextlib.suppress(ConnectionError):
        while True:
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.05)


async def reset(writer: asyncio.StreamWriter) -> None:
    """Reset the connection (RST) once the request has arrived."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class FaultyServer:
    """A loopback HTTP server that reads each request whole, counts it, then misbehaves."""

    def __init__(self) -> None:
        """Answer success until told otherwise."""
        self.respond: Responder | None = answer(200, json.dumps(SUCCESS).encode())
        self.requests: list[bytes] = []
        self.release = asyncio.Event()
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read the request, then answer as the current fault says (None: never answer)."""
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)
        body = await reader.readexactly(int(length[1])) if length else b""
        self.requests.append(head + body)
        if self.respond is None:
            await self.release.wait()
        else:
            await self.respond(writer)
        writer.close()


@pytest.fixture
async def faulty(socket_enabled: None) -> AsyncGenerator[tuple[FaultyServer, str]]:
    """Serve the faulty server on 127.0.0.1; give it and its endpoint URL."""
    faulty = FaultyServer()
    server = await asyncio.start_server(faulty.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield faulty, f"http://127.0.0.1:{port}/cgi-bin/sms/http2sms.cgi"
    faulty.release.set()
    server.close()
    await server.wait_closed()


async def send(hass: HomeAssistant) -> None:
    """Send through the legacy notify action, as automations do."""
    await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)


FAULTS: dict[str, tuple[Responder | None, str]] = {
    "http_500": (answer(500, b"Internal Server Error", "text/plain"), "server_error"),
    "http_503": (answer(503, b"Service Unavailable", "text/plain"), "server_error"),
    "html_502_page": (
        answer(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        "server_error",
    ),
    "http_404": (answer(404, b"Not Found", "text/plain"), "http_error"),
    "html_200_page": (
        answer(200, b"<html><body><h1>Maintenance</h1></body></html>", "text/html"),
        "outcome_unknown",
    ),
    "truncated_json": (answer(200, b'{"status":100,"creditLe'), "outcome_unknown"),
    "not_json": (answer(200, b"Service temporarily unavailable", "text/plain"), "outcome_unknown"),
    "empty_body": (answer(200, b""), "outcome_unknown"),
    "truncated_transfer": (truncated_transfer, "outcome_unknown"),
    "reset_after_request": (reset, "outcome_unknown"),
    "no_answer_past_timeout": (None, "outcome_unknown"),
    "trickling_past_the_deadline": (trickle, "outcome_unknown"),
}
# Short versions of the client's timeouts: 0.3 s between reads, 0.6 s per request.
TIMEOUT = aiohttp.ClientTimeout(total=0.6, sock_connect=1, sock_read=0.3)


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_gives_its_error_once_and_keeps_the_credit(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    faulty: tuple[FaultyServer, str],
    fault: str,
) -> None:
    """One request, the right translated error, entry loaded, sensor at the last answer."""
    server, endpoint = faulty
    entry = await set_up_at(hass, mock_config_entry, endpoint)
    entry.runtime_data.gateway.client._timeout = TIMEOUT
    await send(hass)
    assert state_of(hass, CREDITS) == "1987"

    server.respond, key = FAULTS[fault]
    with pytest.raises(HomeAssistantError) as raised:
        await send(hass)
    assert raised.value.translation_key == key
    assert raised.value.translation_domain == DOMAIN
    assert len(server.requests) == 2
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, CREDITS) == "1987"


async def test_connection_refused(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, socket_enabled: None
) -> None:
    """Nothing listens: the SMS was not sent, and the caller is told so."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    entry = await set_up_at(
        hass, mock_config_entry, f"http://127.0.0.1:{port}/cgi-bin/sms/http2sms.cgi"
    )
    with pytest.raises(HomeAssistantError) as raised:
        await send(hass)
    assert raised.value.translation_key == "cannot_connect"
    assert entry.state is ConfigEntryState.LOADED


class FailingResolver(aiohttp.abc.AbstractResolver):
    """A DNS that knows no name, like a home network whose router lost its upstream."""

    def __init__(self) -> None:
        """Count lookups."""
        self.lookups = 0

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> list[Any]:
        """Fail, as getaddrinfo does for an unknown name."""
        self.lookups += 1
        raise OSError(socket.EAI_NONAME, "Name or service not known")

    async def close(self) -> None:
        """Nothing to close."""


async def test_dns_failure(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    socket_enabled: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name that does not resolve: not sent, cannot_connect; the integration stays loaded."""
    resolver = FailingResolver()
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver))
    monkeypatch.setattr("custom_components.ovh_sms.async_get_clientsession", lambda _: session)
    entry = await set_up_at(hass, mock_config_entry, "https://www.ovh.com/cgi-bin/sms/http2sms.cgi")
    with pytest.raises(HomeAssistantError) as raised:
        await send(hass)
    await session.close()
    assert raised.value.translation_key == "cannot_connect"
    assert resolver.lookups == 1
    assert entry.state is ConfigEntryState.LOADED


def _texts(err: BaseException | None) -> list[str]:
    """str() and repr() of an exception and of every exception chained to it."""
    texts = []
    while err is not None:
        texts += [str(err), repr(err), *(str(arg) for arg in err.args)]
        err = err.__cause__ or err.__context__
    return texts


async def test_the_password_never_leaks(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    faulty: tuple[FaultyServer, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Across a normal send and every fault, at DEBUG, the password shows nowhere but on the wire.

    OVH echoing the password in a refusal is included: the client redacts it.
    """
    caplog.set_level(logging.DEBUG)
    for name in ("custom_components.ovh_sms", "aiohttp", "homeassistant"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)
    server, endpoint = faulty
    entry = await set_up_at(hass, mock_config_entry, endpoint)
    entry.runtime_data.gateway.client._timeout = TIMEOUT
    echo = {"status": 202, "message": f"Invalid password {PASSWORD} for login homeassistant"}
    texts: list[str] = []
    for respond in [
        answer(200, json.dumps(SUCCESS).encode()),
        answer(200, json.dumps(echo).encode()),
        *(respond for respond, _ in FAULTS.values()),
    ]:
        server.respond = respond
        try:
            await send(hass)
        except HomeAssistantError as err:
            texts += _texts(err)
    await hass.async_block_till_done()

    assert len(server.requests) == len(FAULTS) + 2
    assert all(PASSWORD.encode() in request for request in server.requests)
    assert "**********" in " ".join(texts)
    gateway = entry.runtime_data.gateway
    texts += [repr(gateway), repr(gateway.client), repr(gateway.client._credentials), repr(entry)]
    texts.append(json.dumps(await async_get_config_entry_diagnostics(hass, entry)))
    texts += [repr(event) + json.dumps(event.data, default=str) for event in events]
    texts.append(caplog.text)
    assert "Sending a 1-part SMS" in caplog.text
    for text in texts:
        assert PASSWORD not in text
