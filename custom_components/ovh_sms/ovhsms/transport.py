"""The network rules both transports share: one exchange with OVH, and many at once.

Timeouts; what a failure means for what the request did (not sent, or may
have been: never retried); secrets kept out of every text; and a bounded
fan-out of requests that stops starting new ones once a failure proves the
others would fail too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Container, Mapping, Sequence
import logging
from typing import Final

import aiohttp
from yarl import URL

from .errors import (
    OutcomeUnknownError,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
    SmsRefusedError,
    UnreadableAnswerError,
)

_LOGGER = logging.getLogger(__name__)

CONNECT_TIMEOUT: Final = 10.0
READ_TIMEOUT: Final = 30.0
# Past this, a request's outcome is unknown, even if the server still trickles.
REQUEST_DEADLINE: Final = 60.0
# What may have happened when a send got no readable answer.
SMS_MAY_BE_SENT: Final = "the SMS may have been sent"

_REDACTED = "**********"
_REFUSED_BEFORE_SERVICE = range(300, 500)


def stops_sending(error: OvhSmsError) -> bool:
    """Tell whether a failure proves that no request of this account can pass now."""
    return isinstance(error, SmsRefusedError) and error.stops_sending


def unreadable_answer(status: int, call: str, outcome: str | None) -> OvhSmsError:
    """Return the error of an answer that cannot be read.

    outcome says what may have happened when the call changes something;
    None for a read, which changed nothing.
    """
    if outcome is None:
        return UnreadableAnswerError(status, call)
    return OutcomeUnknownError(f"OVH's answer could not be read; {outcome}")


def _unanswered(status: int, outcome: str | None) -> OvhSmsError:
    """Return the error of a status that carries no answer to read.

    A redirect or a client error (3xx, 4xx) was refused before OVH's service
    ran; after anything else (a 5xx, an odd 2xx) it may have run.
    """
    if status in _REFUSED_BEFORE_SERVICE or outcome is None:
        return OvhHttpError(status)
    if outcome == SMS_MAY_BE_SENT:
        return OvhServerError(status)
    return OutcomeUnknownError(f"OVH answered HTTP {status}; {outcome}")


class Transport:
    """One OVH endpoint through an injected aiohttp session, with its timeouts and secrets."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        endpoint: str,
        *,
        secrets: Sequence[str],
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        deadline: float = REQUEST_DEADLINE,
    ) -> None:
        """Keep the session and endpoint; no text may ever show one of the secrets."""
        self._session = session
        self._endpoint = endpoint
        self._secrets = tuple(secret for secret in secrets if secret)
        self._timeout = aiohttp.ClientTimeout(
            total=deadline, sock_connect=connect_timeout, sock_read=read_timeout
        )

    @property
    def endpoint(self) -> str:
        """The endpoint, as failures to reach it name it."""
        return self._endpoint

    def redact(self, text: str) -> str:
        """Return the text with every secret masked, e.g. a password OVH's answer repeats."""
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    async def exchange(
        self,
        method: str,
        url: str | URL,
        *,
        call: str,
        answers: Container[int],
        outcome: str | None,
        data: bytes | Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str]:
        """Send one request; return the status and body of an answer, else raise.

        call names the request in logs and errors (POST /sms/*/jobs); answers
        are the statuses whose body is read; outcome says what may have
        happened if the request reached OVH and no answer says (None for a
        read: nothing did). Never retried. A failure before the request left
        is OvhConnectionError: not sent. Once it may have reached OVH, a
        request that changes something fails with OutcomeUnknownError (a
        send's 5xx: OvhServerError), a read with OvhHttpError or
        OvhConnectionError.
        """
        try:
            async with self._session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                status = response.status
                _LOGGER.debug(
                    "%s: HTTP %d, X-OVH-QUERYID %s",
                    call,
                    status,
                    response.headers.get("X-Ovh-QueryId", "none"),
                )
                if status not in answers:
                    raise _unanswered(status, outcome)
                return status, await response.text(encoding="utf-8", errors="replace")
        except OvhSmsError:
            raise
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as err:
            raise OvhConnectionError(
                f"Could not connect to {self._endpoint}: {type(err).__name__}"
            ) from None
        except (TimeoutError, aiohttp.ClientError) as err:
            if outcome is not None:
                raise OutcomeUnknownError(
                    f"The connection to OVH failed after the request was sent "
                    f"({type(err).__name__}); {outcome}"
                ) from None
            raise OvhConnectionError(
                f"The connection to OVH failed during {call} ({type(err).__name__})"
            ) from None


async def fan_out[T, R, S](
    items: Sequence[T],
    request: Callable[[T], Awaitable[R]],
    *,
    max_in_flight: int,
    not_started: Callable[[OvhSmsError], S],
    stops: Callable[[OvhSmsError], bool] = stops_sending,
) -> tuple[list[R | OvhSmsError | S], OvhSmsError | None]:
    """Make one request per item, max_in_flight at once; never retry.

    Returns each item's answer or failure, in the items' order, and the
    first failure that stops (stops tells which): from then on, no request
    starts, and each item not started has not_started(that failure).
    """
    outcomes: dict[int, R | OvhSmsError | S] = {}
    in_flight = asyncio.Semaphore(max_in_flight)
    stopped_by: OvhSmsError | None = None

    async def run(index: int) -> None:
        nonlocal stopped_by
        async with in_flight:
            if stopped_by is not None:
                outcomes[index] = not_started(stopped_by)
                return
            try:
                outcomes[index] = await request(items[index])
            except OvhSmsError as err:
                outcomes[index] = err
                if stopped_by is None and stops(err):
                    stopped_by = err

    async with asyncio.TaskGroup() as group:
        for index in range(len(items)):
            group.create_task(run(index))
    return [outcomes[index] for index in range(len(items))], stopped_by
