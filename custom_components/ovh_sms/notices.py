"""What an entry tells its parts, typed, each on one dispatcher signal of the entry.

An SMS OVH accepted (the ledger and the delivery tracker follow it), an SMS
that went out to its recipients (their notify entities record it), a reply
received (the event entity fires it). A recipient is named by its subentry: an
SMS reaches the entity of the recipient it was sent to, not of a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
    account's; received_at is ISO 8601.
    """

    sms_id: str
    sender: str
    recipient: str | None
    message: str
    tag: str | None
    received_at: str


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
