"""The http2sms transport: an SMS user (account, login, password) POSTing forms to OVH.

Free of Home Assistant: it takes an aiohttp session, the credentials and the
endpoint. Requests are POSTed form-encoded (the password stays out of URLs),
never retried, and nothing it logs or raises carries the password. It reads
every answer form of OVH's guide: JSON, XML, text/plain and HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
import json
import logging
import re
from typing import Any, Final
from xml.etree import ElementTree as ET

import aiohttp
from yarl import URL

from .batches import send_in_batches
from .endpoint import validate_endpoint
from .errors import (
    AuthenticationError,
    InsufficientCreditError,
    InvalidParameterError,
    IpNotAuthorizedError,
    MissingParameterError,
    OutcomeUnknownError,
    SenderNotFoundError,
    SmsRefusedError,
)
from .models import Accepted, Credentials, SendResult, Sms
from .sms import PARIS, parse_credit
from .transport import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    REQUEST_DEADLINE,
    SMS_MAY_BE_SENT,
    Transport,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_ENDPOINT: Final = "https://www.ovh.com/cgi-bin/sms/http2sms.cgi"
# OVH documents no maximum of recipients per request: 50 keeps each request
# small, and a failure touches at most one batch.
BATCH_SIZE: Final = 50
# OVH's fair use is "a few dozen requests per second". Its answer takes at
# least ~100 ms from a home connection, so 5 requests in flight stay under 50
# a second, while 1,000 recipients (20 requests) take 4 round trips, not 20.
MAX_IN_FLIGHT: Final = 5

_MORE_INFORMATION = re.compile(r"\s*For more information.*$", re.IGNORECASE | re.DOTALL)
_HTML_HEAD = re.compile(r"<head.*?</head>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>")


def form(sms: Sms, recipients: Sequence[str]) -> dict[str, str]:
    """Build a request's parameters for these recipients, without credentials."""
    fields = {
        "to": ",".join(recipients),
        "message": sms.message.text,
        "smsCoding": str(int(sms.message.coding)),
        "noStop": "1" if sms.no_stop else "0",
        "contentType": "application/json",
    }
    if sms.sender is None:
        fields |= {"from": "", "senderForResponse": "1"}
    else:
        fields["from"] = sms.sender
    if sms.sms_class is not None:
        fields["class"] = str(int(sms.sms_class))
    if sms.deferred is not None:
        # OVH's hhmmddMMyyyy, in Paris wall time.
        fields["deferred"] = sms.deferred.astimezone(PARIS).strftime("%H%M%d%m%Y")
    if sms.tag is not None:
        fields["tag"] = sms.tag
    return fields


@dataclass(frozen=True, slots=True)
class Http2SmsAnswer:
    """One answer of http2sms."""

    status: int
    credits_left: Decimal | None = None
    sms_ids: tuple[str, ...] = ()
    message: str = ""


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

    Raises OutcomeUnknownError when the body is none of them: OVH ran
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
        raise OutcomeUnknownError(f"OVH's answer could not be read; {SMS_MAY_BE_SENT}") from err


def error_for(status: int, reason: str) -> SmsRefusedError:
    """Map a refusal to its typed error, matching prefixes and words, never whole texts."""
    lowered = reason.lower()
    error: type[SmsRefusedError] = SmsRefusedError
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
        self._credentials = credentials
        self.endpoint = validate_endpoint(endpoint)
        self._call_name = f"POST {URL(self.endpoint).path}"
        self._transport = Transport(
            session,
            self.endpoint,
            secrets=(credentials.password,),
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            deadline=deadline,
        )
        self._batch_size = batch_size
        self._max_in_flight = max_in_flight

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

        See send_in_batches for what it returns and raises.
        """
        _LOGGER.debug(
            "Sending a %d-part SMS to %d recipient(s) from account %s",
            sms.segments,
            len(sms.recipients),
            self._credentials.account,
        )

        async def request(recipients: Sequence[str]) -> Accepted:
            answer = await self._request(form(sms, recipients))
            return Accepted(answer.sms_ids, answer.credits_left)

        return await send_in_batches(
            sms, request, batch_size=self._batch_size, max_in_flight=self._max_in_flight
        )

    async def _request(self, form: dict[str, str]) -> Http2SmsAnswer:
        """POST one request and return OVH's answer if it accepted it."""
        credentials = self._credentials
        data = {
            "account": credentials.account,
            "login": credentials.login,
            "password": credentials.password,
            **form,
        }
        _, body = await self._transport.exchange(
            "POST",
            self.endpoint,
            call=self._call_name,
            answers=(200,),
            outcome=SMS_MAY_BE_SENT,
            data=data,
        )
        answer = parse_answer(body)
        if 100 <= answer.status < 200:  # noqa: PLR2004
            return answer
        reason = self._transport.redact(_MORE_INFORMATION.sub("", answer.message).strip())
        raise error_for(answer.status, reason or "no reason given")
