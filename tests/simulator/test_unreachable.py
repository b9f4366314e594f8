"""The page's "unreachable" switch: OVH down, connections refused, then served again.

Refused is what the integration counts as certainly not sent (aiohttp's
ClientConnectorError, raised before any request leaves), so an SMS queues.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import pytest

from simulator import OvhSimulator
from simulator.__main__ import serve
from tests.conftest import PASSWORD, LoopbackSimulator

from .conftest import JOB, SMS, Client
from .test_http2sms import VALID

FORM = VALID | {"password": PASSWORD}


async def switch(session: aiohttp.ClientSession, ovh: OvhSimulator, value: str) -> str:
    """Press the page's switch (on the page's own port); return the page it leads to."""
    async with session.post(
        f"{ovh.reachability.page_url}/unreachable", data={"unreachable": value}
    ) as response:
        assert str(response.url) == f"{ovh.reachability.page_url}/"
        return await response.text()


async def test_the_switch_refuses_both_services_then_serves_again(
    simulator: LoopbackSimulator, api: Client
) -> None:
    """Switched on, http2sms and /1.0 refuse the connection, the page stays; off, both send."""
    ovh = simulator.ovh
    async with aiohttp.ClientSession() as session:
        # A kept-alive connection from before the switch must not reach OVH either.
        async with session.get(simulator.endpoint, params=FORM) as response:
            assert (await response.text()).startswith("OK")
        page = await switch(session, ovh, "1")
        assert "Unreachable (connections refused" in page
        assert "<b id=unreachable>yes</b>" in page
        assert "<button>Serve again</button>" in page
        with pytest.raises(aiohttp.ClientConnectorError) as refused:
            await session.get(simulator.endpoint, params=FORM)
        assert isinstance(refused.value.os_error, ConnectionRefusedError)
        with pytest.raises(aiohttp.ClientConnectorError):
            await api.call("POST", f"{SMS}/jobs", JOB)
        assert len(ovh.sent) == 1
        page = await switch(session, ovh, "0")
        assert "<b id=unreachable>no</b>" in page
        assert "<button>Refuse connections</button>" in page
        async with session.get(simulator.endpoint, params=FORM) as response:
            assert (await response.text()).startswith("OK")
    assert (await api.call("POST", f"{SMS}/jobs", JOB)).status == 200
    assert [sms.via for sms in ovh.sent] == ["http2sms", "http2sms", "api"]


async def test_switching_to_the_same_state_changes_nothing(simulator: LoopbackSimulator) -> None:
    """Pressing "Serve again" while served (two tabs) keeps serving."""
    async with aiohttp.ClientSession() as session:
        await switch(session, simulator.ovh, "0")
        async with session.get(simulator.endpoint, params=FORM) as response:
            assert (await response.text()).startswith("OK")
        await switch(session, simulator.ovh, "1")
        await switch(session, simulator.ovh, "1")
        assert simulator.ovh.reachability.unreachable


async def test_main_serves_the_page_on_its_own_port(socket_enabled: None) -> None:
    """The command line's serve() serves everything on --port and the page on the page port."""
    ovh = OvhSimulator()
    task = asyncio.create_task(serve(ovh, "127.0.0.1", 0, 0, None))
    while not ovh.reachability.page_url:  # noqa: ASYNC110 (no event to wait for)
        await asyncio.sleep(0)
    async with aiohttp.ClientSession() as session:
        await switch(session, ovh, "1")
        async with session.get(f"{ovh.reachability.page_url}/") as response:
            assert "<b id=unreachable>yes</b>" in await response.text()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
