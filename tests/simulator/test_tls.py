"""The simulator over https (--tls), as node-ovh, which speaks only https, reaches it."""

from __future__ import annotations

from collections.abc import AsyncGenerator
import ipaddress
from pathlib import Path
import ssl
import time
from typing import Any
from unittest.mock import AsyncMock

import aiohttp
from aiohttp import web
from cryptography import x509
import pytest
from yarl import URL

from simulator import (
    DEFAULT_APPLICATION_KEY,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_CONSUMER_KEY,
    OvhSimulator,
    sign,
)
from simulator.__main__ import main
from simulator.tls import server_context

ACCOUNT = "sms-ab1234-1"


@pytest.fixture
async def https_base(socket_enabled: None, tmp_path: Path) -> AsyncGenerator[tuple[str, Path]]:
    """Serve the simulator over https on 127.0.0.1; give its base URL and its certificate."""
    certificate = tmp_path / "simulator.pem"
    runner = web.AppRunner(OvhSimulator().application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context("127.0.0.1", certificate))
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"https://{host}:{port}", certificate
    await runner.cleanup()


def node_ovh_headers(method: str, url: str, body: bytes) -> dict[str, str]:
    """Sign a call as node-ovh does: over https://host/path, without the port it calls."""
    timestamp = str(int(time.time()))
    signed_url = str(URL(url).with_port(None))
    return {
        "X-Ovh-Application": DEFAULT_APPLICATION_KEY,
        "X-Ovh-Consumer": DEFAULT_CONSUMER_KEY,
        "X-Ovh-Timestamp": timestamp,
        "X-Ovh-Signature": sign(
            DEFAULT_APPLICATION_SECRET, DEFAULT_CONSUMER_KEY, method, signed_url, body, timestamp
        ),
        "Content-Type": "application/json",
    }


async def test_a_client_trusting_the_certificate_sends_over_https(
    https_base: tuple[str, Path],
) -> None:
    """With the certificate written at start, a verifying client lists the account and sends."""
    base, certificate = https_base
    trusting = ssl.create_default_context(cafile=certificate)
    body = b'{"message":"Hello World!","senderForResponse":true,"receivers":["0033600000000"]}'
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/1.0/auth/time", ssl=trusting) as response:
            server_time = (response.status, await response.json())
        listed = f"{base}/1.0/sms"
        async with session.get(
            listed, headers=node_ovh_headers("GET", listed, b""), ssl=trusting
        ) as response:
            accounts = (response.status, await response.json())
        jobs = f"{base}/1.0/sms/{ACCOUNT}/jobs"
        async with session.post(
            jobs, data=body, headers=node_ovh_headers("POST", jobs, body), ssl=trusting
        ) as response:
            sent: dict[str, Any] = await response.json()
    assert (server_time[0], abs(server_time[1] - time.time()) < 5) == (200, True)
    assert accounts == (200, [ACCOUNT])
    assert (sent["validReceivers"], sent["totalCreditsRemoved"]) == (["+33600000000"], 1)


async def test_a_client_that_does_not_verify_reaches_it(https_base: tuple[str, Path]) -> None:
    """Without verification (NODE_TLS_REJECT_UNAUTHORIZED=0 in Node.js) the page answers too."""
    base, _ = https_base
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base}/", ssl=False) as response,
    ):
        assert (response.status, response.url.scheme) == (200, "https")


def test_the_certificate_names_the_host_and_this_machine(tmp_path: Path) -> None:
    """The certificate names the host served and localhost, 127.0.0.1 and ::1, once each."""
    certificate = tmp_path / "simulator.pem"
    server_context("sim.example", certificate)
    server_context("127.0.0.1", tmp_path / "local.pem")
    names = (
        x509.load_pem_x509_certificate(path.read_bytes())
        .extensions.get_extension_for_class(x509.SubjectAlternativeName)
        .value
        for path in (certificate, tmp_path / "local.pem")
    )
    assert [
        (name.get_values_for_type(x509.DNSName), name.get_values_for_type(x509.IPAddress))
        for name in names
    ] == [
        (
            ["sim.example", "localhost"],
            [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")],
        ),
        (["localhost"], [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]),
    ]


def test_tls_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--tls serves https and says where the certificate to trust is."""
    serve = AsyncMock()
    monkeypatch.setattr("simulator.__main__.serve", serve)
    certificate = tmp_path / "simulator.pem"
    main(["--tls", "--certificate", str(certificate), "--port", "9443"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "simulator: http2sms endpoint https://127.0.0.1:9443/cgi-bin/sms/http2sms.cgi, "
        "page https://127.0.0.1:9443/ (also at https://127.0.0.1:9444/, open while it refuses "
        "connections)"
    )
    assert lines[-1] == f"simulator: https with a self-signed certificate, written to {certificate}"
    assert isinstance(serve.await_args.args[-1], ssl.SSLContext)
    assert certificate.read_text().startswith("-----BEGIN CERTIFICATE-----")
    main(["--port", "9002"])
    assert serve.await_args.args[-1] is None
