"""The simulated OVH: one account, served by http2sms, the OVHcloud API and the page.

This is the only module that knows every service: it gives the account to the
API and composes the routes of http2sms (http2sms.py), the API (api.py), its
consumer keys' validation page (validation.py) and the simulator's page
(page.py) into one aiohttp application.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
import ssl

from aiohttp import web

from . import http2sms
from .account import SimulatedAccount
from .api import OvhApiSimulator
from .http2sms import SimulatorAnswer
from .page import Page
from .reachability import Reachability
from .validation import ValidationPage


@dataclass
class OvhSimulator(SimulatedAccount):
    """The simulated account (account.py) with its OVHcloud API (``api``), both served."""

    api: OvhApiSimulator = field(default_factory=OvhApiSimulator, repr=False, compare=False)
    reachability: Reachability = field(default_factory=Reachability, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Check the account; give the API this account."""
        super().__post_init__()
        self.api.account = self

    def handle(self, params: Mapping[str, str], *, now: datetime | None = None) -> SimulatorAnswer:
        """Answer one http2sms request, as OVH's endpoint does."""
        return http2sms.answer(self, params, now=now)

    def application(self) -> web.Application:
        """Serve http2sms at OVH's path, the API under /1.0, the page at / and its switches."""
        app = web.Application()
        self.api.add_routes(app)
        ValidationPage(self, self.api).add_routes(app)
        http2sms.add_routes(app, self)
        Page(self, self.api, self.reachability).add_routes(app)
        return app

    async def serve(
        self,
        host: str,
        port: int,
        page_port: int,
        runner: web.AppRunner,
        ssl_context: ssl.SSLContext | None = None,
    ) -> tuple[int, int]:
        """Serve the runner (of application()) on port, which "unreachable" closes, and page_port.

        Return both ports (0 asks for a free one).
        """
        await runner.setup()
        port = await self.reachability.listen(runner, host, port, ssl_context)
        page_site = web.TCPSite(runner, host, page_port, ssl_context=ssl_context)
        await page_site.start()
        page_port = runner.addresses[-1][1]
        scheme = "https" if ssl_context else "http"
        self.reachability.page_url = f"{scheme}://{host}:{page_port}"
        return port, page_port
