"""The simulated OVH SMS account: its SMS user, senders, credit and the SMS it sent.

http2sms (http2sms.py) and the OVHcloud API (api.py) both read and change this
one account; the page (page.py) shows it. It imports no other service, so any of
them can use it.
"""

from __future__ import annotations

from asyncio import sleep
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
import logging
import math
import string
from typing import Final

from .segments import SmsCoding

_LOGGER = logging.getLogger(__name__)

# The id in the http2sms guide's answers (../shared/seeds/000_15b454dd41dca6b1.txt).
FIRST_SMS_ID: Final = 10867690
ANSWER_DELAY_REFUSED: Final = "The answer delay is a number of seconds, 0 or more."
# A sender's status on the account (the API's sms.SenderStatusEnum); only an enabled
# sender sends, through http2sms as through the API.
ENABLED: Final = "enable"
SENDER_STATUSES: Final = (ENABLED, "disable", "refused", "waitingValidation")
_SHORTCODE_DIGITS: Final = 6


@dataclass(frozen=True, slots=True)
class SentSms:
    """One accepted request, as the simulator's page and log show it."""

    sms_ids: tuple[str, ...]
    received_at: datetime
    sender: str
    recipients: tuple[str, ...]
    message: str
    coding: SmsCoding
    segments: int
    credits_used: Decimal
    no_stop: bool
    sms_class: str | None
    deferred: datetime | None
    tag: str | None
    via: str = "http2sms"


@dataclass
class SimulatedAccount:
    """One OVH SMS account with one SMS user, its senders and its credit.

    A sender is enabled unless ``sender_status`` gives it another of
    SENDER_STATUSES. ``unauthorized`` makes every http2sms request answer 401, as
    when the caller's IP is not among the SMS user's allowed IPs. ``answer_delay``
    (seconds) makes both services wait that long before they handle each request
    and answer, like a slow OVH; requests in flight wait together, not one after
    the other.
    """

    account: str = "sms-ab1234-1"
    login: str = "homeassistant"
    password: str = field(default="simulator", repr=False)
    senders: tuple[str, ...] = ("HomeAlarm",)
    sender_status: dict[str, str] = field(default_factory=dict)
    credits: Decimal = Decimal(100)
    credit_per_segment: Decimal = Decimal(1)
    # Assumption: a part costs credit_per_segment to every country but these, by ISO
    # code, each with its calling code and its own credit: {"BE": ("32", Decimal(2))}.
    country_credits: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    unauthorized: bool = False
    answer_delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list, repr=False)
    sent: list[SentSms] = field(default_factory=list)
    _next_id: int = field(default=FIRST_SMS_ID, init=False, repr=False)

    def __post_init__(self) -> None:
        """Check the senders' statuses."""
        for sender, status in self.sender_status.items():
            if sender not in self.senders or status not in SENDER_STATUSES:
                raise ValueError(f"Sender {sender!r}, {status!r}: undeclared, or not a status")

    def sender_status_of(self, sender: str) -> str | None:
        """Return a declared sender's status (enable...), None for an undeclared one."""
        return self.sender_status.get(sender, ENABLED) if sender in self.senders else None

    def cost(self, recipients: Sequence[str], segments: int) -> Decimal:
        """Return the credits an SMS of these parts costs to these recipients (+33…, 0033…)."""
        return sum((segments * self._credit_to(number) for number in recipients), Decimal(0))

    def credit_to_country(self, country: str) -> Decimal:
        """Return the credits one part costs to this country (ISO code, any case)."""
        own = self.country_credits.get(country.upper())
        return self.credit_per_segment if own is None else own[1]

    def _credit_to(self, receiver: str) -> Decimal:
        digits = receiver.removeprefix("+").removeprefix("00")
        for calling_code, credit in self.country_credits.values():
            if digits.startswith(calling_code):
                return credit
        return self.credit_per_segment

    async def wait_answer_delay(self) -> None:
        """Wait the answer delay, before a service handles a request."""
        if self.answer_delay > 0:
            await sleep(self.answer_delay)

    def record(
        self,
        *,
        via: str,
        sender: str,
        recipients: tuple[str, ...],
        message: str,
        coding: SmsCoding,
        segments: int,
        no_stop: bool,
        sms_class: str | None,
        deferred: datetime | None,
        tag: str | None,
        now: datetime,
    ) -> SentSms:
        """Send an SMS that passed every check: charge it, give it one id per recipient."""
        cost = self.cost(recipients, segments)
        self.credits -= cost
        ids = tuple(str(self._next_id + offset) for offset in range(len(recipients)))
        self._next_id += len(recipients)
        sms = SentSms(
            sms_ids=ids,
            received_at=now,
            sender=sender,
            recipients=recipients,
            message=message,
            coding=coding,
            segments=segments,
            credits_used=cost,
            no_stop=no_stop,
            sms_class=sms_class,
            deferred=deferred,
            tag=tag,
            via=via,
        )
        self.sent.append(sms)
        _LOGGER.info(
            "SMS %s (%s) from %r to %s (%d part(s), %s credit(s), %s left): %r",
            ",".join(ids),
            via,
            sender,
            ",".join(recipients),
            segments,
            format_credit(cost),
            format_credit(self.credits),
            message,
        )
        return sms


def format_credit(credit: Decimal) -> str:
    """Write a credit as OVH does: a whole number, or two decimals when fractional."""
    return str(int(credit)) if credit == credit.to_integral_value() else f"{credit:.2f}"


def sender_type(name: str) -> str:
    """Say what OVH would call the sender: numeric (a number), shortcode or alpha."""
    digits = name.removeprefix("+")
    if digits and all(char in string.digits for char in digits):
        return "shortcode" if len(digits) <= _SHORTCODE_DIGITS else "numeric"
    return "alpha"


def aware(moment: datetime) -> datetime:
    """http2sms's deferred time has no zone: it is the simulator's local time."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def parse_answer_delay(text: str) -> float:
    """Read an answer delay: a finite number of seconds, 0 or more (ValueError otherwise)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds < math.inf:
        raise ValueError(ANSWER_DELAY_REFUSED)
    return seconds
