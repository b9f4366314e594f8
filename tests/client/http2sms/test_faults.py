"""Faults of the transport: each its error, saying whether the SMS may have gone; no retry."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any
from unittest.mock import Mock

import aiohttp
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.ovhsms import (
    Http2SmsClient,
    OutcomeUnknownError,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
)
from tests.conftest import ENDPOINT, PASSWORD

from .conftest import CREDENTIALS, sms


@pytest.mark.parametrize(
    ("mock", "error"),
    [
        ({"status": 503, "text": "Service Unavailable"}, OvhServerError),
        ({"status": 500, "text": "<html>Internal Server Error</html>"}, OvhServerError),
        ({"status": 302, "text": ""}, OvhHttpError),
        ({"status": 404, "text": "Not Found"}, OvhHttpError),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            OvhConnectionError,
        ),
        ({"exc": aiohttp.ConnectionTimeoutError()}, OvhConnectionError),
        ({"exc": aiohttp.ServerDisconnectedError()}, OutcomeUnknownError),
        ({"exc": aiohttp.ClientPayloadError("truncated")}, OutcomeUnknownError),
        ({"exc": aiohttp.SocketTimeoutError()}, OutcomeUnknownError),
        ({"exc": TimeoutError()}, OutcomeUnknownError),
        ({"text": '{"status":100,"creditLe'}, OutcomeUnknownError),
    ],
)
async def test_transport_failures_are_never_retried(
    client: Http2SmsClient,
    aioclient_mock: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[OvhSmsError],
) -> None:
    """Each failure has its error, and exactly one request went out."""
    aioclient_mock.post(ENDPOINT, **mock)
    with pytest.raises(error) as err:
        await client.send(sms())
    assert aioclient_mock.call_count == 1
    assert PASSWORD not in str(err.value)


@pytest.mark.parametrize("status", [201, 202, 204])
async def test_an_odd_success_status_may_have_sent(
    client: Http2SmsClient, aioclient_mock: AiohttpClientMocker, status: int
) -> None:
    """HTTP 2xx other than 200 is no http2sms answer, yet the service ran: outcome unknown."""
    aioclient_mock.post(ENDPOINT, status=status, text="")
    with pytest.raises(OvhServerError) as err:
        await client.send(sms())
    assert str(err.value) == f"OVH answered HTTP {status}; the SMS may have been sent"


async def test_deadline_ends_a_trickling_answer(socket_enabled: None) -> None:
    """A server trickling its answer forever is given up at the deadline: outcome unknown.

    A byte comes every 0.05 s, so the read timeout (1 s) alone would never fire.
    """
    requests: list[bytes] = []
    trickled = 0
    handlers: list[asyncio.Task[None]] = []

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal trickled
        task = asyncio.current_task()
        assert task is not None
        handlers.append(task)
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)
        assert length is not None
        requests.append(head + await reader.readexactly(int(length[1])))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 1000000\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            while not reader.at_eof():
                writer.write(b" ")
                await writer.drain()
                trickled += 1
                await asyncio.sleep(0.05)
        writer.close()

    server = await asyncio.start_server(trickle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with aiohttp.ClientSession() as session:
            client = Http2SmsClient(
                session,
                CREDENTIALS,
                endpoint=f"http://127.0.0.1:{port}/cgi-bin/sms/http2sms.cgi",
                deadline=0.3,
                read_timeout=1,
            )
            # A guard only: without the deadline the send would never end.
            async with asyncio.timeout(3):
                with pytest.raises(OvhSmsError) as err:
                    await client.send(sms())
    finally:
        server.close()
        for handler in handlers:
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()
    assert type(err.value) is OutcomeUnknownError
    assert str(err.value) == (
        "The connection to OVH failed after the request was sent (TimeoutError); "
        "the SMS may have been sent"
    )
    assert len(requests) == 1
    assert b"to=0033612345678" in requests[0]
    assert trickled > 1
