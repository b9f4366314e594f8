"""A drill as kept: the running one as saved, how it ends, and when the next one is due.

The running drill is saved before its SMS leaves: one whose SMS was in flight
at a restart has no SMS known, and fails as "may have been sent".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final, NotRequired, TypedDict

from homeassistant.const import WEEKDAYS
from homeassistant.util import dt as dt_util

from .const import CONF_DRILL_ENABLED, CONF_DRILL_TIME, CONF_DRILL_WEEKDAY
from .notices import ReceivedSms
from .virtual_numbers import number_digits

# How long a drill's SMS has to reach the phone (and be answered).
DRILL_WINDOW: Final = timedelta(minutes=10)


class DrillStep(StrEnum):
    """The steps of a drill, each told by an ovh_sms_drill event."""

    STARTED = "started"
    PASSED = "passed"
    FAILED = "failed"


class DrillFailure(StrEnum):
    """Why a drill failed; each has its repair issue text (drill_<reason>)."""

    NOT_ACCEPTED = "not_accepted"  # certainly not sent: refused, limit, no recipient
    OUTCOME_UNKNOWN = "outcome_unknown"  # may have been sent: OVH's answer was lost
    NOT_DELIVERED = "not_delivered"  # no delivery report in time, or a failed one
    NO_REPLY = "no_reply"  # delivered, but no reply from the recipient in time


def next_drill_time(weekday: str, at: time, after: datetime) -> datetime:
    """Give the first such weekday and local time after this moment, in UTC.

    The local time holds across a change of daylight saving time.
    """
    zone = dt_util.get_default_time_zone()
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(WEEKDAYS.index(weekday) - local.weekday()) % 7)
    while (when := datetime.combine(day, at, tzinfo=zone)) <= after:
        day += timedelta(days=7)
    return dt_util.as_utc(when)


def next_scheduled_drill(options: Mapping[str, Any], after: datetime) -> datetime | None:
    """Give the next drill these options schedule after this moment; None when the drill is off."""
    if not options[CONF_DRILL_ENABLED]:
        return None
    at = dt_util.parse_time(options[CONF_DRILL_TIME]) or time()
    return next_drill_time(options[CONF_DRILL_WEEKDAY], at, after)


class StoredDrill(TypedDict):
    """The running drill, as saved."""

    drill_id: str
    number: str
    deadline: str
    wants_reply: bool
    sms_ids: list[str]
    delivered: bool
    # A drill saved without it (an earlier version) went from the short number.
    reply_number: NotRequired[str]


class StoredDrills(TypedDict):
    """What is saved: the schedule the next drill was set for, that time, the running drill."""

    schedule: str | None
    next_run: str | None
    running: StoredDrill | None


@dataclass(slots=True)
class Drill:
    """A running drill: its SMS (none known when it may have gone) and its deadline.

    reply_number is the number it went from, as an alarm's SMS (the account's
    reply_number; "" the short number), the one its reply reaches.
    """

    drill_id: str
    number: str
    deadline: datetime
    wants_reply: bool
    sms_ids: tuple[str, ...] = ()
    delivered: bool = False
    reply_number: str = ""

    def as_stored(self) -> StoredDrill:
        """Give the drill as saved."""
        return {
            "drill_id": self.drill_id,
            "number": self.number,
            "deadline": self.deadline.isoformat(),
            "wants_reply": self.wants_reply,
            "sms_ids": list(self.sms_ids),
            "delivered": self.delivered,
            "reply_number": self.reply_number,
        }

    def confirmed_by(self, received: ReceivedSms) -> bool:
        """Tell whether this SMS confirms the drill: a reply from its recipient since it started.

        A reply reaches the number that sent the drill's SMS; an SMS to another
        number, or an earlier one (to an alarm, say, read late), is something else.
        """
        if not self.wants_reply or received.sender != self.number:
            return False
        if number_digits(received.receiver or "") != self.reply_number:
            return False
        # OVH tells the second: a reply in the drill's first second is not earlier.
        started = (self.deadline - DRILL_WINDOW).replace(microsecond=0)
        return datetime.fromisoformat(received.received_at) >= started

    @classmethod
    def from_stored(cls, stored: StoredDrill) -> Drill:
        """Take a drill up as saved."""
        return cls(
            stored["drill_id"],
            stored["number"],
            datetime.fromisoformat(stored["deadline"]),
            stored["wants_reply"],
            tuple(stored["sms_ids"]),
            stored["delivered"],
            stored.get("reply_number", ""),
        )
