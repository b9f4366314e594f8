"""The OVHcloud API's wire format: the bodies sent, and the answers and refusals read.

Pure functions of JSON, free of the network: the client (ovh_api.py) makes
the calls. For a call about one SMS or reply, a 404 means that SMS or reply
(SmsNotFoundError, ReplyNotFoundError), unless OVH's message names the
account (AccountNotFoundError).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
import json
import logging
from typing import Any, Final

from .errors import (
    AccessDeniedError,
    AccountNotFoundError,
    ApplicationKeyError,
    ConsumerKeyError,
    InsufficientCreditError,
    InvalidParameterError,
    OvhSmsError,
    QueryOutOfTimeError,
    RateLimitedError,
    SenderNotFoundError,
    SmsRefusedError,
)
from .models import (
    Accepted,
    ConsumerKeyRequest,
    CredentialState,
    DestinationRate,
    MessageEstimate,
    Priority,
    Sender,
    Sms,
    SmsAccountInfo,
    SmsClass,
    SmsCoding,
)
from .sms import parse_credit

_LOGGER = logging.getLogger(__name__)

_HTTP_BAD_REQUEST = 400
_HTTP_NOT_FOUND = 404
_HTTP_TOO_MANY_REQUESTS = 429
_MINUTE = timedelta(minutes=1)
# OVH's errorCode and message for a timestamp too far from its clock.
_OUT_OF_TIME_CODE = "QUERY_TIME_OUT"
_OUT_OF_TIME_MESSAGE = "query out of time"

_CLASSES: Final = {
    SmsClass.FLASH: "flash",
    SmsClass.SIM: "sim",
    SmsClass.TOOLKIT: "toolkit",
}
_CODINGS: Final = {SmsCoding.GSM7: "7bit", SmsCoding.UCS2: "8bit"}


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


def parse_strings(data: object) -> tuple[str, ...]:
    """Read a list of names (accounts, senders), in OVH's order."""
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise TypeError("not a list of strings")
    return tuple(data)


def parse_time(data: object) -> int:
    """Read GET /auth/time: OVH's clock, in Unix seconds."""
    if not isinstance(data, int) or isinstance(data, bool):
        raise TypeError("not an integer")
    return data


def parse_consumer_key(data: object) -> ConsumerKeyRequest:
    """Read POST /auth/credential: the new consumer key and where to validate it."""
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


def parse_credential_state(data: object) -> CredentialState:
    """Read GET /auth/currentCredential: where the consumer key stands."""
    return CredentialState(_text(_object(data), "status"))


def parse_account(name: str, data: object) -> SmsAccountInfo:
    """Read GET /sms/{name}: the account's credit, description and status."""
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


def parse_sender(name: str, data: object) -> Sender:
    """Read GET /sms/{account}/senders/{name}: one sender and its status."""
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


def parse_ids(data: object) -> tuple[str, ...]:
    """Read a list of OVH ids (JSON numbers, maybe strings) as strings, in OVH's order."""
    if not isinstance(data, list) or not all(
        isinstance(item, (int, str)) and not isinstance(item, bool) for item in data
    ):
        raise TypeError("not a list of ids")
    return tuple(str(item) for item in data)


def no_answer(data: object) -> None:
    """Read nothing: a DELETE's 2xx says it all, its body (OVH's void) is not read."""


def is_id(value: str) -> bool:
    """OVH's SMS and reply ids are integers: anything else names nothing, and is never sent."""
    return value.isascii() and value.isdigit()


def _names_service(reason: str) -> bool:
    """Tell whether a 404's message is about the account, not the SMS or reply asked for.

    OVH answers "This service does not exist" or "The requested object
    (serviceName = …) does not exist" for an unknown account, and "The
    requested object (id = …) does not exist" for an unknown SMS or reply.
    """
    return "service" in reason.lower()


def parse_job(recipients: Sequence[str], data: object) -> Accepted:
    """Read POST /sms/{account}/jobs: the ids, the credit, and the recipients OVH refused."""
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


def _out_of_time(status: int, error_code: str, reason: str) -> bool:
    """Tell whether OVH refused the call's timestamp: then the call did nothing.

    Its code says so, or (without a code) its whole message: a refusal whose
    message only quotes those words is another refusal, never made again.
    """
    return status == _HTTP_BAD_REQUEST and (
        error_code == _OUT_OF_TIME_CODE
        or (not error_code and reason.lower() == _OUT_OF_TIME_MESSAGE)
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


def refusal(
    status: int,
    text: str,
    *,
    redact: Callable[[str], str],
    rule: str,
    account: str | None,
    job: bool,
    missing: OvhSmsError | None,
) -> OvhSmsError:
    """Read OVH's error {errorCode, httpCode, message} and return its typed error.

    redact masks the secrets OVH's message might repeat.
    """
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    fields: Mapping[str, Any] = data if isinstance(data, dict) else {}
    error_code = fields.get("errorCode")
    if not isinstance(error_code, str):
        error_code = ""
    message = fields.get("message")
    reason = redact(message.strip()) if isinstance(message, str) else ""
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


def parse_estimate(data: object) -> MessageEstimate:
    """Read POST /sms/estimate: the coding, length and parts of a message."""
    fields = _object(data)
    return MessageEstimate(
        characters=int(fields["characters"]),
        characters_class=_text(fields, "charactersClass"),
        max_characters_per_part=int(fields["maxCharactersPerPart"]),
        parts=int(fields["parts"]),
    )


def parse_destination_rate(country: str, data: object) -> DestinationRate:
    """Read GET /sms/rates/destinations: the credits one SMS part costs to the country."""
    credit = parse_credit(_object(data)["credit"])
    if credit is None:
        raise ValueError("credit is not a number")
    return DestinationRate(country=country, credits_per_part=credit)
