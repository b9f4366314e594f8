"""Fault injection: a loopback server that misbehaves on purpose.

The client, with short timeouts of its own: each fault gives the error that
says whether the SMS went out, after exactly one request (no retry), and
neither its texts nor the log (DEBUG) carry the password.

Home Assistant, with faults that end without a timeout: the caller reads the
translated error, after one request; the integration stays loaded, the credits
sensor keeps its last value, and the password never gets out: not in logs
(DEBUG for the integration, aiohttp and Home Assistant), exception texts,
repr(), diagnostics or events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
import contextlib
from datetime import UTC, datetime
import json
import logging
import re
import socket
import struct
from typing import Any, Final

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.diagnostics import async_get_config_entry_diagnostics
from custom_components.ovh_sms.ovhsms import (
    Credentials,
    Http2SmsClient,
    OutcomeUnknownError,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
    Sms,
    build_sms,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .conftest import ACCOUNT, ALICE, CREDITS, LOGIN, PASSWORD, SUCCESS, set_up_at, state_of

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
        self.handlers: set[asyncio.Task[None]] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read the request, then answer as the current fault says (None: never answer)."""
        if (task := asyncio.current_task()) is not None:
            self.handlers.add(task)
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
    # A handler still trickling to a client that gave up ends with the test, however slow.
    for task in faulty.handlers:
        task.cancel()
    await asyncio.gather(*faulty.handlers, return_exceptions=True)
    await server.wait_closed()


def _texts(err: BaseException | None) -> list[str]:
    """str() and repr() of an exception and of every exception chained to it."""
    texts = []
    while err is not None:
        texts += [str(err), repr(err), *(str(arg) for arg in err.args)]
        err = err.__cause__ or err.__context__
    return texts


def _log_everything(caplog: pytest.LogCaptureFixture) -> None:
    """Capture DEBUG of the integration, aiohttp and Home Assistant (restored after the test)."""
    caplog.set_level(logging.DEBUG)
    for name in ("custom_components.ovh_sms", "aiohttp", "homeassistant"):
        caplog.set_level(logging.DEBUG, logger=name)


# The client's own texts: an answer that is no http2sms answer, and a connection
# that failed once the request was out (the aiohttp error named).
UNREADABLE: Final = "OVH's answer could not be read; the SMS may have been sent"


def lost(cause: str) -> str:
    """Give the client's text for a connection lost after the request was sent."""
    return (
        f"The connection to OVH failed after the request was sent ({cause}); "
        "the SMS may have been sent"
    )


FAULTS: Final[dict[str, tuple[Responder | None, type[OvhSmsError], str]]] = {
    "http_500": (
        answer(500, b"Internal Server Error", "text/plain"),
        OvhServerError,
        "OVH answered HTTP 500; the SMS may have been sent",
    ),
    "http_503": (
        answer(503, b"Service Unavailable", "text/plain"),
        OvhServerError,
        "OVH answered HTTP 503; the SMS may have been sent",
    ),
    "html_502_page": (
        answer(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        OvhServerError,
        "OVH answered HTTP 502; the SMS may have been sent",
    ),
    "http_404": (answer(404, b"Not Found", "text/plain"), OvhHttpError, "OVH answered HTTP 404"),
    "html_200_page": (
        answer(200, b"<html><body><h1>Maintenance</h1></body></html>", "text/html"),
        OutcomeUnknownError,
        UNREADABLE,
    ),
    "truncated_json": (answer(200, b'{"status":100,"creditLe'), OutcomeUnknownError, UNREADABLE),
    "not_json": (
        answer(200, b"Service temporarily unavailable", "text/plain"),
        OutcomeUnknownError,
        UNREADABLE,
    ),
    "empty_body": (answer(200, b""), OutcomeUnknownError, UNREADABLE),
    "truncated_transfer": (truncated_transfer, OutcomeUnknownError, lost("ClientPayloadError")),
    "reset_after_request": (reset, OutcomeUnknownError, lost("ClientOSError")),
    "no_answer_past_timeout": (None, OutcomeUnknownError, lost("SocketTimeoutError")),
    "trickling_past_the_deadline": (trickle, OutcomeUnknownError, lost("TimeoutError")),
}
# These two end only by the client's timeouts: 30 s between reads, 60 s per request.
ENDED_BY_A_TIMEOUT: Final = ("no_answer_past_timeout", "trickling_past_the_deadline")


def short_timeouts_client(session: aiohttp.ClientSession, endpoint: str) -> Http2SmsClient:
    """Give a client that waits 0.5 s between reads and 1 s per request.

    The trickle's bytes come ten times as often as the read timeout, and a
    silent server reaches the read timeout half a second before the deadline.
    """
    return Http2SmsClient(
        session,
        Credentials(ACCOUNT, LOGIN, PASSWORD),
        endpoint=endpoint,
        connect_timeout=1,
        read_timeout=0.5,
        deadline=1,
    )


def leak_alert() -> Sms:
    """Give the SMS every fault test sends: to Alice, now."""
    return build_sms([ALICE], "Leak!", now=datetime.now(UTC))


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_gives_its_client_error_after_one_request(
    faulty: tuple[FaultyServer, str], caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    """Not sent (4xx) or maybe sent (the rest): the error says which; no retry, no password."""
    _log_everything(caplog)
    server, endpoint = faulty
    server.respond, error, message = FAULTS[fault]
    async with aiohttp.ClientSession() as session:
        client = short_timeouts_client(session, endpoint)
        # A guard only: the client's deadline ends every fault well before.
        async with asyncio.timeout(5):
            with pytest.raises(OvhSmsError) as raised:
                await client.send(leak_alert())
    assert (type(raised.value), str(raised.value)) == (error, message)
    assert len(server.requests) == 1
    assert PASSWORD.encode() in server.requests[0]
    assert "Sending a 1-part SMS" in caplog.text
    for text in [*_texts(raised.value), caplog.text]:
        assert PASSWORD not in text


def unused_loopback_endpoint() -> str:
    """Give an http2sms URL on a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/cgi-bin/sms/http2sms.cgi"


async def test_connection_refused_is_not_sent(socket_enabled: None) -> None:
    """Nothing listens: the SMS was not sent, and the error says so."""
    endpoint = unused_loopback_endpoint()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(OvhSmsError) as raised:
            await short_timeouts_client(session, endpoint).send(leak_alert())
    assert (type(raised.value), str(raised.value)) == (
        OvhConnectionError,
        f"Could not connect to {endpoint}: ClientConnectorError",
    )


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


async def test_dns_failure_is_not_sent() -> None:
    """A name that does not resolve: not sent, after one lookup (no retry)."""
    resolver = FailingResolver()
    endpoint = "https://www.ovh.com/cgi-bin/sms/http2sms.cgi"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver)) as session:
        with pytest.raises(OvhSmsError) as raised:
            await short_timeouts_client(session, endpoint).send(leak_alert())
    assert (type(raised.value), str(raised.value)) == (
        OvhConnectionError,
        f"Could not connect to {endpoint}: ClientConnectorDNSError",
    )
    assert resolver.lookups == 1


async def send(hass: HomeAssistant) -> None:
    """Send through the legacy notify action, as automations do."""
    await hass.services.async_call("notify", "ovh_sms", {"message": "Leak!"}, blocking=True)


# One fault for each error the client gives (the client's tests above map every
# fault to its error), and what the user reads for it.
OUTCOME_UNKNOWN: Final = (
    "OVH's answer was lost or could not be read after the request was sent: the SMS may have "
    "been sent. It was not sent again"
)
READ_IN_HOME_ASSISTANT: Final = {
    "http_503": (
        "server_error",
        (
            "OVH answered HTTP 503: its service may have run, so the SMS may have been sent. "
            "It was not sent again"
        ),
    ),
    "http_404": (
        "http_error",
        "OVH answered HTTP 404 before its service ran; the SMS was not sent",
    ),
    "reset_after_request": ("outcome_unknown", OUTCOME_UNKNOWN),
    "not_json": ("outcome_unknown", OUTCOME_UNKNOWN),
}


@pytest.mark.parametrize("fault", list(READ_IN_HOME_ASSISTANT))
async def test_fault_reaches_the_caller_once_and_keeps_the_credit(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    faulty: tuple[FaultyServer, str],
    fault: str,
) -> None:
    """One request, the translated error, entry loaded, sensor at the last answer."""
    server, endpoint = faulty
    entry = await set_up_at(hass, mock_config_entry, endpoint)
    await send(hass)
    assert state_of(hass, CREDITS) == "1987"

    server.respond = FAULTS[fault][0]
    with pytest.raises(HomeAssistantError) as raised:
        await send(hass)
    assert not isinstance(raised.value, ServiceValidationError)
    assert (raised.value.translation_domain, raised.value.translation_key, str(raised.value)) == (
        DOMAIN,
        *READ_IN_HOME_ASSISTANT[fault],
    )
    assert len(server.requests) == 2
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, CREDITS) == "1987"


async def test_connection_refused(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, socket_enabled: None
) -> None:
    """Nothing listens, the outbox is off: the caller is told the SMS was not sent; still loaded."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={"outbox": False})
    entry = await set_up_at(hass, mock_config_entry, unused_loopback_endpoint())
    with pytest.raises(HomeAssistantError) as raised:
        await send(hass)
    assert (raised.value.translation_key, str(raised.value)) == (
        "cannot_connect",
        "Could not connect to OVH; the SMS was not sent",
    )
    assert entry.state is ConfigEntryState.LOADED


async def test_the_password_never_leaks(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    faulty: tuple[FaultyServer, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Across a normal send and every fault, at DEBUG, the password shows nowhere but on the wire.

    OVH echoing the password in a refusal is included: the client redacts it.
    The faults that end by a timeout only are the client's test's.
    """
    _log_everything(caplog)
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)
    server, endpoint = faulty
    entry = await set_up_at(hass, mock_config_entry, endpoint)
    echo = {"status": 202, "message": f"Invalid password {PASSWORD} for login homeassistant"}
    faults = [respond for name, (respond, _, _) in FAULTS.items() if name not in ENDED_BY_A_TIMEOUT]
    told: list[str] = []
    texts: list[str] = []
    for respond in [
        answer(200, json.dumps(SUCCESS).encode()),
        answer(200, json.dumps(echo).encode()),
        *faults,
    ]:
        server.respond = respond
        try:
            await send(hass)
        except HomeAssistantError as err:
            told.append(str(err))
            texts += _texts(err)
    await hass.async_block_till_done()

    assert len(server.requests) == len(faults) + 2
    assert all(PASSWORD.encode() in request for request in server.requests)
    assert len(told) == len(faults) + 1
    assert told[0] == (
        "OVH refused the account, login or password: Invalid password ********** for login "
        "homeassistant"
    )
    texts += [repr(entry.runtime_data), repr(entry)]
    texts.append(json.dumps(await async_get_config_entry_diagnostics(hass, entry)))
    texts += [repr(event) + json.dumps(event.data, default=str) for event in events]
    texts.append(caplog.text)
    assert "Sending a 1-part SMS" in caplog.text
    for text in texts:
        assert PASSWORD not in text
