"""The simulated OVHcloud API under /1.0: signed calls, consumer keys and the /sms routes.

It shares the simulated account (credit, senders, SMS sent) with http2sms
(server.py) and checks every call as ../shared/spec/ovh-api.md says OVH does:
the application key, the consumer key and its state, the access rules, the
timestamp and the signature, computed here on the URL exactly as received
(scheme://host, raw path with its percent-encoding, query) and on the body's
exact bytes. Every answer is JSON and carries an X-OVH-QUERYID header.

Where OVH publishes nothing, the simulator chooses (each choice is marked
"Assumption" where its value is defined):
- the signature may also cover the URL without the Host header's port, as
  node-ovh signs it (it knows OVH on 443 only), so that it reaches a simulator
  on another port (``--tls``: node-ovh speaks only https);
- a timestamp more than MAX_CLOCK_DRIFT seconds from the server's clock is
  400 QUERY_TIME_OUT "Query out of time", checked before the signature;
- a signed call without X-Ovh-Consumer is 401 "You must login first";
- authentication errors are {"errorCode", "httpCode", "message"}; the others
  {"class": "Client::BadRequest" (NotFound, TooManyRequests, Server::...), "message"};
- an unknown SMS account is 404 "This service does not exist", an unknown
  sender or job "The requested object (sender = X) does not exist", a route
  not simulated "Got an invalid (or empty) URL";
- POST /jobs: a null is a parameter left out (python-ovh sends the ones its
  caller passes as None); the deprecated coding is checked but changes nothing,
  OVH deducing the coding from the text; a sender together with
  senderForResponse, or neither, is a 400;
  so is a sender not declared (OVH's "Sms sender X does not exists. Please
  create it first") or not enabled; an exhausted credit is a 400 "Not enough
  credits: ..."; unknown parameters are 400 "Unknown body parameter X";
- GET /auth/currentCredential needs no access rule and answers for a pending,
  refused or expired key too; a revoked key is expired;
- a key requested with allowedIPs (CIDR blocks, or bare addresses) answers
  every signed call from another address 403 INVALID_CREDENTIAL "This credential
  is not valid", once its signature is checked; an empty list, like null,
  restricts nothing;
- cancelling a job (DELETE /jobs/{id}) gives its credit back; deleting an
  outgoing SMS (DELETE /outgoing/{id}) only takes it out of the API's history;
- neither batches nor SMPP are simulated: an outgoing SMS's batchID and
  messageID are null, so GET /outgoing's filters on them (checked as uuids)
  match nothing;
- times are ISO 8601 in UTC; an SMS has deliveryReceipt 0 and ptt 0 until the
  phone reports it (phone.py: accepted, delivered, failed, expired), from the
  page, set_delivery or the automatic progression (deliver_after seconds:
  accepted at once, delivered then): OVH's schema makes ptt a long that is never
  null, and no published ptt code is 0 (PTT_BEFORE_REPORT);
- PUT /sms/{s} sets description, callBack, stopCallBack (kept, never called) and
  smsResponse {responseType, cgiUrl}; the read-only fields of GET /sms/{s} are
  ignored, the other writable ones (templates, automatic recredit, smsResponse's
  text and tracking) are refused as not simulated; a URL must be http(s);
- the pushes are GET calls with their parameters in the query string (a report:
  id, ptt, date (ISO 8601), description (the ptt's), descriptionDlr (the
  deliveryReceipt's), receiver; a reply: shortcode, tag, id, senderid, message);
- POST /sms/estimate counts as POST /jobs does; its characters are the coded
  units (GSM septets, an escaped character counting 2, or UCS-2 units) of the
  text as sent, the STOP mention included, and its maxCharactersPerPart those of
  a single SMS (160, 70) or of a concatenated part (153, 67); its senderType is
  checked, and changes nothing;
- GET /sms/ptts answers 404 for a ptt outside the spec's table; an unknown or
  deleted incoming SMS is a 404 like an unknown job.
"""

from __future__ import annotations

import asyncio
from asyncio import sleep
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
import hashlib
import hmac
import html
from http import HTTPStatus
import ipaddress
import json
import logging
import re
import secrets
import string
import time
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote
import uuid

from aiohttp import web

from .phone import (
    ACCEPTED,
    DELIVERED,
    DELIVERY_STATES,
    DLR_DESCRIPTIONS,
    FIRST_INCOMING_ID,
    PTTS,
    REPLY_CREDITS,
    REPLY_WINDOW,
    SHORT_NUMBER,
    TICK,
    Delivery,
    Incoming,
    Pusher,
    check_url,
    ptt_details,
)
from .segments import (
    CONCATENATED_PART,
    MAX_PARTS,
    SINGLE_SMS,
    SmsCoding,
    coded_length,
    coding_for,
    count_parts,
)

if TYPE_CHECKING:
    from .server import Http2SmsSimulator, SentSms

_LOGGER = logging.getLogger(__name__)

API_PATH: Final = "/1.0"
DEFAULT_APPLICATION_KEY: Final = "simulator-application-key"
DEFAULT_APPLICATION_SECRET: Final = "simulator-application-secret"  # noqa: S105 - printed
DEFAULT_CONSUMER_KEY: Final = "simulator-consumer-key"
# Assumption: OVH publishes no tolerance; python-ovh corrects its clock once,
# so a few minutes is what a working client needs.
MAX_CLOCK_DRIFT: Final = 180
# Assumption: how long a consumer key's validity may be chosen on the validation page.
VALIDITIES: Final = {"Unlimited": 0, "1 hour": 3600, "1 day": 86400, "30 days": 30 * 86400}
# OVH's ids of applications and credentials are integers; these are the simulator's.
_FIRST_APPLICATION_ID: Final = 100001
_FIRST_CREDENTIAL_ID: Final = 500001
_KEY_ALPHABET: Final = string.ascii_letters + string.digits
_KEY_LENGTH: Final = 32
_METHODS: Final = ("GET", "POST", "PUT", "DELETE")
_NUMBER = re.compile(r"(00|\+)[1-9][0-9]{6,14}")
_SHORTCODE_DIGITS: Final = 6
_MINUTE: Final = 60
_TAG_LENGTH: Final = 20
_HTTP_SERVER_ERROR: Final = 500
_RATE_WINDOW: Final = 60.0
# http2sms's class digits, so that both routes record the same value (SentSms.sms_class).
# Assumption: the ptt of an SMS before any report. sms.Job's and sms.Outgoing's ptt
# is a long with canBeNull false; 0 is in no published ptt table, like the
# deliveryReceipt 0 ("pending") it comes with.
PTT_BEFORE_REPORT: Final = 0
_CLASS_DIGITS: Final = {"flash": "0", "phoneDisplay": "1", "sim": "2", "toolkit": "3"}
# The body of POST /sms/{s}/jobs: each parameter's type in OVH's schema (sms.json).
_ENUMS: Final[Mapping[str, tuple[str, ...]]] = {
    "sms.PriorityEnum": ("high", "low", "medium", "veryLow"),
    "sms.ClassEnum": tuple(_CLASS_DIGITS),
    "sms.CodingEnum": ("7bit", "8bit"),
    "sms.CharsetEnum": ("UTF-8",),
    "sms.TypeSenderEnum": ("alpha", "numeric", "shortcode", "time2chat", "virtual"),
}
_JOB_PARAMETERS: Final[Mapping[str, str]] = {
    "message": "string",
    "receivers": "string[]",
    "sender": "string",
    "senderForResponse": "boolean",
    "noStopClause": "boolean",
    "differedPeriod": "long",
    "validityPeriod": "long",
    "priority": "sms.PriorityEnum",
    "class": "sms.ClassEnum",
    "coding": "sms.CodingEnum",
    "charset": "sms.CharsetEnum",
    "tag": "string",
}
# The body of POST /sms/estimate, every parameter required; its answer's charactersClass.
_ESTIMATE_PARAMETERS: Final[Mapping[str, str]] = {
    "message": "string",
    "noStopClause": "boolean",
    "senderType": "sms.TypeSenderEnum",
}
_CHARACTERS_CLASSES: Final = {SmsCoding.GSM7: "7bits", SmsCoding.UCS2: "unicode"}
# In OVH's schema, but not simulated: refused so that a test notices.
_NOT_SIMULATED: Final = frozenset({"receiversDocumentUrl", "receiversSlotId"})
_CREDENTIAL_PARAMETERS: Final = frozenset({"accessRules", "redirection", "allowedIPs"})
# GET /outgoing's filters (sms.json), and those of type long and uuid.
_OUTGOING_FILTERS: Final = frozenset(
    {
        "batchID",
        "creationDatetime.from",
        "creationDatetime.to",
        "deliveryReceipt",
        "differedDelivery",
        "messageID",
        "ptt",
        "receiver",
        "sender",
        "tag",
    }
)
_LONG_FILTERS: Final = frozenset({"deliveryReceipt", "differedDelivery", "ptt"})
_UUID_FILTERS: Final = frozenset({"batchID", "messageID"})
_INCOMING_FILTERS: Final = frozenset(
    {"sender", "tag", "creationDatetime.from", "creationDatetime.to"}
)
# PUT /sms/{s}: the account's fields (sms.Account) it sets, those it ignores (read-only)
# and those it refuses as not simulated; smsResponse's (sms.Response) likewise.
_ACCOUNT_FIELDS: Final = frozenset({"description", "callBack", "stopCallBack", "smsResponse"})
_ACCOUNT_READ_ONLY: Final = frozenset(
    {"name", "status", "creditsLeft", "creditsHoldByQuota", "userQuantityWithQuota"}
)
_ACCOUNT_NOT_SIMULATED: Final = frozenset(
    {"automaticRecreditAmount", "creditThresholdForAutomaticRecredit", "templates"}
)
_RESPONSE_FIELDS: Final = frozenset({"responseType", "cgiUrl"})
_RESPONSE_NOT_SIMULATED: Final = frozenset({"text", "trackingDefaultSmsSender", "trackingOptions"})
RESPONSE_TYPES: Final = ("cgi", "none", "text")
NOT_JSON: Final = "The input that you provided isn't valid JSON or not well formatted"
INVALID_URL: Final = "Got an invalid (or empty) URL"


class CredentialStatus(StrEnum):
    """OVH's states of a consumer key."""

    PENDING = "pendingValidation"
    VALIDATED = "validated"
    REFUSED = "refused"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class AccessRule:
    """A right of a consumer key: a method on a path, where * matches any characters."""

    method: str
    path: str

    def allows(self, method: str, path: str) -> bool:
        """Tell whether the call is covered; /sms and /sms/* are distinct rules."""
        pattern = ".*".join(re.escape(part) for part in self.path.split("*"))
        return method == self.method and re.fullmatch(pattern, path, re.DOTALL) is not None

    def __str__(self) -> str:
        """Write the rule as OVH's pages do: POST /sms/*/jobs."""
        return f"{self.method} {self.path}"


# The pre-validated key's rights: the createToken link of the spec, cancelling a job and
# deleting a reply read (what the integration asks for).
DEFAULT_RULES: Final = (
    AccessRule("GET", "/sms"),
    AccessRule("GET", "/sms/*"),
    AccessRule("POST", "/sms/*/jobs"),
    AccessRule("DELETE", "/sms/*/jobs/*"),
    AccessRule("DELETE", "/sms/*/incoming/*"),
)


@dataclass(frozen=True, slots=True)
class Application:
    """An application: its key, its secret and OVH's id for it."""

    key: str
    secret: str = field(repr=False)
    application_id: int
    name: str


@dataclass(slots=True)
class Credential:
    """A consumer key of one application, its rules and where it stands."""

    consumer_key: str = field(repr=False)
    application_key: str
    rules: tuple[AccessRule, ...]
    credential_id: int
    token: str = field(repr=False)
    created: datetime
    status: CredentialStatus = CredentialStatus.PENDING
    expiration: datetime | None = None
    redirection: str | None = None
    allowed_ips: tuple[str, ...] | None = None
    last_use: datetime | None = None

    def allows(self, address: str | None) -> bool:
        """Tell whether a call from this address may use the key (its allowedIPs)."""
        if not self.allowed_ips:
            return True
        if address is None:
            return False
        caller = ipaddress.ip_address(address)
        if isinstance(caller, ipaddress.IPv6Address) and caller.ipv4_mapped is not None:
            caller = caller.ipv4_mapped
        return any(
            caller in ipaddress.ip_network(block, strict=False) for block in self.allowed_ips
        )

    def status_at(self, now: datetime) -> CredentialStatus:
        """Return the state, a validated key past its expiration being expired."""
        if (
            self.status is CredentialStatus.VALIDATED
            and self.expiration is not None
            and now >= self.expiration
        ):
            return CredentialStatus.EXPIRED
        return self.status


class ApiError(Exception):
    """An error answer: its HTTP status and JSON body."""

    def __init__(self, status: int, body: Mapping[str, str]) -> None:
        """Keep the status and the body."""
        super().__init__(body["message"])
        self.status = status
        self.body = dict(body)


def auth_error(status: int, code: str, message: str) -> ApiError:
    """Build an authentication error as OVH writes them: errorCode, httpCode, message."""
    phrase = HTTPStatus(status).phrase
    return ApiError(
        status, {"errorCode": code, "httpCode": f"{status} {phrase}", "message": message}
    )


def api_error(status: int, message: str) -> ApiError:
    """Build any other error as OVH writes them: class (Client::NotFound...), message."""
    side = "Server" if status >= _HTTP_SERVER_ERROR else "Client"
    return ApiError(
        status,
        {"class": f"{side}::{HTTPStatus(status).phrase.replace(' ', '')}", "message": message},
    )


INVALID_KEY: Final = (403, "INVALID_KEY", "This application key is invalid")
NOT_CREDENTIAL: Final = (403, "NOT_CREDENTIAL", "This credential does not exist")
INVALID_CREDENTIAL: Final = (403, "INVALID_CREDENTIAL", "This credential is not valid")
NOT_GRANTED_CALL: Final = (403, "NOT_GRANTED_CALL", "This call has not been granted")
INVALID_SIGNATURE: Final = (400, "INVALID_SIGNATURE", "Invalid signature")
# Assumption: the code node-ovh's types list for an out-of-time query.
QUERY_TIME_OUT: Final = (400, "QUERY_TIME_OUT", "Query out of time")
# Assumption: the answer to a signed call without X-Ovh-Consumer.
NOT_LOGGED_IN: Final = "You must login first"


def sign(  # noqa: PLR0917 - the order of OVH's signed string
    application_secret: str,
    consumer_key: str,
    method: str,
    url: str,
    body: bytes,
    timestamp: str,
) -> str:
    """Return OVH's signature: "$1$" + SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP (joined by +)."""
    parts = (application_secret, consumer_key, method.upper(), url)
    signed = b"+".join((*(part.encode() for part in parts), body, timestamp.encode()))
    return "$1$" + hashlib.sha1(signed).hexdigest()  # noqa: S324 - OVH's protocol


def sender_type(name: str) -> str:
    """Say what OVH would call the sender: numeric (a number), shortcode or alpha."""
    digits = name.removeprefix("+")
    if digits and all(char in string.digits for char in digits):
        return "shortcode" if len(digits) <= _SHORTCODE_DIGITS else "numeric"
    return "alpha"


def ovh_datetime(moment: datetime) -> str:
    """Write a time as the API does (assumption: ISO 8601 with its offset, here UTC)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def aware(moment: datetime) -> datetime:
    """http2sms's deferred time has no zone: it is the simulator's local time."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _international(number: str) -> str:
    return "+" + number.removeprefix("+").removeprefix("00")


def _shown(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _new_key() -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(_KEY_LENGTH))


@dataclass(frozen=True, slots=True)
class Job:
    """One SMS to one receiver, as /jobs and /outgoing show it."""

    id: int
    sms: SentSms
    receiver: str


@dataclass
class OvhApiSimulator:
    """The OVHcloud API of the simulated account: applications, consumer keys, /sms.

    The application (application_key, application_secret) and one consumer key,
    validated with DEFAULT_RULES, exist from the start. time_skew (seconds) sets
    the server's clock ahead of (or behind) the real one; jobs_failure (a 5xx)
    makes POST /jobs fail without sending; rate_limit (signed calls a minute per
    consumer key) answers 429 beyond it. clock is the real clock, for tests.
    deliver_after (seconds, None: off) makes every SMS sent accepted by the
    operator at once and delivered that long after it left. callback_url (the
    account's callBack) receives each delivery report; reply_url (smsResponse's
    cgiUrl, when response_type is "cgi") each reply. tick is how often, while the
    application runs, the automatic progression is moved along.
    """

    application_key: str = DEFAULT_APPLICATION_KEY
    application_secret: str = field(default=DEFAULT_APPLICATION_SECRET, repr=False)
    consumer_key: str = field(default=DEFAULT_CONSUMER_KEY, repr=False)
    time_skew: int = 0
    jobs_failure: int | None = None
    rate_limit: int | None = None
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    deliver_after: float | None = None
    callback_url: str = ""
    reply_url: str = ""
    response_type: str = "cgi"
    description: str = ""
    stop_callback_url: str = ""
    tick: float = field(default=TICK, repr=False)
    applications: dict[str, Application] = field(default_factory=dict, repr=False)
    credentials: dict[str, Credential] = field(default_factory=dict, repr=False)
    deliveries: dict[int, Delivery] = field(default_factory=dict, repr=False)
    cancelled: set[int] = field(default_factory=set, repr=False)
    deleted_outgoing: set[int] = field(default_factory=set, repr=False)
    incoming: dict[int, Incoming] = field(default_factory=dict, repr=False)
    pusher: Pusher = field(default_factory=Pusher, repr=False, compare=False)
    account: Http2SmsSimulator = field(init=False, repr=False, compare=False)
    _calls: dict[str, list[float]] = field(default_factory=dict, init=False, repr=False)
    _queries: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        """Check the push URLs; create the application and its pre-validated consumer key."""
        check_url("callBack", self.callback_url)
        check_url("cgiUrl", self.reply_url)
        self.add_application(self.application_key, self.application_secret, name="simulator")
        credential = self.add_credential(
            self.application_key, DEFAULT_RULES, consumer_key=self.consumer_key
        )
        credential.status = CredentialStatus.VALIDATED

    # The server's clock and the keys.

    def server_time(self) -> int:
        """Return GET /auth/time: the Unix time on the server's clock."""
        return int(self.clock()) + self.time_skew

    def now(self) -> datetime:
        """Return the server's clock as a datetime."""
        return datetime.fromtimestamp(self.clock() + self.time_skew, UTC)

    def add_application(self, key: str, secret: str, *, name: str = "") -> Application:
        """Declare an application (its key and secret)."""
        application = Application(
            key, secret, _FIRST_APPLICATION_ID + len(self.applications), name or key
        )
        self.applications[key] = application
        return application

    def add_credential(
        self,
        application_key: str,
        rules: Sequence[AccessRule],
        *,
        consumer_key: str | None = None,
        redirection: str | None = None,
        allowed_ips: Sequence[str] | None = None,
    ) -> Credential:
        """Create a pending consumer key of the application, as POST /auth/credential does."""
        credential = Credential(
            consumer_key=consumer_key or _new_key(),
            application_key=application_key,
            rules=tuple(rules),
            credential_id=_FIRST_CREDENTIAL_ID + len(self.credentials),
            token=_new_key(),
            created=self.now(),
            redirection=redirection,
            allowed_ips=None if allowed_ips is None else tuple(allowed_ips),
        )
        self.credentials[credential.consumer_key] = credential
        return credential

    def validate(self, consumer_key: str, validity: int = 0) -> Credential:
        """Validate a pending key, for validity seconds (0: unlimited); ValueError otherwise."""
        credential = self._pending(consumer_key)
        credential.status = CredentialStatus.VALIDATED
        if validity:
            credential.expiration = self.now() + timedelta(seconds=validity)
        _LOGGER.info("Consumer key %d validated", credential.credential_id)
        return credential

    def refuse(self, consumer_key: str) -> Credential:
        """Refuse a pending key (ValueError if it is not pending)."""
        credential = self._pending(consumer_key)
        credential.status = CredentialStatus.REFUSED
        _LOGGER.info("Consumer key %d refused", credential.credential_id)
        return credential

    def revoke(self, consumer_key: str) -> Credential:
        """Revoke a key: it expires now, and signed calls answer INVALID_CREDENTIAL."""
        credential = self.credentials[consumer_key]
        credential.status = CredentialStatus.EXPIRED
        credential.expiration = self.now()
        _LOGGER.info("Consumer key %d revoked", credential.credential_id)
        return credential

    def _pending(self, consumer_key: str) -> Credential:
        credential = self.credentials[consumer_key]
        if credential.status_at(self.now()) is not CredentialStatus.PENDING:
            raise ValueError(f"This consumer key is {credential.status_at(self.now())}")
        return credential

    def credential_for_token(self, token: str) -> Credential | None:
        """Find the key a validation URL's credentialToken names."""
        return next((c for c in self.credentials.values() if c.token == token), None)

    # The jobs and outgoing SMS, read from the account's SMS.

    def jobs(self, *, include_cancelled: bool = False) -> Iterator[Job]:
        """Yield one record per receiver of every SMS of the account, oldest first."""
        for sms in self.account.sent:
            for sms_id, receiver in zip(sms.sms_ids, sms.recipients, strict=True):
                if include_cancelled or int(sms_id) not in self.cancelled:
                    yield Job(int(sms_id), sms, _international(receiver))

    def pending(self, job: Job, now: datetime) -> bool:
        """Tell whether the SMS waits for its deferred time (a job) or left (outgoing)."""
        return job.sms.deferred is not None and aware(job.sms.deferred) > now

    def sent_at(self, job: Job) -> datetime:
        """Return when the SMS left: its deferred time, or when it was received."""
        return aware(job.sms.deferred) if job.sms.deferred is not None else job.sms.received_at

    def outgoing(self, sms_id: int) -> Job:
        """Return a sent SMS (not pending, not cancelled); ValueError otherwise."""
        now = self.now()
        for job in self.jobs():
            if job.id == sms_id and not self.pending(job, now):
                return job
        raise ValueError(f"No SMS {sms_id} has been sent")

    def set_delivery(self, sms_id: int, state: str) -> Delivery:
        """Report a sent SMS accepted, delivered, failed or expired (DELIVERY_STATES).

        ValueError for another state or an SMS not sent. The state may change again
        (OVH's would not after a final one): each change is pushed.
        """
        if state not in DELIVERY_STATES:
            raise ValueError(f"{state!r} is not one of {', '.join(DELIVERY_STATES)}")
        return self._deliver(self.outgoing(sms_id), state, self.now())

    def _deliver(self, job: Job, state: str, at: datetime) -> Delivery:
        delivery = Delivery(state, *DELIVERY_STATES[state], at)
        self.deliveries[job.id] = delivery
        _LOGGER.info("SMS %d: %s (ptt %d)", job.id, state, delivery.ptt)
        if self.callback_url:
            self.pusher.push(
                "delivery report",
                self.callback_url,
                {
                    "id": str(job.id),
                    "ptt": str(delivery.ptt),
                    "date": ovh_datetime(at),
                    "description": delivery.description,
                    "descriptionDlr": DLR_DESCRIPTIONS[delivery.receipt],
                    "receiver": job.receiver,
                },
                self.now(),
            )
        return delivery

    def progress(self) -> None:
        """Move the SMS sent along the automatic progression, if deliver_after is set.

        An SMS without a report is accepted when it leaves, and an accepted one
        delivered deliver_after seconds later, on the server's clock: what the
        page or set_delivery set otherwise stays.
        """
        if self.deliver_after is None:
            return
        now = self.now()
        after = timedelta(seconds=self.deliver_after)
        for job in list(self.jobs()):
            if self.pending(job, now):
                continue
            sent_at = self.sent_at(job)
            delivery = self.deliveries.get(job.id) or self._deliver(job, ACCEPTED, sent_at)
            if delivery.state == ACCEPTED and now >= sent_at + after:
                self._deliver(job, DELIVERED, sent_at + after)

    def reply(self, sms_id: int, message: str) -> Incoming:
        """Answer a sent SMS from its receiver's phone: an incoming SMS, charged.

        ValueError when OVH would not receive it: an SMS not sent, not sent from
        the short number (senderForResponse), sent more than 48 hours ago, an
        empty message, or a credit too low to pay for it.
        """
        job = self.outgoing(sms_id)
        now = self.now()
        if job.sms.sender:
            raise ValueError(
                f"SMS {sms_id} was sent from {job.sms.sender}: replies reach only the SMS "
                "sent from the short number (senderForResponse)"
            )
        if now - self.sent_at(job) > REPLY_WINDOW:
            raise ValueError(f"SMS {sms_id} left more than 48 hours ago: no reply reaches it")
        if not message.strip():
            raise ValueError("A reply needs a message")
        if self.account.credits < REPLY_CREDITS:
            raise ValueError("Not enough credits to receive a reply")
        self.account.credits -= REPLY_CREDITS
        incoming = Incoming(
            id=FIRST_INCOMING_ID + len(self.incoming),
            created=now,
            sender=job.receiver,
            message=message,
            tag=job.sms.tag or "",
            credits=REPLY_CREDITS,
            answered=job.id,
        )
        self.incoming[incoming.id] = incoming
        _LOGGER.info("Reply %d from %s to SMS %d: %r", incoming.id, job.receiver, job.id, message)
        if self.response_type == "cgi" and self.reply_url:
            self.pusher.push(
                "reply",
                self.reply_url,
                {
                    "shortcode": SHORT_NUMBER,
                    "tag": incoming.tag,
                    "id": str(incoming.id),
                    "senderid": incoming.sender,
                    "message": message,
                },
                now,
            )
        return incoming

    def set_push(self, callback_url: str, reply_url: str) -> None:
        """Set the account's callBack and its replies' cgiUrl ("": none); ValueError if not URLs."""
        self.callback_url = check_url("callBack", callback_url)
        self.reply_url = check_url("cgiUrl", reply_url)
        if reply_url:
            self.response_type = "cgi"
        _LOGGER.info("Push of reports to %r, of replies to %r", callback_url, reply_url)

    def _job(self, job_id: str, now: datetime, *, pending: bool) -> Job:
        if not job_id.isdecimal():
            raise api_error(400, f"[id] Given data ({job_id}) is not valid for type long")
        for job in self.jobs():
            if (
                job.id == int(job_id)
                and self.pending(job, now) == pending
                and job.id not in self.deleted_outgoing
            ):
                return job
        raise api_error(404, f"The requested object (id = {job_id}) does not exist")

    # HTTP.

    def add_routes(self, app: web.Application) -> None:
        """Serve the API under /1.0 and the consumer keys' validation page; push while serving."""
        app.router.add_route("*", API_PATH + "/{tail:.*}", self._endpoint)
        app.router.add_get("/auth/validate", self._validation_page)
        app.router.add_post("/auth/validate", self._validation_answer)
        app.cleanup_ctx.append(self._serve)

    async def _serve(self, _app: web.Application) -> AsyncIterator[None]:
        """Own the pushes' HTTP session and move the SMS along while the application runs."""
        self.pusher.start()
        ticker = asyncio.get_running_loop().create_task(self._tick())
        yield
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)
        await self.pusher.stop()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            self.progress()

    async def _endpoint(self, request: web.Request) -> web.Response:
        if self.account.answer_delay > 0:
            await sleep(self.account.answer_delay)
        self._queries += 1
        self.progress()
        try:
            status, data = 200, await self._answer(request)
        except ApiError as error:
            _LOGGER.info(
                "API %s %s refused (%d): %s",
                request.method,
                request.raw_path,
                error.status,
                error.body["message"],
            )
            status, data = error.status, error.body
        return web.Response(
            status=status,
            text=json.dumps(data, ensure_ascii=False),
            content_type="application/json",
            charset="utf-8",
            headers={"X-OVH-QUERYID": f"SIM.ext-1.{self._queries}"},
        )

    async def _answer(self, request: web.Request) -> object:
        raw_path = request.raw_path.partition("?")[0].removeprefix(API_PATH)
        segments = [unquote(part) for part in raw_path.split("/")[1:]]
        path = "/" + "/".join(segments)
        body = await request.read()
        if (request.method, path) == ("GET", "/auth/time"):
            return self.server_time()
        if (request.method, path) == ("POST", "/auth/credential"):
            return self._request_credential(request, body)
        credential = self._authenticate(request, body)
        now = self.now()
        if (request.method, path) == ("GET", "/auth/currentCredential"):
            return self._current_credential(credential, now)
        if credential.status_at(now) is not CredentialStatus.VALIDATED:
            raise auth_error(*INVALID_CREDENTIAL)
        if not any(rule.allows(request.method, path) for rule in credential.rules):
            raise auth_error(*NOT_GRANTED_CALL)
        return self._granted(request.method, segments, request.query, body, now)

    def _granted(
        self,
        method: str,
        segments: Sequence[str],
        query: Mapping[str, str],
        body: bytes,
        now: datetime,
    ) -> object:
        """Answer a call the key may make: the /sms routes."""
        match segments:
            case ["sms"] if method == "GET":
                return [self.account.account]
            case ["sms", "ptts"] if method == "GET":
                return _ptt(query)
            case ["sms", "estimate"] if method == "POST":
                return _estimate(body)
            case ["sms", service, *rest]:
                if service != self.account.account:
                    raise api_error(404, "This service does not exist")
                return self._sms(method, rest, query, body, now)
        raise api_error(404, INVALID_URL)

    def _authenticate(self, request: web.Request, body: bytes) -> Credential:
        """Check the keys, the timestamp and the signature of a signed call."""
        application = self.applications.get(request.headers.get("X-Ovh-Application", ""))
        if application is None:
            raise auth_error(*INVALID_KEY)
        consumer_key = request.headers.get("X-Ovh-Consumer", "")
        if not consumer_key:
            raise api_error(401, NOT_LOGGED_IN)
        credential = self.credentials.get(consumer_key)
        if credential is None or credential.application_key != application.key:
            raise auth_error(*NOT_CREDENTIAL)
        timestamp = request.headers.get("X-Ovh-Timestamp", "")
        if (
            re.fullmatch("[0-9]{1,12}", timestamp) is None
            or abs(int(timestamp) - self.server_time()) > MAX_CLOCK_DRIFT
        ):
            raise auth_error(*QUERY_TIME_OUT)
        received = request.headers.get("X-Ovh-Signature", "").encode()
        if not any(
            hmac.compare_digest(
                sign(
                    application.secret, consumer_key, request.method, url, body, timestamp
                ).encode(),
                received,
            )
            for url in _signed_urls(request)
        ):
            raise auth_error(*INVALID_SIGNATURE)
        if not credential.allows(request.remote):
            raise auth_error(*INVALID_CREDENTIAL)
        self._count_call(consumer_key)
        credential.last_use = self.now()
        return credential

    def _count_call(self, consumer_key: str) -> None:
        now = self.clock()
        calls = [at for at in self._calls.get(consumer_key, []) if now - at < _RATE_WINDOW]
        if self.rate_limit is not None and len(calls) >= self.rate_limit:
            self._calls[consumer_key] = calls
            raise api_error(429, "Too many requests, retry later")
        self._calls[consumer_key] = [*calls, now]

    def _request_credential(self, request: web.Request, body: bytes) -> dict[str, str]:
        if request.headers.get("X-Ovh-Application", "") not in self.applications:
            raise auth_error(*INVALID_KEY)
        fields = _json_object(body)
        _refuse_unknown(fields, _CREDENTIAL_PARAMETERS)
        rules = fields.get("accessRules")
        if not isinstance(rules, list) or not rules:
            raise api_error(400, "[accessRules] At least one access rule is mandatory")
        redirection = fields.get("redirection")
        if redirection is not None and not isinstance(redirection, str):
            raise api_error(400, f"[redirection] Given data ({_shown(redirection)}) is not valid")
        allowed_ips = fields.get("allowedIPs")
        if allowed_ips is not None and not _ip_blocks(allowed_ips):
            raise api_error(400, f"[allowedIPs] Given data ({_shown(allowed_ips)}) is not valid")
        credential = self.add_credential(
            request.headers["X-Ovh-Application"],
            [_access_rule(rule) for rule in rules],
            redirection=redirection or None,
            allowed_ips=allowed_ips,
        )
        _LOGGER.info("Consumer key %d requested, pending validation", credential.credential_id)
        return {
            "consumerKey": credential.consumer_key,
            "state": CredentialStatus.PENDING.value,
            "validationUrl": (
                f"{request.scheme}://{request.host}/auth/validate?credentialToken={credential.token}"
            ),
        }

    def _current_credential(self, credential: Credential, now: datetime) -> dict[str, object]:
        application = self.applications[credential.application_key]
        return {
            "allowedIPs": None if credential.allowed_ips is None else list(credential.allowed_ips),
            "applicationId": application.application_id,
            "creation": ovh_datetime(credential.created),
            "credentialId": credential.credential_id,
            "expiration": None
            if credential.expiration is None
            else ovh_datetime(credential.expiration),
            "lastUse": None if credential.last_use is None else ovh_datetime(credential.last_use),
            "ovhSupport": False,
            "rules": [{"method": rule.method, "path": rule.path} for rule in credential.rules],
            "status": credential.status_at(now).value,
        }

    def _sms(  # noqa: PLR0911 - one answer per route
        self,
        method: str,
        route: Sequence[str],
        query: Mapping[str, str],
        body: bytes,
        now: datetime,
    ) -> object:
        match method, route:
            case "GET", []:
                return self._service()
            case "PUT", []:
                self._set_service(body)
                return None
            case _, ["incoming", *_]:
                return self._incoming_route(method, route, query, now)
            case _, ["jobs", *_]:
                return self._jobs_route(method, route, body, now)
            case "GET", ["senders"]:
                return list(self.account.senders)
            case "GET", ["senders", name]:
                return self._sender(name)
            case "GET", ["outgoing"]:
                return self._outgoing_ids(query, now)
            case "GET", ["outgoing", sms_id]:
                return self._outgoing_fields(self._job(sms_id, now, pending=False))
            case "DELETE", ["outgoing", sms_id]:
                job = self._job(sms_id, now, pending=False)
                self.deleted_outgoing.add(job.id)
                _LOGGER.info("SMS %d deleted from the outgoing history", job.id)
                return None
        raise api_error(404, INVALID_URL)

    def _jobs_route(self, method: str, route: Sequence[str], body: bytes, now: datetime) -> object:
        match method, route:
            case "GET", ["jobs"]:
                return [job.id for job in self.jobs() if self.pending(job, now)]
            case "POST", ["jobs"]:
                return self._send(body, now)
            case "GET", ["jobs", job_id]:
                return self._job_fields(self._job(job_id, now, pending=True), now)
            case "DELETE", ["jobs", job_id]:
                self._cancel(self._job(job_id, now, pending=True))
                return None
        raise api_error(404, INVALID_URL)

    def _service(self) -> dict[str, object]:
        account = self.account
        return {
            "name": account.account,
            "description": self.description,
            "status": "enable",
            "creditsLeft": _number(account.credits),
            "creditsHoldByQuota": 0,
            "userQuantityWithQuota": 0,
            "callBack": self.callback_url,
            "stopCallBack": self.stop_callback_url,
            "smsResponse": {"responseType": self.response_type, "cgiUrl": self.reply_url},
        }

    def _set_service(self, body: bytes) -> None:
        """PUT /sms/{s}: check every field given, then set them all."""
        fields = _json_object(body)
        for name in fields:
            if name in _ACCOUNT_NOT_SIMULATED:
                raise api_error(400, f"{name} is not simulated")
        _refuse_unknown(fields, _ACCOUNT_FIELDS | _ACCOUNT_READ_ONLY)
        texts: dict[str, str] = {
            name: _text_or_null(name, fields[name])
            for name in ("description", "callBack", "stopCallBack")
            if name in fields
        }
        try:
            for name in ("callBack", "stopCallBack"):
                check_url(name, texts.get(name, ""))
        except ValueError as error:
            raise api_error(400, str(error)) from None
        response = _sms_response(fields["smsResponse"]) if "smsResponse" in fields else None
        self.description = texts.get("description", self.description)
        self.callback_url = texts.get("callBack", self.callback_url)
        self.stop_callback_url = texts.get("stopCallBack", self.stop_callback_url)
        if response is not None:
            self.response_type, self.reply_url = response
        _LOGGER.info(
            "Account set: callBack %r, smsResponse %s %r",
            self.callback_url,
            self.response_type,
            self.reply_url,
        )

    def _incoming_route(
        self, method: str, route: Sequence[str], query: Mapping[str, str], now: datetime
    ) -> object:
        match method, route:
            case "GET", ["incoming"]:
                _refuse_unknown(query, _INCOMING_FILTERS, what="query parameter")
                checks = [_filter(name, value) for name, value in query.items()]
                return [
                    incoming.id
                    for incoming in self.incoming.values()
                    if not incoming.deleted
                    and all(check(_incoming_fields(incoming)) for check in checks)
                ]
            case "GET", ["incoming", incoming_id]:
                return _incoming_fields(self._incoming(incoming_id))
            case "DELETE", ["incoming", incoming_id]:
                incoming = self._incoming(incoming_id)
                incoming.deleted = True
                _LOGGER.info("Reply %d deleted", incoming.id)
                return None
        raise api_error(404, INVALID_URL)

    def _incoming(self, incoming_id: str) -> Incoming:
        if not incoming_id.isdecimal():
            raise api_error(400, f"[id] Given data ({incoming_id}) is not valid for type long")
        incoming = self.incoming.get(int(incoming_id))
        if incoming is None or incoming.deleted:
            raise api_error(404, f"The requested object (id = {incoming_id}) does not exist")
        return incoming

    def _sender(self, name: str) -> dict[str, str]:
        status = self.account.sender_status_of(name)
        if status is None:
            raise api_error(404, f"The requested object (sender = {name}) does not exist")
        return {
            "sender": name,
            "status": status,
            "type": sender_type(name),
            "comment": "",
            "description": "",
        }

    def _send(self, body: bytes, now: datetime) -> dict[str, object]:
        if self.jobs_failure is not None:
            raise api_error(self.jobs_failure, HTTPStatus(self.jobs_failure).phrase)
        fields = _check_job(_json_object(body))
        sender = self._check_sender(fields)
        text: str = fields["message"]
        coding = coding_for(text)
        segments = count_parts(text, coding, stop_mention=not fields.get("noStopClause", False))
        if segments > MAX_PARTS:
            raise api_error(400, f"Message too long: {segments} SMS, at most {MAX_PARTS}")
        receivers: list[str] = fields["receivers"]
        valid = [_international(number) for number in receivers if _NUMBER.fullmatch(number)]
        invalid = [number for number in receivers if not _NUMBER.fullmatch(number)]
        tag: str = fields.get("tag", "")
        answer: dict[str, Any] = {
            "ids": [],
            "validReceivers": valid,
            "invalidReceivers": invalid,
            "totalCreditsRemoved": 0,
            "tag": tag,
        }
        if valid:
            sms = self._record(fields, sender, valid, (coding, segments), now)
            answer["ids"] = [int(sms_id) for sms_id in sms.sms_ids]
            answer["totalCreditsRemoved"] = _number(sms.credits_used)
        answer["creditsLeft"] = _number(self.account.credits)
        return answer

    def _check_sender(self, fields: Mapping[str, Any]) -> str:
        sender: str = fields.get("sender", "")
        for_response = fields.get("senderForResponse", False)
        if sender and for_response:
            raise api_error(400, "Give either a sender or senderForResponse, not both")
        if not sender and not for_response:
            raise api_error(400, "A sender is mandatory, unless senderForResponse is true")
        if not sender:
            return ""
        status = self.account.sender_status_of(sender)
        if status is None:
            raise api_error(400, f"Sms sender {sender} does not exists. Please create it first")
        if status != "enable":
            raise api_error(400, f"Sms sender {sender} is not enabled (status {status})")
        return sender

    def _record(
        self,
        fields: Mapping[str, Any],
        sender: str,
        receivers: list[str],
        parts: tuple[SmsCoding, int],
        now: datetime,
    ) -> SentSms:
        """Charge and record a checked job for its valid receivers."""
        coding, segments = parts
        cost = self.account.cost(len(receivers), segments)
        if cost > self.account.credits:
            raise api_error(
                400,
                f"Not enough credits: this job needs {_number(cost)}, "
                f"{_number(self.account.credits)} left",
            )
        differed: int = fields.get("differedPeriod", 0)
        return self.account.record(
            via="api",
            sender=sender,
            recipients=tuple(receivers),
            message=fields["message"],
            coding=coding,
            segments=segments,
            no_stop=fields.get("noStopClause", False),
            sms_class=_CLASS_DIGITS.get(fields.get("class", "")),
            deferred=now + timedelta(minutes=differed) if differed else None,
            tag=fields.get("tag") or None,
            now=now,
        )

    def _cancel(self, job: Job) -> None:
        refund = job.sms.credits_used / len(job.sms.recipients)
        self.cancelled.add(job.id)
        self.account.credits += refund
        _LOGGER.info("Job %d cancelled, %s credit(s) back", job.id, _number(refund))

    def _job_fields(self, job: Job, now: datetime) -> dict[str, object]:
        sms = job.sms
        deferred = aware(sms.deferred) if sms.deferred is not None else now
        return {
            "id": job.id,
            "creationDatetime": ovh_datetime(sms.received_at),
            "message": sms.message,
            "messageLength": len(sms.message),
            "sender": sms.sender,
            "receiver": job.receiver,
            "numberOfSms": sms.segments,
            "credits": _number(sms.credits_used / len(sms.recipients)),
            "differedDelivery": max(0, int((deferred - sms.received_at) / timedelta(minutes=1))),
            "deliveryReceipt": 0,
            "ptt": PTT_BEFORE_REPORT,
            "sentAt": None,
            "deliveredAt": None,
        }

    def _outgoing_fields(self, job: Job) -> dict[str, object]:
        sms = job.sms
        delivery = self.deliveries.get(job.id)
        sent_at = self.sent_at(job)
        fields = self._job_fields(job, sent_at)
        fields |= {
            "batchID": None,
            "messageID": None,
            "tag": sms.tag or "",
            "sentAt": ovh_datetime(sent_at),
            "deliveryReceipt": 0 if delivery is None else delivery.receipt,
            "ptt": PTT_BEFORE_REPORT if delivery is None else delivery.ptt,
            "deliveredAt": None
            if delivery is None or delivery.receipt != 1
            else ovh_datetime(delivery.at),
        }
        return fields

    def _outgoing_ids(self, query: Mapping[str, str], now: datetime) -> list[int]:
        _refuse_unknown(query, _OUTGOING_FILTERS, what="query parameter")
        checks = [_filter(name, value) for name, value in query.items()]
        return [
            job.id
            for job in self.jobs()
            if not self.pending(job, now)
            and job.id not in self.deleted_outgoing
            and all(check(self._outgoing_fields(job)) for check in checks)
        ]

    # The validation page, where the user validates or refuses a consumer key.

    async def _validation_page(self, request: web.Request) -> web.Response:
        credential = self.credential_for_token(request.query.get("credentialToken", ""))
        if credential is None:
            return _html_page(
                "Unknown credential token", "<p>No consumer key has this token.</p>", 404
            )
        return _html_page("Validate a consumer key", self._validation_form(credential))

    def _validation_form(self, credential: Credential) -> str:
        application = self.applications[credential.application_key]
        rules = "".join(f"<li>{html.escape(str(rule))}</li>" for rule in credential.rules)
        status = credential.status_at(self.now())
        head = (
            f"<p>Application <b>{html.escape(application.name)}</b> asks for these rights "
            f"on account <b>{html.escape(self.account.account)}</b>:</p><ul>{rules}</ul>"
            f"<p>Consumer key {credential.credential_id}: <b id=status>{status}</b></p>"
        )
        if status is not CredentialStatus.PENDING:
            return head
        validities = "".join(
            f"<option value={seconds}>{html.escape(label)}</option>"
            for label, seconds in VALIDITIES.items()
        )
        return (
            f"{head}<form method=post action=/auth/validate>"
            f"<input type=hidden name=credentialToken value={html.escape(credential.token)}>"
            f"Validity <select name=validity>{validities}</select> "
            "<button name=action value=validate>Validate</button> "
            "<button name=action value=refuse>Refuse</button></form>"
        )

    async def _validation_answer(self, request: web.Request) -> web.Response:
        form = await request.post()
        credential = self.credential_for_token(str(form.get("credentialToken", "")))
        if credential is None:
            raise web.HTTPNotFound(text="No consumer key has this token.")
        action = str(form.get("action", ""))
        validity = str(form.get("validity", "0"))
        if action not in {"validate", "refuse"} or not validity.isdecimal():
            raise web.HTTPBadRequest(text="Validate or refuse, for a number of seconds.")
        try:
            if action == "validate":
                self.validate(credential.consumer_key, int(validity))
            else:
                self.refuse(credential.consumer_key)
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        raise web.HTTPSeeOther(credential.redirection or "/")


def _signed_urls(request: web.Request) -> list[str]:
    """Return the URLs a client may sign: as received, and without the Host header's port.

    OVH is on port 443, so node-ovh signs https://host/path whatever port it calls.
    """
    host, colon, port = request.host.rpartition(":")
    hosts = [request.host, host] if colon and port.isdecimal() else [request.host]
    return [f"{request.scheme}://{name}{request.raw_path}" for name in hosts]


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode())
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise api_error(400, NOT_JSON)
    return data


def _refuse_unknown(
    fields: Mapping[str, object], known: frozenset[str], *, what: str = "body parameter"
) -> None:
    for name in fields:
        if name not in known:
            raise api_error(400, f"Unknown {what} {name}")


def _ip_blocks(value: object) -> bool:
    """Tell whether allowedIPs is a list of CIDR blocks (a bare address is its own block)."""
    if not isinstance(value, list) or not all(isinstance(block, str) for block in value):
        return False
    try:
        for block in value:
            ipaddress.ip_network(block, strict=False)
    except ValueError:
        return False
    return True


def _access_rule(rule: object) -> AccessRule:
    if (
        not isinstance(rule, dict)
        or set(rule) != {"method", "path"}
        or rule["method"] not in _METHODS
        or not isinstance(rule["path"], str)
        or not rule["path"].startswith("/")
    ):
        raise api_error(400, f"[accessRules] Given data ({_shown(rule)}) is not a valid rule")
    return AccessRule(rule["method"], rule["path"])


def _check_type(name: str, value: object, type_name: str) -> None:
    if type_name in _ENUMS:
        if value not in _ENUMS[type_name]:
            given = f"[{name}] Given data ({_shown(value)})"
            raise api_error(400, f"{given} does not belong to the {type_name} enumeration")
        return
    valid = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "long": isinstance(value, int) and not isinstance(value, bool),
        "string[]": isinstance(value, list) and all(isinstance(item, str) for item in value),
    }[type_name]
    if not valid:
        raise api_error(
            400, f"[{name}] Given data ({_shown(value)}) is not valid for type {type_name}"
        )


def _given(
    fields: Mapping[str, Any],
    parameters: Mapping[str, str],
    not_simulated: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Check a body's parameters against their types; return those given (null: left out)."""
    _refuse_unknown(fields, frozenset(parameters) | not_simulated)
    given = {name: value for name, value in fields.items() if value is not None}
    for name, value in given.items():
        if name in not_simulated:
            raise api_error(400, f"{name} is not simulated: give receivers")
        _check_type(name, value, parameters[name])
    return given


def _check_job(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Check the body of POST /jobs, except the sender (which needs the account)."""
    given = _given(fields, _JOB_PARAMETERS, _NOT_SIMULATED)
    _check_job_values(given)
    return given


def _estimate(body: bytes) -> dict[str, object]:
    """POST /sms/estimate: the coding, length and parts the message would be sent as."""
    fields = _given(_json_object(body), _ESTIMATE_PARAMETERS)
    for name in _ESTIMATE_PARAMETERS:
        if name not in fields:
            raise api_error(400, f"[{name}] Property is mandatory")
    text: str = fields["message"]
    coding = coding_for(text)
    stop_mention = not fields["noStopClause"]
    parts = count_parts(text, coding, stop_mention=stop_mention)
    return {
        "characters": coded_length(text, coding, stop_mention=stop_mention),
        "charactersClass": _CHARACTERS_CLASSES[coding],
        "maxCharactersPerPart": (SINGLE_SMS if parts == 1 else CONCATENATED_PART)[coding],
        "parts": parts,
    }


def _check_job_values(fields: Mapping[str, Any]) -> None:
    for name in ("message", "receivers"):
        if name not in fields:
            raise api_error(400, f"[{name}] Property is mandatory")
    if not fields["message"].strip():
        raise api_error(400, "[message] The message is empty")
    if not fields["receivers"]:
        raise api_error(400, "[receivers] At least one receiver is mandatory")
    for name in ("differedPeriod", "validityPeriod"):
        if fields.get(name, 0) < 0:
            raise api_error(400, f"[{name}] Given data ({fields[name]}) is negative")
    if len(fields.get("tag", "")) > _TAG_LENGTH:
        raise api_error(400, f"[tag] At most {_TAG_LENGTH} characters")


def _filter(name: str, value: str) -> Callable[[Mapping[str, object]], bool]:
    """Build the test of one filter of GET /outgoing on an SMS's fields."""
    if name in _LONG_FILTERS:
        if not value.isdecimal():
            raise api_error(400, f"[{name}] Given data ({value}) is not valid for type long")
        return lambda fields: fields[name] == int(value)
    if name in _UUID_FILTERS:
        try:
            wanted = str(uuid.UUID(value))
        except ValueError:
            raise api_error(
                400, f"[{name}] Given data ({value}) is not valid for type uuid"
            ) from None
        return lambda fields: fields[name] == wanted
    if name.startswith("creationDatetime."):
        try:
            bound = aware(datetime.fromisoformat(value))
        except ValueError:
            raise api_error(
                400, f"[{name}] Given data ({value}) is not valid for type datetime"
            ) from None
        if name.endswith(".from"):
            return lambda fields: _created(fields) >= bound
        return lambda fields: _created(fields) <= bound
    return lambda fields: fields[name] == value


def _text_or_null(name: str, value: object) -> str:
    """Read a string field that may be null (null: empty)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise api_error(400, f"[{name}] Given data ({_shown(value)}) is not valid for type string")
    return value


def _sms_response(value: object) -> tuple[str, str]:
    """Read PUT /sms/{s}'s smsResponse: (responseType, cgiUrl)."""
    if not isinstance(value, dict):
        raise api_error(
            400, f"[smsResponse] Given data ({_shown(value)}) is not valid for type sms.Response"
        )
    for name in value:
        if name in _RESPONSE_NOT_SIMULATED:
            raise api_error(400, f"smsResponse.{name} is not simulated")
    _refuse_unknown(value, _RESPONSE_FIELDS)
    response_type = value.get("responseType")
    if response_type is None:
        raise api_error(400, "[smsResponse.responseType] Property is mandatory")
    if response_type not in RESPONSE_TYPES:
        raise api_error(
            400,
            f"[smsResponse.responseType] Given data ({_shown(response_type)}) does not belong "
            "to the sms.ResponseTypeEnum enumeration",
        )
    cgi_url = _text_or_null("smsResponse.cgiUrl", value.get("cgiUrl"))
    try:
        check_url("smsResponse.cgiUrl", cgi_url)
    except ValueError as error:
        raise api_error(400, str(error)) from None
    return response_type, cgi_url


def _incoming_fields(incoming: Incoming) -> dict[str, object]:
    """Write an incoming SMS as GET /incoming/{id} does (sms.Incoming)."""
    return {
        "id": incoming.id,
        "creationDatetime": ovh_datetime(incoming.created),
        "sender": incoming.sender,
        "message": incoming.message,
        "tag": incoming.tag,
        "credits": _number(incoming.credits),
    }


def _ptt(query: Mapping[str, str]) -> dict[str, str]:
    """GET /sms/ptts?ptt=N: what the ptt code means."""
    _refuse_unknown(query, frozenset({"ptt"}), what="query parameter")
    if "ptt" not in query:
        raise api_error(400, "[ptt] Property is mandatory")
    value = query["ptt"]
    if not value.isdecimal():
        raise api_error(400, f"[ptt] Given data ({value}) is not valid for type long")
    if int(value) not in PTTS:
        raise api_error(404, f"The requested object (ptt = {value}) does not exist")
    return ptt_details(int(value))


def _created(fields: Mapping[str, object]) -> datetime:
    return datetime.fromisoformat(str(fields["creationDatetime"]))


def _html_page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        content_type="text/html",
        text=f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}</style></head><body>
<h1>{html.escape(title)}</h1>
{body}
</body></html>
""",
    )
