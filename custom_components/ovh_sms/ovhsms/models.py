"""Every value type of the client: the SMS, what OVH accepted, keys, accounts, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Final


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
    # Credits the caller estimated before sending, for these recipients (never OVH's).
    credits_estimated: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Credentials:
    """An SMS user of an OVH SMS account; repr() leaves the password out."""

    account: str
    login: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class ApiKeys:
    """An application's key and secret, and a consumer key; repr() shows the key only."""

    application_key: str
    application_secret: str = field(repr=False)
    consumer_key: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class AccessRule:
    """A right a consumer key is granted: a method on a path, where * matches anything."""

    method: str
    path: str

    def __str__(self) -> str:
        """Write the rule as OVH's pages do: POST /sms/*/jobs."""
        return f"{self.method} {self.path}"


class CredentialState(StrEnum):
    """Where a consumer key stands (OVH's credential status)."""

    PENDING = "pendingValidation"
    VALIDATED = "validated"
    REFUSED = "refused"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class ConsumerKeyRequest:
    """A new consumer key: it works once the user validates it at validation_url."""

    consumer_key: str = field(repr=False)
    validation_url: str
    state: CredentialState


class SenderStatus(StrEnum):
    """The known statuses of a sender declared on an SMS account."""

    ENABLE = "enable"
    DISABLE = "disable"
    REFUSED = "refused"
    WAITING_VALIDATION = "waitingValidation"


@dataclass(frozen=True, slots=True)
class Sender:
    """A sender of an SMS account; status is OVH's own value, maybe one not in SenderStatus."""

    name: str
    status: str
    type: str
    comment: str

    @property
    def enabled(self) -> bool:
        """Tell whether SMS can be sent from this sender now."""
        return self.status == SenderStatus.ENABLE


@dataclass(frozen=True, slots=True)
class SmsAccountInfo:
    """An SMS account as OVH describes it."""

    name: str
    credits_left: Decimal
    description: str
    status: str


class Priority(StrEnum):
    """How soon OVH handles a job."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    VERY_LOW = "veryLow"


class DeliveryStatus(StrEnum):
    """Where an SMS stands, from OVH's deliveryReceipt and ptt codes."""

    PENDING = "pending"  # not sent yet: queued, or deferred
    SENT = "sent"  # handed to the operator, no final report yet
    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"


FINAL_STATUSES: Final = frozenset(
    {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.EXPIRED}
)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Where one SMS to one receiver stands.

    receiver is in the 00 form ("" when OVH did not tell it); ptt and
    delivery_receipt are OVH's codes as given; description is OVH's text, or
    the text of its codes (two_way.py's PTT_TEXTS, DELIVERY_RECEIPT_TEXTS), maybe "".
    """

    sms_id: str
    receiver: str
    status: DeliveryStatus
    ptt: int | None
    delivery_receipt: int | None
    description: str
    sent_at: datetime | None
    delivered_at: datetime | None

    @property
    def final(self) -> bool:
        """Tell whether the status can no longer change: delivered, failed or expired."""
        return self.status in FINAL_STATUSES


@dataclass(frozen=True, slots=True)
class Reply:
    """An SMS received in answer to one sent from OVH's short number.

    sender is in the 00 form; tag is the tag of the SMS answered, if it had one.
    """

    reply_id: str
    sender: str
    message: str
    tag: str | None
    received_at: datetime | None


@dataclass(frozen=True, slots=True)
class MessageEstimate:
    """How OVH would send a message (POST /sms/estimate): its coding, length and parts.

    characters_class is OVH's name of the coding (e.g. "7bits", "unicode").
    """

    characters: int
    characters_class: str
    max_characters_per_part: int
    parts: int


@dataclass(frozen=True, slots=True)
class DestinationRate:
    """What one SMS part costs towards a country (GET /sms/rates/destinations), in credits."""

    country: str
    credits_per_part: Decimal


@dataclass(frozen=True, slots=True)
class ServiceInfos:
    """An SMS account's service as OVH bills it (GET /sms/{s}/serviceInfos).

    status is OVH's own value (ok, expired, unPaid, pendingDebt, ...); expiration
    is None when OVH did not tell it.
    """

    status: str
    expiration: date | None
    automatic_renewal: bool

    @property
    def ok(self) -> bool:
        """Tell whether OVH bills the service as in order."""
        return self.status == "ok"


@dataclass(frozen=True, slots=True)
class OperatorException:
    """A restriction OVH applies for an operator of a receiver's country (GET .../exceptions).

    restriction is OVH's restrictionCode (ALPHA, BAD_DLR, BLOCKED, CODING,
    DLR, FLASHONLY, MSISDN); substitution, the sender OVH puts instead, if any.
    """

    country: str
    operators: tuple[str, ...]
    restriction: str
    substitution: str
