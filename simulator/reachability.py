"""The page's "unreachable" switch: the services' listening socket, closed and reopened.

Closed, OVH is down: a client's connection is refused before any request
leaves, what the integration counts as certainly not sent (an SMS queues). The
page keeps a socket of its own (the page port), to switch it back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
import ssl
from typing import Final

from aiohttp import web

_LOGGER = logging.getLogger(__name__)
# Turns of the event loop for a client in this process (a test's Home Assistant, whose
# clock may be frozen) to read the end of its kept-alive connections on loopback: the
# server's side closes, the client's reads the end, drops the connection. Reused, one
# would fail as "may have gone".
_CLOSING_TURNS: Final = 10


@dataclass(frozen=True)
class _Address:
    """Where the services listen: the runner of the application, host, port, TLS."""

    runner: web.AppRunner
    host: str
    port: int
    ssl_context: ssl.SSLContext | None


class Reachability:
    """Opens and closes the services' socket; the page's URL, which stays open."""

    def __init__(self) -> None:
        """Listen nowhere yet."""
        self._address: _Address | None = None
        self._site: web.TCPSite | None = None
        self.page_url = ""

    @property
    def unreachable(self) -> bool:
        """Tell whether the services' socket is closed (connections refused)."""
        return self._address is not None and self._site is None

    async def listen(
        self, runner: web.AppRunner, host: str, port: int, ssl_context: ssl.SSLContext | None
    ) -> int:
        """Serve the runner's application on host:port (0: any free port); return the port."""
        self._site = await _open(_Address(runner, host, port, ssl_context))
        port = runner.addresses[-1][1]
        self._address = _Address(runner, host, port, ssl_context)
        return port

    async def switch(self, *, unreachable: bool) -> None:
        """Close the services' socket and its connections, or reopen it on the same port."""
        if unreachable and self._address is not None and self._site is not None:
            await self._site.stop()
            self._site = None
            _close_connections(self._address)
            for _ in range(_CLOSING_TURNS):
                await asyncio.sleep(0)
        elif not unreachable and self._address is not None and self._site is None:
            self._site = await _open(self._address)
        else:
            return
        _LOGGER.info("Unreachable (connections refused): %s", unreachable)


async def _open(address: _Address) -> web.TCPSite:
    site = web.TCPSite(
        address.runner,
        address.host,
        address.port,
        ssl_context=address.ssl_context,
        reuse_address=True,
    )
    await site.start()
    return site


def _close_connections(address: _Address) -> None:
    """Close the connections kept alive on the services' port: reused, they would reach OVH.

    An answer in progress is cut, like a server going down.
    """
    for handler in getattr(address.runner.server, "connections", ()):
        transport = handler.transport
        if transport is not None and transport.get_extra_info("sockname")[1] == address.port:
            handler.force_close()
