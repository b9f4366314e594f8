"""The SMS itself, whatever carries it: validation of every field, and the credit.

Free of Home Assistant and of any transport: phone numbers, text and parts,
sender, tag and deferred time are checked here, so that a bad SMS is refused
before any request.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
import re
from typing import Final
from zoneinfo import ZoneInfo

from .errors import (
    DeferredInPastError,
    InvalidAccountError,
    InvalidSenderError,
    InvalidTagError,
    NonexistentLocalTimeError,
)
from .message import encode_message
from .models import Sms, SmsClass, SmsCoding
from .phone import normalize_recipients

MAX_TAG_LENGTH: Final = 20
MAX_ALPHANUMERIC_SENDER: Final = 11
MAX_NUMERIC_SENDER: Final = 15
# OVH never states the time zone of a deferred time; it is a French service,
# so a naive time without a caller's zone is Paris wall time.
PARIS: Final = ZoneInfo("Europe/Paris")

_ACCOUNT = re.compile(r"sms-[a-z]{2}\d+-\d+", re.IGNORECASE)
_NUMERIC_SENDER = re.compile(r"\+?\d+")


def validate_account(account: str) -> str:
    """Return the account if it has OVH's form sms-ab1234-1, else raise."""
    if not _ACCOUNT.fullmatch(account):
        raise InvalidAccountError(account)
    return account


def validate_sender(sender: str) -> str:
    """Return the sender if OVH can accept it: 11 characters alphanumeric, 15 digits numeric."""
    numeric = _NUMERIC_SENDER.fullmatch(sender)
    limit = MAX_NUMERIC_SENDER + sender.startswith("+") if numeric else MAX_ALPHANUMERIC_SENDER
    if not sender or sender != sender.strip() or len(sender) > limit or not sender.isprintable():
        raise InvalidSenderError(sender)
    return sender


def validate_tag(tag: str) -> str:
    """Return the tag if OVH accepts its length."""
    if len(tag) > MAX_TAG_LENGTH:
        raise InvalidTagError(tag, MAX_TAG_LENGTH)
    return tag


def localize(when: datetime, time_zone: tzinfo) -> datetime:
    """Read a naive wall time in time_zone; an aware one is kept as it is.

    A wall time that a daylight saving change skips (02:30 the night clocks go
    forward) is refused; one it repeats (02:30 the night they go back) is the
    first of the two, as fold=0 reads it.
    """
    if when.tzinfo is not None:
        return when
    aware = when.replace(tzinfo=time_zone)
    if aware.astimezone(UTC).astimezone(time_zone).replace(tzinfo=None) != when:
        raise NonexistentLocalTimeError(when.isoformat(sep=" "), str(time_zone))
    return aware


def validate_deferred(when: datetime, now: datetime, time_zone: tzinfo) -> datetime:
    """Return the time, read in time_zone if naive, if it exists and is not in the past."""
    when = localize(when, time_zone)
    if when < now:
        raise DeferredInPastError(when.isoformat())
    return when


def build_sms(
    recipients: Iterable[str],
    message: str,
    *,
    now: datetime,
    sender: str | None = None,
    sms_class: SmsClass | None = None,
    coding: SmsCoding | None = None,
    no_stop: bool = True,
    deferred: datetime | None = None,
    tag: str | None = None,
    validity_minutes: int | None = None,
    default_region: str | None = None,
    time_zone: tzinfo = PARIS,
    normalized_numbers: Collection[str] = frozenset(),
) -> Sms:
    """Validate everything and build the SMS; raise SmsValidationError on bad input.

    An empty or None sender sends from OVH's short number that accepts replies
    (senderForResponse, France only). no_stop defaults to True: without it OVH
    treats the SMS as commercial and holds it at night and on weekends. A naive
    deferred time is read in time_zone (the caller's, Paris if not given).
    Recipients in normalized_numbers (saved ones, in the 00 form) are not parsed again.
    """
    return Sms(
        recipients=tuple(normalize_recipients(recipients, default_region, normalized_numbers)),
        message=encode_message(message, coding=coding, stop_mention=not no_stop),
        sender=validate_sender(sender) if sender else None,
        sms_class=SmsClass(sms_class) if sms_class is not None else None,
        no_stop=no_stop,
        deferred=validate_deferred(deferred, now, time_zone) if deferred is not None else None,
        tag=validate_tag(tag) if tag else None,
        coding_forced=coding is not None,
        validity_minutes=validity_minutes,
    )


def parse_credit(value: object) -> Decimal | None:
    """Read a credit; anything but a finite number (NaN, Infinity, junk) is unknown."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
