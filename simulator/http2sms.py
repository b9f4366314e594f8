"""The simulated http2sms service: its checks, the SMS it sends, answers in every content type.

It answers like the service in ../shared/spec/http2sms.md, on the account of
account.py. OVH publishes no text for a wrong password, an exhausted credit or a
message longer than 6 SMS: the simulator's wording for those is its own assumption.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
import html
import json
import logging
import re
from typing import Final
from xml.sax.saxutils import escape as xml_escape

from aiohttp import web

from .account import ENABLED, SimulatedAccount, format_credit
from .segments import MAX_PARTS, SmsCoding, coding_for, count_parts

_LOGGER = logging.getLogger(__name__)

# The values below are OVH's, from the http2sms guide (../shared/seeds/000_15b454dd41dca6b1.txt)
# unless a comment says otherwise; what decides the SMS count is in segments.py.
# The guide's address: https://www.ovh.com/cgi-bin/sms/http2sms.cgi
ENDPOINT_PATH: Final = "/cgi-bin/sms/http2sms.cgi"
# tag: "Une chaîne de maximum 20 caractères".
MAX_TAG_LENGTH: Final = 20
# OVH ends each error text with a pointer to its guide (the wording is OVH's).
MORE_INFORMATION: Final = " For more informations : http://guides.ovh.com/httpToSms"
# account: "ex : sms-ab1234-1".
_ACCOUNT = re.compile(r"sms-[a-z]{2}\d+-\d+", re.IGNORECASE)
# to: "format international (00336xxxx pour un numéro français)"; + when it was
# percent-encoded; at most 15 digits (E.164).
_NUMBER = re.compile(r"(00|\+)[1-9]\d{6,14}")
# deferred: "hhmmjjMMAAAA" (hour, minute, day, month, year).
_DEFERRED_FORMAT = "%H%M%d%m%Y"
_DEFERRED_LENGTH = 12
# contentType: "text/xml, application/xml, text/json, application/json, text/plain,
# text/html (par défaut en text/plain)".
_CONTENT_TYPES = frozenset(
    {"text/plain", "text/html", "text/xml", "application/xml", "text/json", "application/json"}
)
_HTML_ANSWER = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<HTML>
<HEAD>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" >
<title>HTTP2SMS</title>
</HEAD>
<BODY>
{lines}
</BODY>
</HTML>
"""


@dataclass(frozen=True, slots=True)
class SimulatorAnswer:
    """What http2sms answers to one request, before it is put in a content type."""

    status: int
    message: str = ""
    credits_left: Decimal | None = None
    sms_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Tell whether OVH would have sent the SMS (status 100..199)."""
        return 100 <= self.status < 200  # noqa: PLR2004

    def render(self, content_type: str) -> str:
        """Write the answer the way OVH does for this content type."""
        credit = format_credit(self.credits_left) if self.credits_left is not None else ""
        if content_type in {"application/json", "text/json"}:
            data: dict[str, object] = (
                {"status": self.status, "creditLeft": credit, "SmsIds": list(self.sms_ids)}
                if self.ok
                else {"status": self.status, "message": self.message}
            )
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if content_type in {"application/xml", "text/xml"}:
            if self.ok:
                ids = "".join(f"<smsId>{sms_id}</smsId>" for sms_id in self.sms_ids)
                body = f"<creditLeft>{credit}</creditLeft><smsIds>{ids}</smsIds>"
            else:
                body = f"<message>{xml_escape(self.message)}</message>"
            return (
                '<?xml version="1.0" encoding="UTF-8" ?>'
                f"<response><status>{self.status}</status>{body}</response>"
            )
        if content_type == "text/html":
            lines = (
                "\n".join(f"{line}<br>" for line in ("OK", credit, *self.sms_ids))
                if self.ok
                else f"KO<br>{html.escape(self.message)}<br>"
            )
            return _HTML_ANSWER.format(lines=lines)
        return "\n".join(["OK", credit, *self.sms_ids] if self.ok else ["KO", self.message])


def _refused(status: int, text: str) -> SimulatorAnswer:
    return SimulatorAnswer(status=status, message=text + MORE_INFORMATION)


def answer(
    account: SimulatedAccount, params: Mapping[str, str], *, now: datetime | None = None
) -> SimulatorAnswer:
    """Check one request like OVH does; when it passes, send it (on the page) and charge."""
    account.requests.append(dict(params))
    refusal = _check_account(account, params)
    if refusal is None:
        refusal = _check_sms(account, params)
    if refusal is not None:
        _LOGGER.info("Refused (%d): %s", refusal.status, refusal.message)
        return refusal
    text = params["message"]
    coding = _coding(params.get("smsCoding"), text)
    no_stop = params.get("noStop") == "1"
    recipients = tuple(params["to"].split(","))
    segments = count_parts(text, coding, stop_mention=not no_stop)
    if segments > MAX_PARTS:
        return _refused(202, f"Invalid message: {segments} SMS, at most {MAX_PARTS}.")
    if account.cost(recipients, segments) > account.credits:
        return _refused(202, "Not enough credits.")
    deferred = params.get("deferred")
    sms = account.record(
        via="http2sms",
        sender=params.get("from", ""),
        recipients=recipients,
        message=text,
        coding=coding,
        segments=segments,
        no_stop=no_stop,
        sms_class=params.get("class"),
        deferred=datetime.strptime(deferred, _DEFERRED_FORMAT) if deferred else None,  # noqa: DTZ007
        tag=params.get("tag") or None,
        now=now or datetime.now(UTC),
    )
    return SimulatorAnswer(status=100, credits_left=account.credits, sms_ids=sms.sms_ids)


def _check_account(account: SimulatedAccount, params: Mapping[str, str]) -> SimulatorAnswer | None:
    for name in ("account", "login", "password"):
        if not params.get(name):
            return _refused(201, f"Missing {name}.")
    if not _ACCOUNT.fullmatch(params["account"]):
        return _refused(202, "Invalid smsAccount, it should look like 'sms-ab1234-1'.")
    if account.unauthorized:
        return _refused(401, "Unauthorized IP address.")
    if (params["account"].lower(), params["login"], params["password"]) != (
        account.account.lower(),
        account.login,
        account.password,
    ):
        return _refused(202, "Invalid login or password for this account.")
    return None


def _check_sms(account: SimulatedAccount, params: Mapping[str, str]) -> SimulatorAnswer | None:
    checks: tuple[tuple[bool, int, str], ...] = (
        (not params.get("to"), 201, "Missing to."),
        (
            not all(_NUMBER.fullmatch(number) for number in params.get("to", "").split(",")),
            202,
            "Invalid to: numbers are international, like 0033612345678.",
        ),
        (not params.get("message", "").strip(), 201, "Missing message."),
        (
            not params.get("from") and params.get("senderForResponse") != "1",
            201,
            "Missing from.",
        ),
        (params.get("from", "") not in {"", *account.senders}, 241, "Sender not found."),
        (
            account.sender_status.get(params.get("from", ""), ENABLED) != ENABLED,
            241,
            "Sender not enabled.",
        ),
        (params.get("class", "0") not in {"0", "1", "2", "3"}, 202, "Invalid class."),
        (params.get("smsCoding", "1") not in {"1", "2"}, 202, "Invalid smsCoding."),
        (params.get("noStop", "0") not in {"0", "1"}, 202, "Invalid noStop."),
        (not _valid_deferred(params.get("deferred", "")), 202, "Invalid deferred time."),
        (len(params.get("tag", "")) > MAX_TAG_LENGTH, 202, "Invalid tag: is too long"),
    )
    for failed, status, text in checks:
        if failed:
            return _refused(status, text)
    return None


def _coding(sms_coding: str | None, text: str) -> SmsCoding:
    return coding_for(text) if sms_coding is None else SmsCoding(int(sms_coding))


def add_routes(app: web.Application, account: SimulatedAccount) -> None:
    """Serve http2sms at OVH's path, GET and POST, on this account."""

    async def endpoint(request: web.Request) -> web.Response:
        await account.wait_answer_delay()
        params = dict(request.query)
        if request.method == "POST":
            params |= {key: str(value) for key, value in (await request.post()).items()}
        content_type = params.get("contentType", "text/plain")
        if content_type not in _CONTENT_TYPES:
            content_type = "text/plain"
        reply = answer(account, params)
        return web.Response(text=reply.render(content_type), content_type=content_type)

    app.router.add_route("GET", ENDPOINT_PATH, endpoint)
    app.router.add_route("POST", ENDPOINT_PATH, endpoint)


def _valid_deferred(deferred: str) -> bool:
    if not deferred:
        return True
    try:
        datetime.strptime(deferred, _DEFERRED_FORMAT)  # noqa: DTZ007
    except ValueError:
        return False
    return len(deferred) == _DEFERRED_LENGTH
