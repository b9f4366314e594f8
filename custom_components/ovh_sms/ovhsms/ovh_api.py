"""The OVHcloud API transport: an application key, its secret and a consumer key, signed calls.

Free of Home Assistant: it takes an aiohttp session, the keys and the endpoint.
Each signed call carries OVH's signature over the exact URL and body bytes
sent, timestamped on OVH's clock: GET /auth/time, then the seconds elapsed on
the monotonic clock, so a correction of the wall clock (a late time sync)
changes no timestamp. OVH's time is read again every CLOCK_MAX_AGE, and when
OVH refuses a timestamp ("Query out of time"): that refusal proves the call
did nothing, so it is made once more, a send included. Any other failure of a
send (POST /sms/{account}/jobs) is never retried, and nothing this module logs
or raises carries the application secret or the consumer key.

Beside sending: delivery reports (GET /outgoing/{id}, /jobs/{id}), replies
(GET /incoming, /incoming/{id}; DELETE /incoming/{id}) and cancelling a
pending SMS (DELETE /jobs/{id}); two_way.py reads their answers. For these
calls about one SMS or reply, a 404 means that SMS or reply
(SmsNotFoundError, ReplyNotFoundError), unless OVH's message names the
account (AccountNotFoundError).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import partial
import hashlib
import json
import logging
import time
from typing import Any, Final
from urllib.parse import quote

import aiohttp
from yarl import URL

from .batches import send_in_batches
from .endpoint import validate_endpoint
from .errors import (
    AccessDeniedError,
    AccountNotFoundError,
    ApplicationKeyError,
    ConsumerKeyError,
    InsufficientCreditError,
    InvalidEndpointError,
    InvalidParameterError,
    OutcomeUnknownError,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
    PartialSendError,
    QueryOutOfTimeError,
    RateLimitedError,
    ReplyNotFoundError,
    SenderNotFoundError,
    SmsNotFoundError,
    SmsRefusedError,
    UnreadableAnswerError,
)
from .http2sms import CONNECT_TIMEOUT, READ_TIMEOUT, REQUEST_DEADLINE
from .models import Accepted, SendResult, Sms, SmsClass, SmsCoding
from .sms import parse_credit
from .two_way import (
    DeliveryReport,
    Reply,
    reply_from_incoming,
    report_from_job,
    report_from_outgoing,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_API_ENDPOINT: Final = "https://eu.api.ovh.com/1.0"
CREATE_APP_URL: Final = "https://eu.api.ovh.com/createApp/"
# OVH documents no maximum of receivers per job: 50 keeps each request small,
# and a failure touches at most one batch.
API_BATCH_SIZE: Final = 50
# OVH's fair use is about 60 calls a minute per consumer key: 2 in flight is plenty.
API_MAX_IN_FLIGHT: Final = 2

_REDACTED = "**********"
_HTTP_REDIRECT = range(300, 400)
_HTTP_CLIENT_ERROR = 400
_HTTP_SERVER_ERROR = 500
_HTTP_BAD_REQUEST = 400
_HTTP_NOT_FOUND = 404
_HTTP_TOO_MANY_REQUESTS = 429
_MINUTE = timedelta(minutes=1)
# How long OVH's time, once read, stamps calls (monotonic seconds). An
# undisciplined crystal drifts under 0.4 s an hour, far inside OVH's tolerance
# (undocumented, minutes in practice); reading again bounds that drift and a
# suspend the monotonic clock does not count, for one unsigned call an hour
# at most.
CLOCK_MAX_AGE: Final = 3600.0
# OVH's errorCode and message for a timestamp too far from its clock.
_OUT_OF_TIME_CODE = "QUERY_TIME_OUT"
_OUT_OF_TIME_MESSAGE = "query out of time"


@dataclass(frozen=True, slots=True)
class AccessRule:
    """A right a consumer key is granted: a method on a path, where * matches anything."""

    method: str
    path: str

    def __str__(self) -> str:
        """Write the rule as OVH's pages do: POST /sms/*/jobs."""
        return f"{self.method} {self.path}"


_LIST_RULE: Final = AccessRule("GET", "/sms")
_READ_RULE: Final = AccessRule("GET", "/sms/*")
_SEND_RULE: Final = AccessRule("POST", "/sms/*/jobs")
_CANCEL_RULE: Final = AccessRule("DELETE", "/sms/*/jobs/*")
_DELETE_REPLY_RULE: Final = AccessRule("DELETE", "/sms/*/incoming/*")
# What the integration asks for: list and read the accounts, send, cancel a
# deferred SMS and delete the replies it has read.
ACCESS_RULES: Final[tuple[AccessRule, ...]] = (
    _LIST_RULE,
    _READ_RULE,
    _SEND_RULE,
    _CANCEL_RULE,
    _DELETE_REPLY_RULE,
)
# What may have happened when a request that changes something got no answer.
_SMS_MAY_BE_SENT: Final = "the SMS may have been sent"
_CANCEL_MAY_BE_DONE: Final = "the cancel may have been done"
# OVH's page that creates the three keys at once, the rights above pre-filled.
CREATE_TOKEN_URL: Final = "https://eu.api.ovh.com/createToken/?" + "&".join(
    f"{rule.method}={rule.path}" for rule in ACCESS_RULES
)


@dataclass(frozen=True, slots=True)
class ApiKeys:
    """An application's key and secret, and a consumer key; repr() shows the key only."""

    application_key: str
    application_secret: str = field(repr=False)
    consumer_key: str = field(default="", repr=False)


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


_CLASSES: Final = {
    SmsClass.FLASH: "flash",
    SmsClass.SIM: "sim",
    SmsClass.TOOLKIT: "toolkit",
}
_CODINGS: Final = {SmsCoding.GSM7: "7bit", SmsCoding.UCS2: "8bit"}


def sign(  # noqa: PLR0917 - the order of OVH's signed string
    application_secret: str,
    consumer_key: str,
    method: str,
    url: str,
    body: str,
    timestamp: int,
) -> str:
    """Return OVH's signature of a call: $1$ and the SHA-1 of its parts joined by +.

    url is the whole URL sent (query included) and body exactly the body sent,
    "" when there is none.
    """
    parts = (application_secret, consumer_key, method.upper(), url, body, str(timestamp))
    # SHA-1 is OVH's protocol, not a choice made here.
    return "$1$" + hashlib.sha1("+".join(parts).encode()).hexdigest()  # noqa: S324


def job_body(
    sms: Sms,
    recipients: Sequence[str],
    *,
    now: float,
    priority: Priority = Priority.HIGH,
) -> dict[str, Any]:
    """Build the body of POST /sms/{account}/jobs for these recipients.

    now (Unix seconds) is when the deferred delay starts: the delay is in
    whole minutes, rounded up so the SMS never leaves early; a deferred time
    already reached sends at once.
    """
    body: dict[str, Any] = {
        "message": sms.message.text,
        "receivers": list(recipients),
        "noStopClause": sms.no_stop,
        "priority": Priority(priority).value,
        "charset": "UTF-8",
    }
    if sms.sender is not None:
        body["sender"] = sms.sender
    else:
        body["senderForResponse"] = True
    if sms.deferred is not None:
        wait = sms.deferred - datetime.fromtimestamp(now, UTC)
        minutes = -(-wait // _MINUTE)
        if minutes > 0:
            body["differedPeriod"] = minutes
    if sms.tag is not None:
        body["tag"] = sms.tag
    if sms.validity_minutes is not None:
        body["validityPeriod"] = sms.validity_minutes
    if sms.sms_class is not None and sms.sms_class is not SmsClass.PHONE:
        body["class"] = _CLASSES[sms.sms_class]
    if sms.coding_forced:
        body["coding"] = _CODINGS[sms.message.coding]
    return body


def _object(data: object) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    return data


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


def _optional_text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return value if isinstance(value, str) else ""


def _strings(data: object) -> tuple[str, ...]:
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise TypeError("not a list of strings")
    return tuple(data)


def _parse_time(data: object) -> int:
    if not isinstance(data, int) or isinstance(data, bool):
        raise TypeError("not an integer")
    return data


def _parse_consumer_key(data: object) -> ConsumerKeyRequest:
    fields = _object(data)
    return ConsumerKeyRequest(
        consumer_key=_text(fields, "consumerKey"),
        validation_url=_text(fields, "validationUrl"),
        # A new key waits for validation: that is what a missing or odd state means.
        state=_credential_state(_optional_text(fields, "state")),
    )


def _credential_state(value: str) -> CredentialState:
    try:
        return CredentialState(value)
    except ValueError:
        return CredentialState.PENDING


def _parse_credential_state(data: object) -> CredentialState:
    return CredentialState(_text(_object(data), "status"))


def _parse_account(name: str, data: object) -> SmsAccountInfo:
    fields = _object(data)
    credits_left = parse_credit(fields["creditsLeft"])
    if credits_left is None:
        raise ValueError("creditsLeft is not a number")
    return SmsAccountInfo(
        name=name,
        credits_left=credits_left,
        description=_optional_text(fields, "description"),
        status=_optional_text(fields, "status"),
    )


def _parse_sender(name: str, data: object) -> Sender:
    fields = _object(data)
    return Sender(
        name=name,
        status=_text(fields, "status"),
        type=_optional_text(fields, "type"),
        comment=_optional_text(fields, "comment"),
    )


def _digits(number: str) -> str:
    """Reduce a number to its international digits: +33…, 0033… and 33… match."""
    return "".join(char for char in number if char in "0123456789").removeprefix("00")


def _ids(data: object) -> tuple[str, ...]:
    """Read a list of OVH ids (JSON numbers, maybe strings) as strings, in OVH's order."""
    if not isinstance(data, list) or not all(
        isinstance(item, (int, str)) and not isinstance(item, bool) for item in data
    ):
        raise TypeError("not a list of ids")
    return tuple(str(item) for item in data)


def _no_answer(data: object) -> None:
    """Read nothing: a DELETE's 2xx says it all, its body (OVH's void) is not read."""


def _is_id(value: str) -> bool:
    """OVH's SMS and reply ids are integers: anything else names nothing, and is never sent."""
    return value.isascii() and value.isdigit()


def _names_service(reason: str) -> bool:
    """Tell whether a 404's message is about the account, not the SMS or reply asked for.

    OVH answers "This service does not exist" or "The requested object
    (serviceName = …) does not exist" for an unknown account, and "The
    requested object (id = …) does not exist" for an unknown SMS or reply.
    """
    return "service" in reason.lower()


def _parse_job(recipients: Sequence[str], data: object) -> Accepted:
    fields = _object(data)
    ids = fields["ids"]
    if not isinstance(ids, list):
        raise TypeError("ids is not a list")
    invalid = fields.get("invalidReceivers") or []
    if not isinstance(invalid, list):
        raise TypeError("invalidReceivers is not a list")
    refused_digits = {_digits(str(number)) for number in invalid}
    refused = tuple(number for number in recipients if _digits(number) in refused_digits)
    unmatched = refused_digits - {_digits(number) for number in refused}
    if unmatched:
        _LOGGER.warning("OVH refused numbers that were not sent to it: %s", sorted(unmatched))
    return Accepted(
        sms_ids=tuple(str(sms_id) for sms_id in ids),
        credits_left=parse_credit(fields["creditsLeft"]) if "creditsLeft" in fields else None,
        credits_removed=parse_credit(fields.get("totalCreditsRemoved")),
        refused=refused,
    )


def _api_base(endpoint: str) -> str:
    """Validate the endpoint and return it as sent on the wire, without a trailing /."""
    url = URL(validate_endpoint(endpoint))
    if url.raw_query_string or url.raw_fragment:
        raise InvalidEndpointError("The API endpoint must not have a query or a fragment")
    return str(url).rstrip("/")


@dataclass(frozen=True, slots=True)
class _OvhClock:
    """OVH's time as read, and when it was read on the monotonic clock."""

    server_time: int
    read_at: float

    def now(self, monotonic: float) -> int:
        """Tell OVH's time now: the time read plus the whole seconds elapsed since."""
        return self.server_time + int(monotonic - self.read_at)


def _out_of_time(status: int, error_code: str, reason: str) -> bool:
    """Tell whether OVH refused the call's timestamp: then the call did nothing."""
    return status == _HTTP_BAD_REQUEST and (
        error_code == _OUT_OF_TIME_CODE or _OUT_OF_TIME_MESSAGE in reason.lower()
    )


def _error_for(  # noqa: PLR0911 - one return per error, in OVH's order
    status: int,
    error_code: str,
    reason: str,
    *,
    rule: str,
    account: str | None,
    job: bool,
    missing: OvhSmsError | None = None,
) -> OvhSmsError:
    """Map an HTTP 4xx of the API to its typed error: OVH's errorCode first, then the status.

    missing is the error a 404 means for a call about one SMS or reply,
    unless OVH's message is about the account.
    """
    if error_code in ("INVALID_KEY", "INVALID_SIGNATURE"):
        return ApplicationKeyError(status, reason)
    if error_code in ("INVALID_CREDENTIAL", "NOT_CREDENTIAL"):
        return ConsumerKeyError(status, reason)
    if error_code == "NOT_GRANTED_CALL":
        return AccessDeniedError(status, reason, rule)
    if status == _HTTP_NOT_FOUND and missing is not None and not _names_service(reason):
        return missing
    if status == _HTTP_NOT_FOUND and account is not None:
        return AccountNotFoundError(status, reason, account)
    if status == _HTTP_TOO_MANY_REQUESTS:
        return RateLimitedError(status, reason)
    error: type[SmsRefusedError] = SmsRefusedError
    if job and status == _HTTP_BAD_REQUEST:
        lowered = reason.lower()
        error = InvalidParameterError
        if "sender" in lowered:
            error = SenderNotFoundError
        elif "credit" in lowered:
            error = InsufficientCreditError
    return error(status, reason)


class OvhApiClient:
    """Calls the OVHcloud API for SMS with one application's keys and one consumer key."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        keys: ApiKeys,
        *,
        endpoint: str = DEFAULT_API_ENDPOINT,
        batch_size: int = API_BATCH_SIZE,
        max_in_flight: int = API_MAX_IN_FLIGHT,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        deadline: float = REQUEST_DEADLINE,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep the session, keys and endpoint; nothing is sent.

        clock (Unix seconds) counts deferred delays; monotonic counts the
        seconds since OVH's time was read.

        Raises InvalidEndpointError for an endpoint the keys must not travel
        to (see validate_endpoint), or one with a query or a fragment.
        """
        if batch_size < 1 or max_in_flight < 1:
            raise ValueError("batch_size and max_in_flight must be at least 1")
        self._session = session
        self._keys = keys
        self._endpoint = _api_base(endpoint)
        self._batch_size = batch_size
        self._max_in_flight = max_in_flight
        self._timeout = aiohttp.ClientTimeout(
            total=deadline, sock_connect=connect_timeout, sock_read=read_timeout
        )
        self._clock = clock
        self._monotonic = monotonic
        self._ovh_clock: _OvhClock | None = None
        self._time_lock = asyncio.Lock()

    @property
    def endpoint(self) -> str:
        """The API's base URL, without a trailing /."""
        return self._endpoint

    @property
    def keys(self) -> ApiKeys:
        """The keys the calls are made and signed with."""
        return self._keys

    def __repr__(self) -> str:
        """Name the application key and endpoint, never the secret or the consumer key."""
        return (
            f"OvhApiClient(application_key={self._keys.application_key!r}, "
            f"endpoint={self._endpoint!r})"
        )

    async def request_consumer_key(
        self,
        *,
        redirection: str | None = None,
        access_rules: Sequence[AccessRule] = ACCESS_RULES,
    ) -> ConsumerKeyRequest:
        """Ask OVH for a new consumer key with these rights (unsigned: no consumer key yet).

        The key works once the user opens validation_url, logs in and grants it;
        OVH then sends the browser to redirection, if given.
        """
        body: dict[str, Any] = {
            "accessRules": [{"method": rule.method, "path": rule.path} for rule in access_rules]
        }
        if redirection is not None:
            body["redirection"] = redirection
        return await self._call(
            "POST",
            ("auth", "credential"),
            _parse_consumer_key,
            rule="POST /auth/credential",
            body=body,
            signed=False,
        )

    async def credential_state(self) -> CredentialState:
        """Tell where the consumer key stands.

        Raises ConsumerKeyError when OVH refuses it (pending, expired, revoked
        or of another application). If the key may not read its own state
        (NOT_GRANTED_CALL), reading the SMS accounts tells: it is validated.
        """
        try:
            return await self._call(
                "GET",
                ("auth", "currentCredential"),
                _parse_credential_state,
                rule="GET /auth/currentCredential",
            )
        except AccessDeniedError:
            _LOGGER.debug("The consumer key may not read its state; reading the SMS accounts")
        await self.sms_accounts()
        return CredentialState.VALIDATED

    async def sms_accounts(self) -> tuple[str, ...]:
        """Return the names of the SMS accounts the keys reach, e.g. sms-ab1234-1."""
        return await self._call("GET", ("sms",), _strings, rule=str(_LIST_RULE))

    async def account(self, name: str) -> SmsAccountInfo:
        """Return an SMS account's description, status and credit left."""
        return await self._call(
            "GET", ("sms", name), partial(_parse_account, name), rule=str(_READ_RULE), account=name
        )

    async def senders(self, name: str) -> tuple[Sender, ...]:
        """Return the senders declared on an SMS account, in OVH's order, with their status."""
        names = await self._call(
            "GET", ("sms", name, "senders"), _strings, rule=str(_READ_RULE), account=name
        )
        in_flight = asyncio.Semaphore(self._max_in_flight)

        async def read(sender: str) -> Sender:
            async with in_flight:
                return await self._call(
                    "GET",
                    ("sms", name, "senders", sender),
                    partial(_parse_sender, sender),
                    rule=str(_READ_RULE),
                    account=name,
                )

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(read(sender)) for sender in names]
        except ExceptionGroup as failures:
            raise failures.exceptions[0] from None
        return tuple(task.result() for task in tasks)

    async def send(
        self,
        account: str,
        sms: Sms,
        *,
        priority: Priority = Priority.HIGH,
    ) -> SendResult:
        """Send the SMS from the account, one job per batch of recipients; never retry.

        See send_in_batches for what it returns and raises; numbers OVH
        refuses (invalidReceivers) did not get the SMS. When no answer told
        the credit left, one read of the account does; if it fails, the credit
        is unknown and the send still succeeds.
        """
        _LOGGER.debug(
            "Sending a %d-part SMS to %d recipient(s) from account %s",
            sms.segments,
            len(sms.recipients),
            account,
        )

        async def request(recipients: Sequence[str]) -> Accepted:
            body = job_body(
                sms,
                recipients,
                now=self._clock(),
                priority=priority,
            )
            return await self._call(
                "POST",
                ("sms", account, "jobs"),
                partial(_parse_job, recipients),
                rule=str(_SEND_RULE),
                body=body,
                account=account,
                sends=True,
            )

        try:
            result = await send_in_batches(
                sms, request, batch_size=self._batch_size, max_in_flight=self._max_in_flight
            )
        except PartialSendError as err:
            if err.sent.recipients and err.sent.credits_left is None:
                err.sent = replace(err.sent, credits_left=await self._credit_after_send(account))
            raise
        if result.credits_left is None:
            result = replace(result, credits_left=await self._credit_after_send(account))
        return result

    async def _credit_after_send(self, account: str) -> Decimal | None:
        """Read the credit left after SMS went out; a failure only leaves it unknown."""
        try:
            info = await self.account(account)
        except OvhSmsError as err:
            _LOGGER.debug("The credit left could not be read after the send: %s", err)
            return None
        return info.credits_left

    async def delivery(self, account: str, sms_id: str) -> DeliveryReport:
        """Return where one SMS stands: sent (GET /outgoing/{id}) or not yet (GET /jobs/{id}).

        The ids are those send() returned. OVH moves a job from /jobs to
        /outgoing when it sends it: after /outgoing then /jobs both answered
        404, /outgoing is read once more, so an SMS sent between the first two
        reads is still found. Raises SmsNotFoundError when OVH has it in
        neither (or the id is not a number: no request is then made), and
        AccountNotFoundError when OVH's 404 names the account.
        """
        if not _is_id(sms_id):
            raise SmsNotFoundError(sms_id)
        try:
            return await self._sms_read(account, sms_id, "outgoing", report_from_outgoing)
        except SmsNotFoundError:
            pass
        try:
            return await self._sms_read(account, sms_id, "jobs", report_from_job)
        except SmsNotFoundError:
            _LOGGER.debug("SMS %s is neither sent nor pending; reading it as sent again", sms_id)
        return await self._sms_read(account, sms_id, "outgoing", report_from_outgoing)

    async def _sms_read(
        self,
        account: str,
        sms_id: str,
        collection: str,
        parse: Callable[[str, object], DeliveryReport],
    ) -> DeliveryReport:
        return await self._call(
            "GET",
            ("sms", account, collection, sms_id),
            partial(parse, sms_id),
            rule=str(_READ_RULE),
            account=account,
            missing=SmsNotFoundError(sms_id),
        )

    async def deliveries(
        self, account: str, sms_ids: Sequence[str]
    ) -> dict[str, DeliveryReport | OvhSmsError]:
        """Return where each SMS stands, or the error of its read, by id in the order given.

        A few reads in flight at once (max_in_flight); an id given twice is
        read once. A failure stays with its id, never raised. Once a read
        fails in a way every read of the account would (stops_sending: keys
        refused, right missing, account unknown, rate limited), the ids not
        read yet get that same error without a request.
        """
        in_flight = asyncio.Semaphore(self._max_in_flight)
        results: dict[str, DeliveryReport | OvhSmsError] = {}
        ids = list(dict.fromkeys(sms_ids))
        stop: OvhSmsError | None = None

        async def read(sms_id: str) -> None:
            nonlocal stop
            async with in_flight:
                if stop is not None:
                    results[sms_id] = stop
                    return
                try:
                    results[sms_id] = await self.delivery(account, sms_id)
                except OvhSmsError as err:
                    results[sms_id] = err
                    if getattr(err, "stops_sending", False):
                        stop = err

        async with asyncio.TaskGroup() as group:
            for sms_id in ids:
                group.create_task(read(sms_id))
        return {sms_id: results[sms_id] for sms_id in ids}

    async def cancel(self, account: str, sms_id: str) -> None:
        """Cancel an SMS OVH has not sent yet (a deferred one): DELETE /sms/{account}/jobs/{id}.

        Raises SmsNotFoundError when OVH has no such pending job (already
        sent, already cancelled, never existed; or an id that is not a number,
        then without a request). A failure before the request left is
        OvhConnectionError: nothing was cancelled. Once it may have reached
        OVH (connection lost, HTTP 5xx), it is OutcomeUnknownError: the SMS
        may or may not be cancelled (no SMS is ever sent by a cancel);
        cancelling again tells (SmsNotFoundError: done, or sent meanwhile).
        """
        if not _is_id(sms_id):
            raise SmsNotFoundError(sms_id)
        await self._call(
            "DELETE",
            ("sms", account, "jobs", sms_id),
            _no_answer,
            rule=str(_CANCEL_RULE),
            account=account,
            missing=SmsNotFoundError(sms_id),
            outcome=_CANCEL_MAY_BE_DONE,
        )

    async def reply_ids(self, account: str) -> tuple[str, ...]:
        """Return the ids of the replies the account holds (GET /incoming), in OVH's order.

        OVH has no "unread" filter: the caller remembers what it has read, or
        deletes it (delete_reply).
        """
        return await self._call(
            "GET", ("sms", account, "incoming"), _ids, rule=str(_READ_RULE), account=account
        )

    async def reply(self, account: str, reply_id: str) -> Reply:
        """Return one reply (GET /sms/{account}/incoming/{id}).

        Raises ReplyNotFoundError when OVH has no such reply (or the id is
        not a number: no request is then made).
        """
        if not _is_id(reply_id):
            raise ReplyNotFoundError(reply_id)
        return await self._call(
            "GET",
            ("sms", account, "incoming", reply_id),
            partial(reply_from_incoming, reply_id),
            rule=str(_READ_RULE),
            account=account,
            missing=ReplyNotFoundError(reply_id),
        )

    async def delete_reply(self, account: str, reply_id: str) -> None:
        """Delete a reply read (DELETE /sms/{account}/incoming/{id}); one already gone is fine.

        Deleting again is harmless, so its failures are those of a read
        (OvhConnectionError, OvhHttpError): nothing to fear from a retry. An
        id that is not a number names no reply: nothing is sent.
        """
        if not _is_id(reply_id):
            return
        try:
            await self._call(
                "DELETE",
                ("sms", account, "incoming", reply_id),
                _no_answer,
                rule=str(_DELETE_REPLY_RULE),
                account=account,
                missing=ReplyNotFoundError(reply_id),
            )
        except ReplyNotFoundError:
            _LOGGER.debug("Reply %s was already deleted", reply_id)

    async def _read_ovh_clock(self, refused: _OvhClock | None) -> _OvhClock:
        """Return OVH's clock, read again when never read, too old, or refused.

        refused is the clock a call's timestamp was refused on: unless a
        concurrent call has already replaced it, OVH's time is read again.
        Calls in flight at once share one read.
        """
        async with self._time_lock:
            ovh_clock = self._ovh_clock
            if (
                ovh_clock is None
                or ovh_clock is refused
                or self._monotonic() - ovh_clock.read_at > CLOCK_MAX_AGE
            ):
                server_time = await self._call(
                    "GET", ("auth", "time"), _parse_time, rule="GET /auth/time", signed=False
                )
                ovh_clock = self._ovh_clock = _OvhClock(server_time, self._monotonic())
            return ovh_clock

    def _redact(self, text: str) -> str:
        for secret in (self._keys.application_secret, self._keys.consumer_key):
            if secret:
                text = text.replace(secret, _REDACTED)
        return text

    async def _call[T](
        self,
        method: str,
        path: Sequence[str],
        parse: Callable[[object], T],
        *,
        rule: str,
        body: dict[str, Any] | None = None,
        signed: bool = True,
        account: str | None = None,
        sends: bool = False,
        missing: OvhSmsError | None = None,
        outcome: str | None = None,
    ) -> T:
        """Make one call and return its parsed answer; raise the typed error of any failure.

        rule is the access rule the call needs; account, the account it is
        about (a 404 then means no such account); sends, whether it may send
        SMS (its failures after the request left are then outcome unknown);
        missing, the error a 404 means for a call about one SMS or reply
        (unless OVH's message names the account); outcome, what may have
        happened when a call that changes something (not a send) got no
        answer: its failures after the request left are then
        OutcomeUnknownError saying so. parse=_no_answer reads no body. A
        signed call whose timestamp OVH refuses did nothing: it is made once
        more, on OVH's time read anew.
        """
        call = f"{method} /{'/'.join(path)}"
        url = "/".join((self._endpoint, *(quote(part, safe="") for part in path)))
        data = None if body is None else json.dumps(body, separators=(",", ":"))
        headers = {"X-Ovh-Application": self._keys.application_key}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if sends:
            outcome = _SMS_MAY_BE_SENT
        refused: _OvhClock | None = None
        while True:
            sent_headers = headers
            if signed:
                ovh_clock = await self._read_ovh_clock(refused)
                sent_headers = headers | self._signature(method, url, data or "", ovh_clock)
            status, text = await self._exchange(
                method, url, data, sent_headers, call=call, sends=sends, outcome=outcome
            )
            if status < _HTTP_CLIENT_ERROR:
                break
            error = self._refusal(
                status, text, rule=rule, account=account, job=sends, missing=missing
            )
            if not signed or refused is not None or not isinstance(error, QueryOutOfTimeError):
                raise error
            # The timestamp was refused, so nothing was done: once more on OVH's time read anew.
            _LOGGER.debug("%s: OVH refused the timestamp; reading OVH's time again", call)
            refused = ovh_clock
        if parse is _no_answer:
            return parse(None)
        try:
            return parse(json.loads(text, parse_float=Decimal))
        except (KeyError, TypeError, ValueError) as err:
            if outcome is not None:
                raise OutcomeUnknownError(f"OVH's answer could not be read; {outcome}") from err
            raise UnreadableAnswerError(status, call) from err

    def _signature(self, method: str, url: str, body: str, ovh_clock: _OvhClock) -> dict[str, str]:
        """Return the headers that sign a call: consumer key, timestamp and signature."""
        keys = self._keys
        timestamp = ovh_clock.now(self._monotonic())
        return {
            "X-Ovh-Consumer": keys.consumer_key,
            "X-Ovh-Timestamp": str(timestamp),
            "X-Ovh-Signature": sign(
                keys.application_secret, keys.consumer_key, method, url, body, timestamp
            ),
        }

    async def _exchange(
        self,
        method: str,
        url: str,
        data: str | None,
        headers: dict[str, str],
        *,
        call: str,
        sends: bool,
        outcome: str | None,
    ) -> tuple[int, str]:
        """Send the request; return the status and body of a 2xx or 4xx, else raise.

        Failures once the request may have reached OVH are OutcomeUnknownError
        when it changes something (outcome says what may have happened; a
        send's 5xx is OvhServerError), else OvhHttpError or OvhConnectionError.
        """
        try:
            async with self._session.request(
                method,
                URL(url, encoded=True),  # sent exactly as signed
                data=None if data is None else data.encode(),
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                status = response.status
                _LOGGER.debug(
                    "%s: HTTP %d, X-OVH-QUERYID %s",
                    call,
                    status,
                    response.headers.get("X-Ovh-QueryId", "none"),
                )
                if status in _HTTP_REDIRECT or (status >= _HTTP_SERVER_ERROR and outcome is None):
                    raise OvhHttpError(status)
                if status >= _HTTP_SERVER_ERROR and sends:
                    raise OvhServerError(status)
                if status >= _HTTP_SERVER_ERROR:
                    raise OutcomeUnknownError(f"OVH answered HTTP {status}; {outcome}")
                return status, await response.text(encoding="utf-8", errors="replace")
        except OvhSmsError:
            raise
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as err:
            raise OvhConnectionError(
                f"Could not connect to {self._endpoint}: {type(err).__name__}"
            ) from None
        except (TimeoutError, aiohttp.ClientError) as err:
            if outcome is not None:
                raise OutcomeUnknownError(
                    f"The connection to OVH failed after the request was sent "
                    f"({type(err).__name__}); {outcome}"
                ) from None
            raise OvhConnectionError(
                f"The connection to OVH failed during {call} ({type(err).__name__})"
            ) from None

    def _refusal(
        self,
        status: int,
        text: str,
        *,
        rule: str,
        account: str | None,
        job: bool,
        missing: OvhSmsError | None,
    ) -> OvhSmsError:
        """Read OVH's error {errorCode, httpCode, message} and return its typed error."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        fields: Mapping[str, Any] = data if isinstance(data, dict) else {}
        error_code = fields.get("errorCode")
        if not isinstance(error_code, str):
            error_code = ""
        message = fields.get("message")
        reason = self._redact(message.strip()) if isinstance(message, str) else ""
        if _out_of_time(status, error_code, reason):
            return QueryOutOfTimeError(status, reason)
        return _error_for(
            status,
            error_code,
            reason or "no reason given",
            rule=rule,
            account=account,
            job=job,
            missing=missing,
        )
