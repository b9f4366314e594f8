"""The SMS model, shared by every way of sending: what OVH receives and what it accepted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum


class SmsClass(IntEnum):
    """Where the phone keeps the SMS (OVH's class)."""

    FLASH = 0
    PHONE = 1
    SIM = 2
    TOOLKIT = 3


class SmsCoding(IntEnum):
    """How the text is coded (OVH's smsCoding)."""

    GSM7 = 1
    UCS2 = 2


@dataclass(frozen=True, slots=True)
class EncodedMessage:
    """A message ready for OVH, with the coding and the parts it costs."""

    text: str
    coding: SmsCoding
    segments: int


@dataclass(frozen=True, slots=True)
class Sms:
    """A validated SMS: every field is what OVH will receive."""

    recipients: tuple[str, ...]
    message: EncodedMessage
    sender: str | None = None
    sms_class: SmsClass | None = None
    no_stop: bool = True
    deferred: datetime | None = None
    tag: str | None = None
    # Minutes OVH keeps trying to deliver (OVHcloud API only); None: OVH's default.
    validity_minutes: int | None = None
    # True when the caller chose the coding: the OVHcloud API then receives it;
    # otherwise OVH deduces it from the text.
    coding_forced: bool = False

    @property
    def segments(self) -> int:
        """SMS parts for each recipient."""
        return self.message.segments


@dataclass(frozen=True, slots=True)
class Accepted:
    """OVH's acceptance of one request: the ids of the SMS, the credit left and spent, if told.

    refused lists the request's recipients that OVH accepted the request for
    but refused as numbers (the OVHcloud API's invalidReceivers): they did not
    get the SMS.
    """

    sms_ids: tuple[str, ...] = ()
    credits_left: Decimal | None = None
    credits_removed: Decimal | None = None
    refused: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SendResult:
    """What OVH accepted: who got the SMS, the ids, the credit left and the requests made."""

    sms_ids: tuple[str, ...]
    credits_left: Decimal | None
    segments: int
    recipients: tuple[str, ...]
    requests: int
    deferred: datetime | None
    # Credits these SMS cost, when OVH told it for every request (OVHcloud API).
    credits_removed: Decimal | None = None
