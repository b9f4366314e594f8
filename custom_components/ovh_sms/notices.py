"""What an entry tells its parts, typed, each on one dispatcher signal of the entry.

An SMS OVH accepted (the ledger and the delivery tracker follow it), an SMS
that went out to its recipients (their notify entities record it), a reply
received (the event entity fires it). A recipient is named by its subentry: an
SMS reaches the entity of the recipient it was sent to, not of a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from homeassistant.config_entries import ConfigEntry
from homeassistant.util.signal_type import SignalType

from .const import CONF_PHONE_NUMBER, DOMAIN, SUBENTRY_RECIPIENT
from .ovhsms import SendResult


@dataclass(frozen=True, slots=True)
class Accepted:
    """A send OVH accepted, or the part of it that went.

    subentry_ids are the recipients it went to; validity_minutes what the SMS
    asked for (None: OVH's default); recorded_by the notify entity that records
    this send itself.
    """

    result: SendResult
    subentry_ids: frozenset[str]
    validity_minutes: int | None = None
    recorded_by: str | None = None


@dataclass(frozen=True, slots=True)
class WentOut:
    """An SMS that left for these recipients: when accepted, or at its deferred time."""

    subentry_ids: frozenset[str]
    recorded_by: str | None


@dataclass(frozen=True, slots=True)
class ReceivedSms:
    """A reply, as the ovh_sms_received event and the event entity give it.

    recipient names the recipient whose number sent it, if it is one of the
    account's; received_at is ISO 8601; receiver is the account's number that
    received it (a virtual number), None for OVH's short number.
    """

    sms_id: str
    sender: str
    recipient: str | None
    message: str
    tag: str | None
    received_at: str
    receiver: str | None = None


class AlarmStep(StrEnum):
    """The steps of an alarm, each told by an ovh_sms_alarm event."""

    STARTED = "started"
    SENT = "sent"
    DELIVERED = "delivered"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"
    CANCELLED = "cancelled"


# The data of every ovh_sms_alarm event, in this order. recipient is the
# recipient's name (None for a number that is no recipient of the account),
# number the 00 form; round is 1-based; acknowledged_via is "sms", "action" or
# "alert"; elapsed is the seconds since the alarm started; at is ISO 8601.
ALARM_EVENT_KEYS: tuple[str, ...] = (
    "config_entry_id",
    "alarm_id",
    "step",
    "code",
    "recipient",
    "number",
    "round",
    "sms_ids",
    "acknowledged_by",
    "acknowledged_via",
    "elapsed",
    "at",
)


@dataclass(frozen=True, slots=True)
class AlarmSummary:
    """One open alarm as the account's "Open alarms" sensor shows it.

    recipient is the name (or number) of the one the alarm is at now; deadline
    is when it escalates if not acknowledged (None once nothing is left to try
    but the final actions).
    """

    alarm_id: str
    code: str
    message: str
    recipient: str
    round: int
    started_at: datetime
    deadline: datetime | None


def signal_alarms(entry_id: str) -> SignalType[tuple[AlarmSummary, ...]]:
    """Dispatcher signal of the entry's open alarms: all of them, each time one changes.

    Also sent once when the entry's setup ends, so the sensor starts right.
    """
    return SignalType(f"{DOMAIN}_{entry_id}_alarms")


def signal_accepted(entry_id: str) -> SignalType[Accepted]:
    """Dispatcher signal of the entry's accepted sends."""
    return SignalType(f"{DOMAIN}_{entry_id}_accepted")


def signal_went_out(entry_id: str) -> SignalType[WentOut]:
    """Dispatcher signal of the entry's SMS as they go out."""
    return SignalType(f"{DOMAIN}_{entry_id}_went_out")


def signal_received(entry_id: str) -> SignalType[ReceivedSms]:
    """Dispatcher signal of the entry's replies."""
    return SignalType(f"{DOMAIN}_{entry_id}_received")


def recipients_among(entry: ConfigEntry, numbers: Iterable[str]) -> frozenset[str]:
    """Give the subentries of the entry's recipients whose number is among these."""
    wanted = set(numbers)
    return frozenset(
        subentry_id
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_RECIPIENT
        and subentry.data.get(CONF_PHONE_NUMBER) in wanted
    )
