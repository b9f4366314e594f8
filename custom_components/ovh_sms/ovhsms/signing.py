"""OVHcloud API signatures and rights: what a key may do, and its calls, signed.

Each signed call carries OVH's signature over the exact URL and body bytes
sent, timestamped on OVH's clock: GET /auth/time, then the seconds elapsed on
the monotonic clock, so a correction of the wall clock (a late time sync)
changes no timestamp. OVH's time is read again every CLOCK_MAX_AGE, and when
OVH refuses a timestamp ("Query out of time"): that refusal proves the call
did nothing, so it is made once more, a send included.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
import hashlib
import json
import logging
from typing import Any, Final
from urllib.parse import quote, urlencode

from yarl import URL

from .api_wire import no_answer, parse_time, refusal
from .errors import OvhSmsError, QueryOutOfTimeError
from .models import AccessRule, ApiKeys
from .transport import SMS_MAY_BE_SENT, Transport, unreadable_answer

_LOGGER = logging.getLogger(__name__)

CREATE_APP_URL: Final = "https://eu.api.ovh.com/createApp/"
# How long OVH's time, once read, stamps calls (monotonic seconds). An
# undisciplined crystal drifts under 0.4 s an hour, far inside OVH's tolerance
# (undocumented, minutes in practice); reading again bounds that drift and a
# suspend the monotonic clock does not count, for one unsigned call an hour
# at most.
CLOCK_MAX_AGE: Final = 3600.0

LIST_RULE: Final = AccessRule("GET", "/sms")
READ_RULE: Final = AccessRule("GET", "/sms/*")
SEND_RULE: Final = AccessRule("POST", "/sms/*/jobs")
CANCEL_RULE: Final = AccessRule("DELETE", "/sms/*/jobs/*")
DELETE_REPLY_RULE: Final = AccessRule("DELETE", "/sms/*/incoming/*")
SEND_FROM_NUMBER_RULE: Final = AccessRule("POST", "/sms/*/virtualNumbers/*/jobs")
DELETE_NUMBER_REPLY_RULE: Final = AccessRule("DELETE", "/sms/*/virtualNumbers/*/incoming/*")
STOP_LIST_RULE: Final = AccessRule("DELETE", "/sms/*/blacklists/*")
# What the integration asks for: list and read the accounts, send, cancel a
# deferred SMS, delete the replies it has read, send from a virtual number and
# delete what it received, and take a recipient off the STOP list.
ACCESS_RULES: Final[tuple[AccessRule, ...]] = (
    LIST_RULE,
    READ_RULE,
    SEND_RULE,
    CANCEL_RULE,
    DELETE_REPLY_RULE,
    SEND_FROM_NUMBER_RULE,
    DELETE_NUMBER_REPLY_RULE,
    STOP_LIST_RULE,
)
# OVH's page that creates the three keys at once, the rights above pre-filled.
CREATE_TOKEN_URL: Final = "https://eu.api.ovh.com/createToken/?" + "&".join(
    f"{rule.method}={rule.path}" for rule in ACCESS_RULES
)
# The statuses whose body is read: an answer, or OVH's refusal (4xx).
_ANSWERS: Final = frozenset(range(200, 300)) | frozenset(range(400, 500))
_HTTP_CLIENT_ERROR = 400


def sign(  # noqa: PLR0917 - the order of OVH's signed string
    application_secret: str,
    consumer_key: str,
    method: str,
    url: str,
    body: str,
    timestamp: int,
) -> str:
    """Return OVH's signature of a call: $1$ and the SHA-1 of its parts joined by +.

    url is the whole URL sent (query included) and body exactly the body sent,
    "" when there is none.
    """
    parts = (application_secret, consumer_key, method.upper(), url, body, str(timestamp))
    # SHA-1 is OVH's protocol, not a choice made here.
    return "$1$" + hashlib.sha1("+".join(parts).encode()).hexdigest()  # noqa: S324


def signature_headers(
    keys: ApiKeys, method: str, url: str, body: str, timestamp: int
) -> dict[str, str]:
    """Return the headers that sign a call: consumer key, timestamp and signature."""
    return {
        "X-Ovh-Consumer": keys.consumer_key,
        "X-Ovh-Timestamp": str(timestamp),
        "X-Ovh-Signature": sign(
            keys.application_secret, keys.consumer_key, method, url, body, timestamp
        ),
    }


@dataclass(frozen=True, slots=True)
class OvhClock:
    """OVH's time as read, and when it was read on the monotonic clock."""

    server_time: int
    read_at: float

    def now(self, monotonic: float) -> int:
        """Tell OVH's time now: the time read plus the whole seconds elapsed since."""
        return self.server_time + int(monotonic - self.read_at)

    def stale(self, monotonic: float) -> bool:
        """Tell whether OVH's time must be read again: read more than CLOCK_MAX_AGE ago."""
        return monotonic - self.read_at > CLOCK_MAX_AGE


class SignedCaller:
    """Makes one application's calls to one endpoint, signed on OVH's clock, refusals typed."""

    def __init__(
        self,
        transport: Transport,
        keys: ApiKeys,
        *,
        monotonic: Callable[[], float],
    ) -> None:
        """Keep the transport and keys; OVH's time is read at the first signed call."""
        self._transport = transport
        self._keys = keys
        self._monotonic = monotonic
        self._ovh_clock: OvhClock | None = None
        self._time_lock = asyncio.Lock()

    async def _read_ovh_clock(self, refused: OvhClock | None) -> OvhClock:
        """Return OVH's clock, read again when never read, too old, or refused.

        refused is the clock a call's timestamp was refused on: unless a
        concurrent call has already replaced it, OVH's time is read again.
        Calls in flight at once share one read.
        """
        async with self._time_lock:
            ovh_clock = self._ovh_clock
            if ovh_clock is None or ovh_clock is refused or ovh_clock.stale(self._monotonic()):
                server_time = await self.call(
                    "GET", ("auth", "time"), parse_time, rule="GET /auth/time", signed=False
                )
                ovh_clock = self._ovh_clock = OvhClock(server_time, self._monotonic())
            return ovh_clock

    async def call[T](
        self,
        method: str,
        path: Sequence[str],
        parse: Callable[[object], T],
        *,
        rule: str,
        body: dict[str, Any] | None = None,
        signed: bool = True,
        account: str | None = None,
        sends: bool = False,
        missing: OvhSmsError | None = None,
        outcome: str | None = None,
        query: Mapping[str, str] | None = None,
    ) -> T:
        """Make one call and return its parsed answer; raise the typed error of any failure.

        rule is the access rule the call needs; account, the account it is
        about (a 404 then means no such account); sends, whether it may send
        SMS (its failures after the request left are then outcome unknown);
        missing, the error a 404 means for a call about one SMS or reply
        (unless OVH's message names the account); outcome, what may have
        happened when a call that changes something (not a send) got no
        answer: its failures after the request left are then
        OutcomeUnknownError saying so; query, the URL's parameters, sent (and
        signed) after a ?. parse=no_answer reads no body. A signed call whose
        timestamp OVH refuses did nothing: it is made once more, on OVH's time
        read anew.
        """
        call = f"{method} /{'/'.join(path)}"
        url = "/".join((self._transport.endpoint, *(quote(part, safe="") for part in path)))
        if query:
            url += "?" + urlencode(query, quote_via=quote)
        data = None if body is None else json.dumps(body, separators=(",", ":"))
        headers = {"X-Ovh-Application": self._keys.application_key}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if sends:
            outcome = SMS_MAY_BE_SENT
        refused: OvhClock | None = None
        while True:
            sent_headers = headers
            if signed:
                ovh_clock = await self._read_ovh_clock(refused)
                timestamp = ovh_clock.now(self._monotonic())
                sent_headers = headers | signature_headers(
                    self._keys, method, url, data or "", timestamp
                )
            status, text = await self._transport.exchange(
                method,
                URL(url, encoded=True),  # sent exactly as signed
                call=call,
                answers=_ANSWERS,
                outcome=outcome,
                data=None if data is None else data.encode(),
                headers=sent_headers,
            )
            if status < _HTTP_CLIENT_ERROR:
                break
            error = refusal(
                status,
                text,
                redact=self._transport.redact,
                rule=rule,
                account=account,
                job=sends,
                missing=missing,
            )
            if not signed or refused is not None or not isinstance(error, QueryOutOfTimeError):
                raise error
            # The timestamp was refused, so nothing was done: once more on OVH's time read anew.
            _LOGGER.debug("%s: OVH refused the timestamp; reading OVH's time again", call)
            refused = ovh_clock
        if parse is no_answer:
            return parse(None)
        try:
            return parse(json.loads(text, parse_float=Decimal))
        except (KeyError, TypeError, ValueError) as err:
            raise unreadable_answer(status, call, outcome) from err
