"""The phone's side of the simulated OVH: delivery progress, replies, and their pushes.

An SMS sent is pending (deliveryReceipt 0, ptt 0) until the page, a test
(OvhApiSimulator.set_delivery) or the automatic progression (deliver_after)
moves it to one of DELIVERY_STATES. A reply to an SMS sent from the short
number is an incoming SMS. When the account has push URLs (callBack for
delivery reports, smsResponse's cgiUrl for replies), each change is told to
them by an HTTP GET, in the background: a failing URL is logged and shown on
the page, never raised.

What OVH publishes (../shared/spec/ovh-api.md, and its schema sms.json): the
ptt codes, the deliveryReceipt values, the fields of an incoming SMS and of
sms.PttDetails, the parameters of both pushes. Where it publishes nothing, the
simulator chooses (each choice is marked "Assumption" where it is defined).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
import logging
from typing import Final
from urllib.parse import urlsplit

import aiohttp

_LOGGER = logging.getLogger(__name__)

# Each state the phone can report: deliveryReceipt and ptt (spec: 1 delivered / ptt 4,
# 2 failed / ptt 5 undelivered, ptt 3 accepted by the operator, ptt 8 expired).
# Assumption: an SMS accepted by the operator keeps deliveryReceipt 0 (not final yet),
# an expired one is failed (2).
ACCEPTED: Final = "accepted"
DELIVERED: Final = "delivered"
DELIVERY_STATES: Final[Mapping[str, tuple[int, int]]] = {
    ACCEPTED: (0, 3),
    DELIVERED: (1, 4),
    "failed": (2, 5),
    "expired": (2, 8),
}
# The states the page's buttons set: the final ones.
FINAL_STATES: Final = (DELIVERED, "failed", "expired")
# The ptt codes of the spec, as GET /sms/ptts describes them (sms.PttDetails).
# Assumption: the description is the spec's text, the comment empty, and the duration
# (sms.PttDurationTypeEnum) temporary for what may still change, permanent for a final state.
PTTS: Final[Mapping[int, tuple[str, str]]] = {
    1: ("Retrying", "temporary"),
    2: ("Retrying", "temporary"),
    3: ("Accepted by the operator", "temporary"),
    4: ("Delivered", "permanent"),
    5: ("Undelivered", "permanent"),
    6: ("Unknown final state", "indeterminated"),
    8: ("Expired", "permanent"),
    20: ("Undeliverable", "permanent"),
    23: ("Invalid or barred number", "permanent"),
    24: ("Subscriber absent", "temporary"),
    25: ("Temporary network failure", "temporary"),
    26: ("Phone error (SIM full)", "temporary"),
    27: ("Handset incompatible", "permanent"),
    28: ("Spam suspicion", "permanent"),
    29: ("Content not permitted", "permanent"),
}
# The spec's meaning of each deliveryReceipt, sent as a delivery report's descriptionDlr.
# Assumption: OVH's exact wording is unknown.
DLR_DESCRIPTIONS: Final[Mapping[int, str]] = {
    0: "Pending",
    1: "Delivered",
    2: "Failed",
    4: "Pending",
    8: "Buffered",
    16: "Error",
}
# Assumption: the short number the replies' push names (shortcode); OVH's is not published.
SHORT_NUMBER: Final = "38100"
# Replies reach an SMS sent from the short number for 48 hours, and each costs credit
# (the spec); assumption: 1 credit, and a reply the credit cannot pay for is lost.
REPLY_WINDOW: Final = timedelta(hours=48)
REPLY_CREDITS: Final = Decimal(1)
# Assumption: OVH's incoming ids are its own sequence; these are the simulator's.
FIRST_INCOMING_ID: Final = 20000001
# How long a push may take, and how often the automatic progression is checked.
PUSH_TIMEOUT: Final = 10.0
TICK: Final = 1.0
# The pushes the page lists, the newest.
PUSHES_SHOWN: Final = 20


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery report: the state (a key of DELIVERY_STATES), deliveryReceipt, ptt, when."""

    state: str
    receipt: int
    ptt: int
    at: datetime

    @property
    def description(self) -> str:
        """Describe the ptt as GET /sms/ptts does."""
        return PTTS[self.ptt][0]


@dataclass(slots=True)
class Incoming:
    """An incoming SMS of the account: a reply to the SMS `answered`, to the short number.

    Or an SMS to one of its virtual numbers (receiver; answered None).
    """

    id: int
    created: datetime
    sender: str
    message: str
    tag: str
    credits: Decimal
    answered: int | None
    deleted: bool = False
    receiver: str | None = None


@dataclass(slots=True)
class PushCall:
    """One call of a push URL: what was sent, and how it went (None while in flight)."""

    kind: str
    url: str
    params: dict[str, str]
    at: datetime
    outcome: str | None = None
    ok: bool | None = None


def check_url(name: str, url: str) -> str:
    """Accept an http(s) URL with a host, or "" (no push); ValueError otherwise."""
    if url:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"[{name}] Given data ({url}) is not an http or https URL")
    return url


def ptt_details(ptt: int) -> dict[str, str]:
    """Answer GET /sms/ptts for a known ptt (sms.PttDetails)."""
    description, duration = PTTS[ptt]
    return {"comment": "", "description": description, "duration": duration}


@dataclass
class Pusher:
    """Calls the push URLs in the background, with an HTTP session of its own.

    The session exists while the simulator's application runs (start, stop);
    without it a push is recorded as not sent. Every call is in `calls`.
    """

    calls: list[PushCall] = field(default_factory=list)
    _session: aiohttp.ClientSession | None = field(default=None, repr=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

    def start(self) -> None:
        """Open the session (in the application's startup)."""
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Cancel the pushes in flight and close the session (at the application's cleanup)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def push(self, kind: str, url: str, params: dict[str, str], at: datetime) -> PushCall:
        """Call url?params with GET in the background; record the call."""
        call = PushCall(kind, url, params, at)
        self.calls.append(call)
        if self._session is None:
            self._done(call, ok=False, outcome="not sent: the simulator is not serving")
            return call
        task = asyncio.get_running_loop().create_task(self._call(self._session, call))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return call

    async def wait(self) -> None:
        """Wait for the pushes in flight (for tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _call(self, session: aiohttp.ClientSession, call: PushCall) -> None:
        try:
            async with session.get(
                call.url, params=call.params, timeout=aiohttp.ClientTimeout(total=PUSH_TIMEOUT)
            ) as response:
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            self._done(call, ok=False, outcome=f"failed: {type(error).__name__} {error}".strip())
            return
        if response.status >= 400:  # noqa: PLR2004 - HTTP's client and server errors
            self._done(call, ok=False, outcome=f"failed: HTTP {response.status}")
        else:
            self._done(call, ok=True, outcome=f"HTTP {response.status}")

    @staticmethod
    def _done(call: PushCall, *, ok: bool, outcome: str) -> None:
        call.ok, call.outcome = ok, outcome
        log = _LOGGER.info if ok else _LOGGER.warning
        log("Push of a %s to %s: %s", call.kind, call.url, outcome)
