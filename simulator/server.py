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

from aiohttp import web

from . import http2sms
from .account import SimulatedAccount
from .api import OvhApiSimulator
from .http2sms import SimulatorAnswer
from .page import Page
from .validation import ValidationPage


@dataclass
class OvhSimulator(SimulatedAccount):
    """The simulated account (account.py) with its OVHcloud API (``api``), both served."""

    api: OvhApiSimulator = field(default_factory=OvhApiSimulator, repr=False, compare=False)

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
        Page(self, self.api).add_routes(app)
        return app
