"""An SMS waiting in the outbox (outbox.py): which failures may wait, and how it is saved.

Only a failure that proves nothing went out may wait (queueable); a queued SMS
is saved as a StoredSms and each try of it ends done or as a Retry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypedDict

from homeassistant.util import dt as dt_util

from .ovhsms import OvhConnectionError, OvhSmsError, PartialSendError, RateLimitedError
from .sms_options import SmsOptions


def queueable(err: OvhSmsError) -> bool:
    """Tell a failure that proves nothing went out and that waiting can fix.

    OVH out of reach (no connection, DNS, refused, a timeout before the request
    left) or OVH asking to call later before accepting anything. Never an
    OutcomeUnknownError: that SMS may have gone.
    """
    return isinstance(err, OvhConnectionError | RateLimitedError)


def unreached(err: OvhSmsError, recipients: list[str]) -> list[str]:
    """Give the recipients of a failed send the outbox may take: none unless it is queueable."""
    if isinstance(err, PartialSendError):
        return list(err.not_sent) if queueable(err.cause) else []
    return recipients if queueable(err) else []


class StoredSms(TypedDict):
    """A queued SMS, as saved."""

    sms_id: str
    recipients: list[str]
    message: str
    title: str | None
    options: dict[str, Any]
    queued_at: str
    expires_at: str
    attempts: int


class StoredOutbox(TypedDict):
    """The outbox as saved."""

    next_try: str | None
    failures: int
    sms: list[StoredSms]


@dataclass(slots=True)
class QueuedSms:
    """An SMS waiting for OVH: the recipients not reached yet, as the caller gave it."""

    sms_id: str
    recipients: list[str]
    message: str
    title: str | None
    options: SmsOptions
    queued_at: datetime
    expires_at: datetime
    attempts: int = 0

    def as_stored(self) -> StoredSms:
        """Give the SMS as saved; a deferred SMS keeps its time."""
        options = asdict(self.options)
        if self.options.deferred is not None:
            options["deferred"] = self.options.deferred.isoformat()
        return StoredSms(
            sms_id=self.sms_id,
            recipients=self.recipients,
            message=self.message,
            title=self.title,
            options=options,
            queued_at=self.queued_at.isoformat(),
            expires_at=self.expires_at.isoformat(),
            attempts=self.attempts,
        )

    @classmethod
    def from_stored(cls, stored: StoredSms) -> QueuedSms:
        """Read a saved SMS."""
        options = dict(stored["options"])
        if options.get("deferred"):
            options["deferred"] = dt_util.parse_datetime(options["deferred"])
        return cls(
            stored["sms_id"],
            list(stored["recipients"]),
            stored["message"],
            stored["title"],
            SmsOptions(**options),
            dt_util.parse_datetime(stored["queued_at"]) or dt_util.utcnow(),
            dt_util.parse_datetime(stored["expires_at"]) or dt_util.utcnow(),
            stored["attempts"],
        )


@dataclass(frozen=True, slots=True)
class Retry:
    """What a try of a queued SMS left to send again: these recipients, OVH out of reach."""

    recipients: list[str]


# A try of a queued SMS: None when done with it (sent, or failed and reported by
# the sender), or the recipients to try again later.
type SendQueued = Callable[[QueuedSms], Awaitable[Retry | None]]
# Hands an SMS too old to wait to the account's fallbacks (failover.py).
type FailOverQueued = Callable[[QueuedSms], Awaitable[None]]
