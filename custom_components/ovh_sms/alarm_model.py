"""An alarm as kept: whom it goes to, where it stands, and which reply acknowledges it.

An alarm goes through its numbers in order, rounds times: its attempt counts
the SMS sent so far (the one waited on is attempt). Only open alarms are kept:
one that ends is forgotten, so nothing of it can happen again after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
import re
import secrets
from typing import TypedDict

from homeassistant.util import dt as dt_util

# Words of a reply, letters apart from digits: "ok 47", "OK47!" and "Ok, 47." all hold OK and 47.
_WORD = re.compile(r"[^\W\d_]+|\d+")
PLAIN_OK = "OK"
# Country codes have 1 to 3 digits (ITU E.164).
COUNTRY_CODE_DIGITS = range(1, 4)


class StoredAlarm(TypedDict):
    """One open alarm, as saved."""

    alarm_id: str
    code: str
    message: str
    title: str | None
    numbers: list[str]
    escalate_after: float
    rounds: int
    then: list[str]
    alert_entity: str | None
    started_at: str
    attempt: int
    deadline: str
    sms_ids: list[str]
    sent_to: list[str]


@dataclass(slots=True)
class Alarm:
    """An open alarm: numbers (00 form) in the order they are tried."""

    alarm_id: str
    code: str
    message: str
    title: str | None
    numbers: tuple[str, ...]
    escalate_after: timedelta
    rounds: int
    then: tuple[str, ...]
    alert_entity: str | None
    started_at: datetime
    # When the attempt escalates (or the alarm is exhausted, after the last one).
    deadline: datetime
    # The SMS waited on, counted from 0 over every round.
    attempt: int = 0
    # What OVH answered for the attempt's SMS (none when it may have gone).
    sms_ids: tuple[str, ...] = ()
    # The numbers an SMS of this alarm went (or may have gone) to: they may acknowledge.
    sent_to: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        """The number of the attempt."""
        return self.numbers[self.attempt % len(self.numbers)]

    @property
    def round(self) -> int:
        """The round of the attempt, from 1."""
        return self.attempt // len(self.numbers) + 1

    @property
    def last_attempt(self) -> bool:
        """Whether nothing but the final actions is left after this attempt."""
        return self.attempt + 1 >= len(self.numbers) * self.rounds

    def as_stored(self) -> StoredAlarm:
        """Give what is saved."""
        return {
            "alarm_id": self.alarm_id,
            "code": self.code,
            "message": self.message,
            "title": self.title,
            "numbers": list(self.numbers),
            "escalate_after": self.escalate_after.total_seconds(),
            "rounds": self.rounds,
            "then": list(self.then),
            "alert_entity": self.alert_entity,
            "started_at": self.started_at.isoformat(),
            "attempt": self.attempt,
            "deadline": self.deadline.isoformat(),
            "sms_ids": list(self.sms_ids),
            "sent_to": list(self.sent_to),
        }

    @classmethod
    def from_stored(cls, stored: StoredAlarm) -> Alarm:
        """Take up a saved alarm."""
        return cls(
            alarm_id=stored["alarm_id"],
            code=stored["code"],
            message=stored["message"],
            title=stored["title"],
            numbers=tuple(stored["numbers"]),
            escalate_after=timedelta(seconds=stored["escalate_after"]),
            rounds=stored["rounds"],
            then=tuple(stored["then"]),
            alert_entity=stored["alert_entity"],
            started_at=dt_util.parse_datetime(stored["started_at"]) or dt_util.utcnow(),
            deadline=dt_util.parse_datetime(stored["deadline"]) or dt_util.utcnow(),
            attempt=stored["attempt"],
            sms_ids=tuple(stored["sms_ids"]),
            sent_to=list(stored["sent_to"]),
        )


def new_code(taken: set[str]) -> str:
    """Draw a two-digit code no open alarm of the account has (three digits if all are)."""
    free = [code for code in map(str, range(10, 100)) if code not in taken]
    if not free:
        free = [code for code in map(str, range(100, 1000)) if code not in taken]
    return secrets.choice(free)


def _is_number(sender: str, number: str) -> bool:
    """Whether a reply's sender is this number (00 form), however OVH writes it.

    OVH gives +33612345678 (00 form once read), 0033612345678, 33612345678 or
    the national 0612345678: the last is the number's national part after a
    1- to 3-digit country code.
    """
    digits = "".join(filter(str.isdigit, sender))
    international = number.removeprefix("00")
    if digits.startswith("00"):
        return digits[2:] == international
    if digits == international:
        return True
    national = digits.removeprefix("0")
    return (
        national != digits
        and international.endswith(national)
        and len(international) - len(national) in COUNTRY_CODE_DIGITS
    )


def acknowledged_alarms(alarms: list[Alarm], sender: str, message: str) -> list[tuple[Alarm, str]]:
    """Find the alarms a reply acknowledges, each with its number that sent the reply.

    Only a number an SMS of the alarm went to acknowledges it: with the
    alarm's code as a word (one reply may hold the codes of several), or with
    a plain OK when that number has one open alarm.
    """
    theirs = [
        (alarm, number)
        for alarm in alarms
        if (number := next((n for n in alarm.sent_to if _is_number(sender, n)), None))
    ]
    words = _WORD.findall(message.upper())
    if words == [PLAIN_OK] and len(theirs) == 1:
        return theirs
    return [(alarm, number) for alarm, number in theirs if alarm.code in words]
