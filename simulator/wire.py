"""The OVHcloud API's wire format, as the simulator reads and writes it.

Error bodies, the checks of bodies and query strings against the types of OVH's
schema (sms.json), and the fields of the values the /sms routes answer. The
choices where OVH publishes nothing are listed in api.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from http import HTTPStatus
import json
import re
from typing import Any, Final
import uuid

from .account import aware
from .phone import PTTS, Incoming, check_url, ptt_details
from .segments import (
    CONCATENATED_PART,
    SINGLE_SMS,
    SmsCoding,
    coded_length,
    coding_for,
    count_parts,
)

_TAG_LENGTH: Final = 20
_HTTP_SERVER_ERROR: Final = 500
# A receiver: 00 or + and at most 15 digits (E.164).
NUMBER: Final = re.compile(r"(00|\+)[1-9][0-9]{6,14}")
# Assumption: the ptt of an SMS before any report. sms.Job's and sms.Outgoing's ptt
# is a long with canBeNull false; 0 is in no published ptt table, like the
# deliveryReceipt 0 ("pending") it comes with.
PTT_BEFORE_REPORT: Final = 0
# http2sms's class digits, so that both routes record the same value (SentSms.sms_class).
CLASS_DIGITS: Final = {"flash": "0", "phoneDisplay": "1", "sim": "2", "toolkit": "3"}
# The body of POST /sms/{s}/jobs: each parameter's type in OVH's schema (sms.json).
_ENUMS: Final[Mapping[str, tuple[str, ...]]] = {
    "sms.PriorityEnum": ("high", "low", "medium", "veryLow"),
    "sms.ClassEnum": tuple(CLASS_DIGITS),
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
CREDENTIAL_PARAMETERS: Final = frozenset({"accessRules", "redirection", "allowedIPs"})
# GET /outgoing's filters (sms.json), and those of type long and uuid.
OUTGOING_FILTERS: Final = frozenset(
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
INCOMING_FILTERS: Final = frozenset(
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


def ovh_datetime(moment: datetime) -> str:
    """Write a time as the API does (assumption: ISO 8601 with its offset, here UTC)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def number(value: Decimal) -> int | float:
    """Write credits as the API's JSON does: an integer when whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def international(receiver: str) -> str:
    """Write a receiver as the API shows it: +33..."""
    return "+" + receiver.removeprefix("+").removeprefix("00")


def shown(value: object) -> str:
    """Show a given value in an error text: a string as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def not_valid(name: str, value: object, type_name: str) -> ApiError:
    """Build OVH's 400 for a value that is not of its parameter's type."""
    return api_error(400, f"[{name}] Given data ({shown(value)}) is not valid for type {type_name}")


def json_object(body: bytes) -> dict[str, Any]:
    """Read a body that must be a JSON object (400 otherwise)."""
    try:
        data = json.loads(body.decode())
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise api_error(400, NOT_JSON)
    return data


def refuse_unknown(
    fields: Mapping[str, object], known: frozenset[str], *, what: str = "body parameter"
) -> None:
    """Refuse the first field OVH's schema does not know (400)."""
    for name in fields:
        if name not in known:
            raise api_error(400, f"Unknown {what} {name}")


def _check_type(name: str, value: object, type_name: str) -> None:
    if type_name in _ENUMS:
        if value not in _ENUMS[type_name]:
            given = f"[{name}] Given data ({shown(value)})"
            raise api_error(400, f"{given} does not belong to the {type_name} enumeration")
        return
    valid = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "long": isinstance(value, int) and not isinstance(value, bool),
        "string[]": isinstance(value, list) and all(isinstance(item, str) for item in value),
    }[type_name]
    if not valid:
        raise not_valid(name, value, type_name)


def _given(
    fields: Mapping[str, Any],
    parameters: Mapping[str, str],
    not_simulated: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Check a body's parameters against their types; return those given (null: left out)."""
    refuse_unknown(fields, frozenset(parameters) | not_simulated)
    given = {name: value for name, value in fields.items() if value is not None}
    for name, value in given.items():
        if name in not_simulated:
            raise api_error(400, f"{name} is not simulated: give receivers")
        _check_type(name, value, parameters[name])
    return given


def check_job(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Check the body of POST /jobs, except the sender (which needs the account)."""
    given = _given(fields, _JOB_PARAMETERS, _NOT_SIMULATED)
    _check_job_values(given)
    return given


def estimate(body: bytes) -> dict[str, object]:
    """POST /sms/estimate: the coding, length and parts the message would be sent as."""
    fields = _given(json_object(body), _ESTIMATE_PARAMETERS)
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


def match_filter(name: str, value: str) -> Callable[[Mapping[str, object]], bool]:
    """Build the test of one filter of GET /outgoing on an SMS's fields."""
    if name in _LONG_FILTERS:
        if not value.isdecimal():
            raise not_valid(name, value, "long")
        return lambda fields: fields[name] == int(value)
    if name in _UUID_FILTERS:
        try:
            wanted = str(uuid.UUID(value))
        except ValueError:
            raise not_valid(name, value, "uuid") from None
        return lambda fields: fields[name] == wanted
    if name.startswith("creationDatetime."):
        try:
            bound = aware(datetime.fromisoformat(value))
        except ValueError:
            raise not_valid(name, value, "datetime") from None
        if name.endswith(".from"):
            return lambda fields: _created(fields) >= bound
        return lambda fields: _created(fields) <= bound
    return lambda fields: fields[name] == value


def _text_or_null(name: str, value: object) -> str:
    """Read a string field that may be null (null: empty)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise not_valid(name, value, "string")
    return value


def account_changes(body: bytes) -> tuple[dict[str, str], tuple[str, str] | None]:
    """Read PUT /sms/{s}'s body: its text fields given, and smsResponse if given."""
    fields = json_object(body)
    for name in fields:
        if name in _ACCOUNT_NOT_SIMULATED:
            raise api_error(400, f"{name} is not simulated")
    refuse_unknown(fields, _ACCOUNT_FIELDS | _ACCOUNT_READ_ONLY)
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
    return texts, response


def _sms_response(value: object) -> tuple[str, str]:
    """Read PUT /sms/{s}'s smsResponse: (responseType, cgiUrl)."""
    if not isinstance(value, dict):
        raise not_valid("smsResponse", value, "sms.Response")
    for name in value:
        if name in _RESPONSE_NOT_SIMULATED:
            raise api_error(400, f"smsResponse.{name} is not simulated")
    refuse_unknown(value, _RESPONSE_FIELDS)
    response_type = value.get("responseType")
    if response_type is None:
        raise api_error(400, "[smsResponse.responseType] Property is mandatory")
    if response_type not in RESPONSE_TYPES:
        raise api_error(
            400,
            f"[smsResponse.responseType] Given data ({shown(response_type)}) does not belong "
            "to the sms.ResponseTypeEnum enumeration",
        )
    cgi_url = _text_or_null("smsResponse.cgiUrl", value.get("cgiUrl"))
    try:
        check_url("smsResponse.cgiUrl", cgi_url)
    except ValueError as error:
        raise api_error(400, str(error)) from None
    return response_type, cgi_url


def incoming_fields(incoming: Incoming) -> dict[str, object]:
    """Write an incoming SMS as GET /incoming/{id} does (sms.Incoming)."""
    return {
        "id": incoming.id,
        "creationDatetime": ovh_datetime(incoming.created),
        "sender": incoming.sender,
        "message": incoming.message,
        "tag": incoming.tag,
        "credits": number(incoming.credits),
    }


def ptt_answer(query: Mapping[str, str]) -> dict[str, str]:
    """GET /sms/ptts?ptt=N: what the ptt code means."""
    refuse_unknown(query, frozenset({"ptt"}), what="query parameter")
    if "ptt" not in query:
        raise api_error(400, "[ptt] Property is mandatory")
    value = query["ptt"]
    if not value.isdecimal():
        raise not_valid("ptt", value, "long")
    if int(value) not in PTTS:
        raise api_error(404, f"The requested object (ptt = {value}) does not exist")
    return ptt_details(int(value))


def _created(fields: Mapping[str, object]) -> datetime:
    return datetime.fromisoformat(str(fields["creationDatetime"]))
