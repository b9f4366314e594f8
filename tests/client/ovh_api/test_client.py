"""The client itself: its endpoint, its secrets kept out of repr and logs, its bytes on a socket."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import Mock

import aiohttp
from aiohttp import web
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
)

from custom_components.ovh_sms.ovhsms import (
    ConsumerKeyError,
    EndpointCredentialsError,
    InsecureEndpointError,
    InvalidEndpointError,
    OvhApiClient,
    Sender,
    sign,
)

from .conftest import (
    ACCEPTED,
    ACCOUNT,
    ACCOUNT_URL,
    ALICE,
    API,
    APPLICATION_KEY,
    CONSUMER_KEY,
    JOBS,
    KEYS,
    SECRET,
    SERVER_TIME,
    TIMESTAMP,
    Clock,
    assert_no_secret,
    compact,
    job,
    sms,
)


@pytest.mark.parametrize(
    ("endpoint", "kept"),
    [
        ("https://eu.api.ovh.com/1.0/", API),
        (" https://EU.api.ovh.com/1.0 ", API),
        ("http://127.0.0.1:8080/1.0/", "http://127.0.0.1:8080/1.0"),
        ("http://localhost:8080", "http://localhost:8080"),
    ],
)
def test_endpoints_kept(endpoint: str, kept: str) -> None:
    """Kept as sent on the wire, without a trailing /."""
    assert OvhApiClient(Mock(), KEYS, endpoint=endpoint).endpoint == kept


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("http://eu.api.ovh.com/1.0", InsecureEndpointError),
        ("https://user:hunter2@eu.api.ovh.com/1.0", EndpointCredentialsError),
        ("https://eu.api.ovh.com/1.0?region=eu", InvalidEndpointError),
        ("https://eu.api.ovh.com/1.0#top", InvalidEndpointError),
        ("ftp://eu.api.ovh.com/1.0", InvalidEndpointError),
    ],
)
def test_endpoints_refused(endpoint: str, error: type[InvalidEndpointError]) -> None:
    """Where the keys would travel in clear or show with the URL, or a path cannot follow."""
    with pytest.raises(InvalidEndpointError) as err:
        OvhApiClient(Mock(), KEYS, endpoint=endpoint)
    assert type(err.value) is error
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize("sizes", [{"batch_size": 0}, {"max_in_flight": 0}])
def test_a_client_that_could_never_send_is_refused(sizes: dict[str, Any]) -> None:
    """Batches of nobody, or no request ever in flight, are programming errors."""
    with pytest.raises(ValueError, match="at least 1"):
        OvhApiClient(Mock(), KEYS, **sizes)


async def test_secrets_never_shown(
    client: OvhApiClient, ovh: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    """Not in repr(), nor in any log line at DEBUG, nor in an error echoing them."""
    caplog.set_level(logging.DEBUG)
    ovh.post(JOBS, json=ACCEPTED, headers={"X-Ovh-QueryId": "EU.ext-3.6501"})
    ovh.get(
        ACCOUNT_URL,
        status=403,
        json={"errorCode": "NOT_CREDENTIAL", "message": f"{CONSUMER_KEY} is not {SECRET}'s"},
    )
    await client.send(ACCOUNT, sms())
    with pytest.raises(ConsumerKeyError) as err:
        await client.account(ACCOUNT)
    assert err.value.reason == "********** is not **********'s"
    assert repr(client) == (f"OvhApiClient(application_key='{APPLICATION_KEY}', endpoint='{API}')")
    assert repr(KEYS) == f"ApiKeys(application_key='{APPLICATION_KEY}')"
    assert client.keys is KEYS
    assert f"POST /sms/{ACCOUNT}/jobs: HTTP 200, X-OVH-QUERYID EU.ext-3.6501" in caplog.text
    assert f"GET /sms/{ACCOUNT}: HTTP 403, X-OVH-QUERYID none" in caplog.text
    assert_no_secret(caplog.text, repr(client), repr(KEYS), str(err.value), repr(err.value))


async def test_the_wire(socket_enabled: None) -> None:
    """On a real socket: the URL is sent as signed (%2B kept), the body is the bytes signed."""
    received: list[tuple[str, str, dict[str, str], bytes]] = []

    async def handle(request: web.Request) -> web.Response:
        received.append(
            (request.method, request.raw_path, dict(request.headers), await request.read())
        )
        if request.raw_path.endswith("/auth/time"):
            return web.Response(text=str(SERVER_TIME))
        if request.method == "POST":
            return web.json_response(ACCEPTED)
        if request.raw_path.endswith("/senders"):
            return web.json_response(["+33 6 12/34"])
        return web.json_response({"status": "enable", "type": "numeric", "comment": ""})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}/1.0"
    try:
        async with aiohttp.ClientSession() as session:
            client = OvhApiClient(session, KEYS, endpoint=base, clock=Clock())
            senders = await client.senders(ACCOUNT)
            await client.send(ACCOUNT, sms("Été ☀"))
    finally:
        await runner.cleanup()
    assert senders == (Sender("+33 6 12/34", "enable", "numeric", ""),)
    assert [(method, path) for method, path, _, _ in received] == [
        ("GET", "/1.0/auth/time"),
        ("GET", f"/1.0/sms/{ACCOUNT}/senders"),
        ("GET", f"/1.0/sms/{ACCOUNT}/senders/%2B33%206%2012%2F34"),
        ("POST", f"/1.0/sms/{ACCOUNT}/jobs"),
    ]
    for method, path, headers, body in received[1:]:
        assert headers["X-Ovh-Signature"] == sign(
            SECRET, CONSUMER_KEY, method, base.removesuffix("/1.0") + path, body.decode(), TIMESTAMP
        )
    assert received[3][3] == compact(job(ALICE) | {"message": "Été ☀"})
    assert received[3][3].isascii()
    assert received[3][2]["Content-Type"] == "application/json"
