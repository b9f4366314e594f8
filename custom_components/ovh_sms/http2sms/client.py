"""Async client for OVH's http2sms: validation, request building, answer parsing.

Free of Home Assistant: it takes an aiohttp session, the account credentials
and the endpoint. Requests are POSTed form-encoded (the password stays out of
URLs), a send is never retried, and nothing it logs or raises carries the
password.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from ipaddress import ip_address
import json
import logging
import re
from typing import Any, Final
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import aiohttp
from yarl import URL

from .errors import (
    AuthenticationError,
    DeferredInPastError,
    EndpointCredentialsError,
    Http2SmsConnectionError,
    Http2SmsError,
    Http2SmsHttpError,
    Http2SmsOutcomeUnknownError,
    Http2SmsRequestError,
    Http2SmsServerError,
    InsecureEndpointError,
    InsufficientCreditError,
    InvalidAccountError,
    InvalidEndpointError,
    InvalidParameterError,
    InvalidSenderError,
    InvalidTagError,
    IpNotAuthorizedError,
    MissingParameterError,
    NonexistentLocalTimeError,
    PartialSendError,
    SenderNotFoundError,
)
from .message import EncodedMessage, SmsCoding, encode_message
from .phone import normalize_recipients

_LOGGER = logging.getLogger(__name__)

DEFAULT_ENDPOINT: Final = "https://www.ovh.com/cgi-bin/sms/http2sms.cgi"
# OVH documents no maximum of recipients per request: 50 keeps each request
# small, and a failure touches at most one batch.
BATCH_SIZE: Final = 50
MAX_TAG_LENGTH: Final = 20
MAX_ALPHANUMERIC_SENDER: Final = 11
MAX_NUMERIC_SENDER: Final = 15
# OVH never states the time zone of "deferred"; it is a French service, so the
# time is sent as Paris wall time.
DEFERRED_TIME_ZONE: Final = ZoneInfo("Europe/Paris")
# OVH's fair use is "a few dozen requests per second". Its answer takes at
# least ~100 ms from a home connection, so 5 requests in flight stay under 50
# a second, while 1,000 recipients (20 requests) take 4 round trips, not 20.
MAX_IN_FLIGHT: Final = 5
CONNECT_TIMEOUT: Final = 10.0
READ_TIMEOUT: Final = 30.0
# Past this, a request's outcome is unknown, even if the server still trickles.
REQUEST_DEADLINE: Final = 60.0

_ACCOUNT = re.compile(r"sms-[a-z]{2}\d+-\d+", re.IGNORECASE)
_NUMERIC_SENDER = re.compile(r"\+?\d+")
_MORE_INFORMATION = re.compile(r"\s*For more information.*$", re.IGNORECASE | re.DOTALL)
_HTML_HEAD = re.compile(r"<head.*?</head>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>")
_REDACTED = "**********"


class SmsClass(IntEnum):
    """The class parameter: where the phone keeps the SMS."""

    FLASH = 0
    PHONE = 1
    SIM = 2
    TOOLKIT = 3


@dataclass(frozen=True, slots=True)
class Credentials:
    """An SMS user of an OVH SMS account; repr() leaves the password out."""

    account: str
    login: str
    password: str = field(repr=False)


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


def validate_endpoint(endpoint: str) -> str:
    """Return the endpoint if the password can travel to it safely, else raise.

    https:// only; http:// is allowed for this machine (a local simulator or
    proxy), and no URL may carry user:password@.
    """
    try:
        url = URL(endpoint.strip())
    except ValueError:
        raise InvalidEndpointError from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidEndpointError
    if url.user is not None or url.password is not None:
        raise EndpointCredentialsError
    if url.scheme == "http" and not _is_loopback(url.host):
        raise InsecureEndpointError
    return endpoint.strip()


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


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

    @property
    def segments(self) -> int:
        """SMS parts for each recipient."""
        return self.message.segments

    def form(self, recipients: Sequence[str]) -> dict[str, str]:
        """Build the request's parameters for these recipients, without credentials."""
        form = {
            "to": ",".join(recipients),
            "message": self.message.text,
            "smsCoding": str(int(self.message.coding)),
            "noStop": "1" if self.no_stop else "0",
            "contentType": "application/json",
        }
        if self.sender is None:
            form |= {"from": "", "senderForResponse": "1"}
        else:
            form["from"] = self.sender
        if self.sms_class is not None:
            form["class"] = str(int(self.sms_class))
        if self.deferred is not None:
            # OVH's hhmmddMMyyyy, in Paris wall time.
            form["deferred"] = self.deferred.astimezone(DEFERRED_TIME_ZONE).strftime("%H%M%d%m%Y")
        if self.tag is not None:
            form["tag"] = self.tag
        return form


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
    default_region: str | None = None,
    time_zone: tzinfo = DEFERRED_TIME_ZONE,
) -> Sms:
    """Validate everything and build the SMS; raise Http2SmsValidationError on bad input.

    An empty or None sender sends from OVH's short number that accepts replies
    (senderForResponse, France only). no_stop defaults to True: without it OVH
    treats the SMS as commercial and holds it at night and on weekends. A naive
    deferred time is read in time_zone (the caller's, Paris if not given).
    """
    return Sms(
        recipients=tuple(normalize_recipients(recipients, default_region)),
        message=encode_message(message, coding=coding, stop_mention=not no_stop),
        sender=validate_sender(sender) if sender else None,
        sms_class=SmsClass(sms_class) if sms_class is not None else None,
        no_stop=no_stop,
        deferred=validate_deferred(deferred, now, time_zone) if deferred is not None else None,
        tag=validate_tag(tag) if tag else None,
    )


@dataclass(frozen=True, slots=True)
class Http2SmsAnswer:
    """One answer of http2sms."""

    status: int
    credits_left: Decimal | None = None
    sms_ids: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True, slots=True)
class SendResult:
    """What OVH accepted: who got the SMS, the ids, the credit left and the requests made."""

    sms_ids: tuple[str, ...]
    credits_left: Decimal | None
    segments: int
    recipients: tuple[str, ...]
    requests: int
    deferred: datetime | None


def parse_credit(value: object) -> Decimal | None:
    """Read a credit; anything but a finite number (NaN, Infinity, junk) is unknown."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_json(data: dict[str, Any]) -> Http2SmsAnswer:
    fields = {key.lower(): value for key, value in data.items()}
    ids = fields.get("smsids") or []
    if not isinstance(ids, list):
        ids = [ids]
    return Http2SmsAnswer(
        status=int(fields["status"]),
        credits_left=parse_credit(fields["creditleft"]) if "creditleft" in fields else None,
        sms_ids=tuple(str(sms_id) for sms_id in ids),
        message=str(fields.get("message", "")),
    )


def _parse_xml(response: ET.Element) -> Http2SmsAnswer:
    """Read the XML form: <response><status/><creditLeft/><smsIds><smsId/></smsIds></response>."""
    fields = {child.tag.lower(): child for child in response}
    ids = fields.get("smsids", ())
    return Http2SmsAnswer(
        status=int(fields["status"].text or ""),
        credits_left=parse_credit(fields["creditleft"].text) if "creditleft" in fields else None,
        sms_ids=tuple(text for sms_id in ids if (text := (sms_id.text or "").strip())),
        message=fields["message"].text or "" if "message" in fields else "",
    )


def _parse_markup(body: str) -> Http2SmsAnswer:
    """Read the XML form, or else the HTML one (the text form in tags)."""
    try:
        root = ET.fromstring(body)  # noqa: S314 - expat refuses entity bombs
    except ET.ParseError:
        root = None
    if root is not None and root.tag.lower() == "response":
        return _parse_xml(root)
    return _parse_text(_HTML_TAG.sub("", _HTML_BREAK.sub("\n", _HTML_HEAD.sub("", body))))


def _parse_text(body: str) -> Http2SmsAnswer:
    """Read the text/plain form: OK, credit, ids / KO, reason."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if lines and lines[0] == "OK" and len(lines) >= 2:  # noqa: PLR2004
        return Http2SmsAnswer(
            status=100, credits_left=parse_credit(lines[1]), sms_ids=tuple(lines[2:])
        )
    if lines and lines[0] == "KO":
        reason = " ".join(lines[1:])
        # The text forms carry no status: OVH's reasons start as the statuses' do.
        status = 201 if reason.startswith("Missing") else 202 if reason.startswith("Invalid") else 0
        return Http2SmsAnswer(status=status, message=reason)
    raise ValueError("not an http2sms answer")


def parse_answer(body: str) -> Http2SmsAnswer:
    """Parse an http2sms answer in any form of the guide: JSON, XML, text/plain or HTML.

    Raises Http2SmsOutcomeUnknownError when the body is none of them: OVH ran
    the request but its result cannot be read.
    """
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    try:
        if isinstance(data, dict):
            return _parse_json(data)
        if "<" in body:
            return _parse_markup(body.strip())
        return _parse_text(body)
    except (KeyError, TypeError, ValueError) as err:
        raise Http2SmsOutcomeUnknownError(
            "OVH's answer could not be read; the SMS may have been sent"
        ) from err


def error_for(status: int, reason: str) -> Http2SmsRequestError:
    """Map a refusal to its typed error, matching prefixes and words, never whole texts."""
    lowered = reason.lower()
    error: type[Http2SmsRequestError] = Http2SmsRequestError
    if status == 401:  # noqa: PLR2004
        error = IpNotAuthorizedError
    elif status == 241 or "sender" in lowered:  # noqa: PLR2004
        error = SenderNotFoundError
    elif "credit" in lowered:
        error = InsufficientCreditError
    elif any(word in lowered for word in ("login", "password", "account", "authentic")):
        error = AuthenticationError
    elif status == 201:  # noqa: PLR2004
        error = MissingParameterError
    elif status == 202:  # noqa: PLR2004
        error = InvalidParameterError
    return error(status, reason)


def _outcome(
    sms: Sms,
    batches: Sequence[tuple[str, ...]],
    outcomes: Sequence[Http2SmsAnswer | Http2SmsError | None],
    stopped_by: Http2SmsRequestError | None,
) -> SendResult:
    """Sort each batch's recipients by outcome; return if all were accepted, else raise."""
    sent: list[str] = []
    sms_ids: list[str] = []
    credits_left: list[Decimal] = []
    not_sent: list[str] = []
    unknown: list[str] = []
    errors: list[Http2SmsError] = []
    for batch, outcome in zip(batches, outcomes, strict=True):
        if isinstance(outcome, Http2SmsAnswer):
            sent.extend(batch)
            sms_ids.extend(outcome.sms_ids)
            if outcome.credits_left is not None:
                credits_left.append(outcome.credits_left)
        elif isinstance(outcome, Http2SmsOutcomeUnknownError):
            unknown.extend(batch)
            errors.append(outcome)
        else:  # refused, not reached, or not started
            not_sent.extend(batch)
            if outcome is not None:
                errors.append(outcome)
    result = SendResult(
        sms_ids=tuple(sms_ids),
        # Concurrent answers arrive in any order; the credit only drops during a send.
        credits_left=min(credits_left) if credits_left else None,
        segments=sms.segments,
        recipients=tuple(sent),
        requests=sum(outcome is not None for outcome in outcomes),
        deferred=sms.deferred,
    )
    if not errors:
        return result
    cause = stopped_by or errors[0]
    if not sent and (not unknown or not not_sent):
        raise cause
    raise PartialSendError(result, tuple(not_sent), tuple(unknown), cause)


class Http2SmsClient:
    """Sends SMS through http2sms for one SMS user of one account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        credentials: Credentials,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        batch_size: int = BATCH_SIZE,
        max_in_flight: int = MAX_IN_FLIGHT,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        deadline: float = REQUEST_DEADLINE,
    ) -> None:
        """Keep the session, credentials and endpoint; nothing is sent.

        Raises InvalidEndpointError for an endpoint the password must not
        travel to (see validate_endpoint).
        """
        if batch_size < 1 or max_in_flight < 1:
            raise ValueError("batch_size and max_in_flight must be at least 1")
        self._session = session
        self._credentials = credentials
        self.endpoint = validate_endpoint(endpoint)
        self._batch_size = batch_size
        self._max_in_flight = max_in_flight
        self._timeout = aiohttp.ClientTimeout(
            total=deadline, sock_connect=connect_timeout, sock_read=read_timeout
        )

    @property
    def account(self) -> str:
        """The SMS account, sms-ab1234-1."""
        return self._credentials.account

    @property
    def login(self) -> str:
        """The SMS user's login."""
        return self._credentials.login

    def __repr__(self) -> str:
        """Name the account and login, never the password."""
        return (
            f"Http2SmsClient(account={self._credentials.account!r}, "
            f"login={self._credentials.login!r}, endpoint={self.endpoint!r})"
        )

    async def send(self, sms: Sms) -> SendResult:
        """Send the SMS, one request per batch of recipients, a few in flight; never retry.

        Returns when OVH accepted every request. Otherwise raises: the failure
        itself when no recipient got the SMS and the outcome is the same for all
        (nothing sent, or all unknown), else PartialSendError naming who got it,
        who did not and for whom the outcome is unknown. A refusal that proves
        the account cannot send (credentials, IP, credit, sender) stops the
        requests not started yet.
        """
        batches = [
            sms.recipients[start : start + self._batch_size]
            for start in range(0, len(sms.recipients), self._batch_size)
        ]
        _LOGGER.debug(
            "Sending a %d-part SMS to %d recipient(s) in %d request(s) from account %s",
            sms.segments,
            len(sms.recipients),
            len(batches),
            self._credentials.account,
        )
        outcomes: list[Http2SmsAnswer | Http2SmsError | None] = [None] * len(batches)
        in_flight = asyncio.Semaphore(self._max_in_flight)
        stopped_by: list[Http2SmsRequestError] = []

        async def send_batch(index: int) -> None:
            async with in_flight:
                if stopped_by:
                    return  # not started: the account cannot send
                try:
                    outcomes[index] = await self._request(sms.form(batches[index]))
                except Http2SmsError as err:
                    outcomes[index] = err
                    if isinstance(err, Http2SmsRequestError) and err.stops_sending:
                        stopped_by.append(err)

        async with asyncio.TaskGroup() as group:
            for index in range(len(batches)):
                group.create_task(send_batch(index))
        return _outcome(sms, batches, outcomes, stopped_by[0] if stopped_by else None)

    async def _request(self, form: dict[str, str]) -> Http2SmsAnswer:
        """POST one request and return OVH's answer if it accepted it."""
        credentials = self._credentials
        data = {
            "account": credentials.account,
            "login": credentials.login,
            "password": credentials.password,
            **form,
        }
        try:
            async with self._session.post(
                self.endpoint, data=data, timeout=self._timeout, allow_redirects=False
            ) as response:
                if response.status >= 500 or 200 < response.status < 300:  # noqa: PLR2004
                    raise Http2SmsServerError(response.status)
                if response.status != 200:  # noqa: PLR2004
                    raise Http2SmsHttpError(response.status)
                body = await response.text(encoding="utf-8", errors="replace")
        except Http2SmsError:
            raise
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as err:
            raise Http2SmsConnectionError(
                f"Could not connect to {self.endpoint}: {type(err).__name__}"
            ) from None
        except (TimeoutError, aiohttp.ClientError) as err:
            raise Http2SmsOutcomeUnknownError(
                f"The connection to OVH failed after the request was sent "
                f"({type(err).__name__}); the SMS may have been sent"
            ) from None
        answer = parse_answer(body)
        if 100 <= answer.status < 200:  # noqa: PLR2004
            return answer
        reason = _MORE_INFORMATION.sub("", answer.message).strip()
        if credentials.password:
            reason = reason.replace(credentials.password, _REDACTED)
        raise error_for(answer.status, reason or "no reason given")
