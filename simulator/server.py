"""The simulated http2sms service: checks, credit, answers in every content type, a page."""

from __future__ import annotations

from asyncio import sleep
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
import html
import json
import logging
import math
import re
from typing import Final
from xml.sax.saxutils import escape as xml_escape

from aiohttp import web

from .api import (
    API_PATH,
    PTT_BEFORE_REPORT,
    Credential,
    CredentialStatus,
    Job,
    OvhApiSimulator,
    aware,
    ovh_datetime,
    sender_type,
)
from .phone import DELIVERY_STATES, FINAL_STATES, PTTS, PUSHES_SHOWN, PushCall
from .segments import MAX_PARTS, SmsCoding, coding_for, count_parts

_LOGGER = logging.getLogger(__name__)

# The values below are OVH's, from the http2sms guide (../shared/seeds/000_15b454dd41dca6b1.txt)
# unless a comment says otherwise; what decides the SMS count is in segments.py.
# The guide's address: https://www.ovh.com/cgi-bin/sms/http2sms.cgi
ENDPOINT_PATH: Final = "/cgi-bin/sms/http2sms.cgi"
# The id in the guide's answers.
FIRST_SMS_ID: Final = 10867690
# tag: "Une chaîne de maximum 20 caractères".
MAX_TAG_LENGTH: Final = 20
# OVH ends each error text with a pointer to its guide (the wording is OVH's).
MORE_INFORMATION: Final = " For more informations : http://guides.ovh.com/httpToSms"
ANSWER_DELAY_REFUSED: Final = "The answer delay is a number of seconds, 0 or more."
DELIVER_AFTER_REFUSED: Final = "Deliver after a number of seconds, 0 or more, or never (empty)."
# The failures the page can make POST /jobs answer.
_JOB_FAILURES: Final = (500, 502, 503, 504)
# A sender's status on the account (the API's sms.SenderStatusEnum); only an enabled
# sender sends, through http2sms as through the API.
ENABLED: Final = "enable"
SENDER_STATUSES: Final = (ENABLED, "disable", "refused", "waitingValidation")
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
# The page reloads every 5 seconds, unless a field is being filled in (a reply, a URL).
_REFRESH: Final = """
<script>setInterval(function () {
  var field = document.activeElement;
  var typing = Array.prototype.some.call(document.querySelectorAll("input:not([type=hidden])"),
    function (input) { return input.value !== input.defaultValue; });
  if (!typing && !(field && field.tagName === "INPUT")) { location.reload(); }
}, 5000);</script>"""
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
        credit = _format_credit(self.credits_left) if self.credits_left is not None else ""
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


def _format_credit(credit: Decimal) -> str:
    """Write a credit as OVH does: a whole number, or two decimals when fractional."""
    return str(int(credit)) if credit == credit.to_integral_value() else f"{credit:.2f}"


def _refused(status: int, text: str) -> SimulatorAnswer:
    return SimulatorAnswer(status=status, message=text + MORE_INFORMATION)


@dataclass
class Http2SmsSimulator:
    """One OVH SMS account with one SMS user, its senders and its credit, and its API.

    This is the account's state, shared by http2sms (here) and the OVHcloud API
    (``api``, api.py, served under /1.0 by the same application). A sender is
    enabled unless ``sender_status`` gives it another of SENDER_STATUSES.
    ``unauthorized`` makes every request answer 401, as when the caller's IP
    is not among the SMS user's allowed IPs. ``answer_delay`` (seconds) makes
    the endpoint wait that long before it handles each request and answers, like
    a slow OVH; requests in flight wait together, not one after the other. OVH
    publishes no text for a wrong password, an exhausted credit or a message
    longer than 6 SMS: the simulator's wording for those is its own assumption.
    """

    account: str = "sms-ab1234-1"
    login: str = "homeassistant"
    password: str = field(default="simulator", repr=False)
    senders: tuple[str, ...] = ("HomeAlarm",)
    sender_status: dict[str, str] = field(default_factory=dict)
    credits: Decimal = Decimal(100)
    credit_per_segment: Decimal = Decimal(1)
    unauthorized: bool = False
    answer_delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list, repr=False)
    sent: list[SentSms] = field(default_factory=list)
    api: OvhApiSimulator = field(default_factory=OvhApiSimulator, repr=False, compare=False)
    _next_id: int = field(default=FIRST_SMS_ID, init=False, repr=False)

    def __post_init__(self) -> None:
        """Check the senders' statuses; give the API this account."""
        for sender, status in self.sender_status.items():
            if sender not in self.senders or status not in SENDER_STATUSES:
                raise ValueError(f"Sender {sender!r}, {status!r}: undeclared, or not a status")
        self.api.account = self

    def sender_status_of(self, sender: str) -> str | None:
        """Return a declared sender's status (enable...), None for an undeclared one."""
        return self.sender_status.get(sender, ENABLED) if sender in self.senders else None

    def cost(self, recipients: int, segments: int) -> Decimal:
        """Return the credits an SMS of these parts costs for this many recipients."""
        return recipients * segments * self.credit_per_segment

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
        cost = self.cost(len(recipients), segments)
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
            _format_credit(cost),
            _format_credit(self.credits),
            message,
        )
        return sms

    def handle(self, params: Mapping[str, str], *, now: datetime | None = None) -> SimulatorAnswer:
        """Check one request like OVH does; when it passes, send it (on the page) and charge."""
        self.requests.append(dict(params))
        refusal = self._check_account(params)
        if refusal is None:
            refusal = self._check_sms(params)
        if refusal is not None:
            _LOGGER.info("Refused (%d): %s", refusal.status, refusal.message)
            return refusal
        text = params["message"]
        coding = self._coding(params.get("smsCoding"), text)
        no_stop = params.get("noStop") == "1"
        recipients = tuple(params["to"].split(","))
        segments = count_parts(text, coding, stop_mention=not no_stop)
        if segments > MAX_PARTS:
            return _refused(202, f"Invalid message: {segments} SMS, at most {MAX_PARTS}.")
        if self.cost(len(recipients), segments) > self.credits:
            return _refused(202, "Not enough credits.")
        deferred = params.get("deferred")
        sms = self.record(
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
        return SimulatorAnswer(status=100, credits_left=self.credits, sms_ids=sms.sms_ids)

    def _check_account(self, params: Mapping[str, str]) -> SimulatorAnswer | None:
        for name in ("account", "login", "password"):
            if not params.get(name):
                return _refused(201, f"Missing {name}.")
        if not _ACCOUNT.fullmatch(params["account"]):
            return _refused(202, "Invalid smsAccount, it should look like 'sms-ab1234-1'.")
        if self.unauthorized:
            return _refused(401, "Unauthorized IP address.")
        if (params["account"].lower(), params["login"], params["password"]) != (
            self.account.lower(),
            self.login,
            self.password,
        ):
            return _refused(202, "Invalid login or password for this account.")
        return None

    def _check_sms(self, params: Mapping[str, str]) -> SimulatorAnswer | None:
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
            (params.get("from", "") not in {"", *self.senders}, 241, "Sender not found."),
            (
                self.sender_status.get(params.get("from", ""), ENABLED) != ENABLED,
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

    @staticmethod
    def _coding(sms_coding: str | None, text: str) -> SmsCoding:
        return coding_for(text) if sms_coding is None else SmsCoding(int(sms_coding))

    def application(self) -> web.Application:
        """Serve http2sms at OVH's path, the API under /1.0, the page at / and its switches."""
        app = web.Application()
        self.api.add_routes(app)
        app.router.add_route("GET", ENDPOINT_PATH, self._endpoint)
        app.router.add_route("POST", ENDPOINT_PATH, self._endpoint)
        app.router.add_get("/", self._page)
        app.router.add_post("/unauthorized", self._switch_unauthorized)
        app.router.add_post("/answer-delay", self._set_answer_delay)
        app.router.add_post("/api/credential", self._switch_credential)
        app.router.add_post("/api/jobs-failure", self._set_jobs_failure)
        app.router.add_post("/api/delivery", self._set_delivery)
        app.router.add_post("/api/reply", self._reply)
        app.router.add_post("/api/push", self._set_push)
        app.router.add_post("/api/deliver-after", self._set_deliver_after)
        return app

    async def _endpoint(self, request: web.Request) -> web.Response:
        if self.answer_delay > 0:
            await sleep(self.answer_delay)
        params = dict(request.query)
        if request.method == "POST":
            params |= {key: str(value) for key, value in (await request.post()).items()}
        content_type = params.get("contentType", "text/plain")
        if content_type not in _CONTENT_TYPES:
            content_type = "text/plain"
        answer = self.handle(params)
        return web.Response(text=answer.render(content_type), content_type=content_type)

    async def _switch_unauthorized(self, request: web.Request) -> web.Response:
        self.unauthorized = (await request.post()).get("unauthorized") == "1"
        _LOGGER.info("Answering 401 to every request: %s", self.unauthorized)
        raise web.HTTPSeeOther("/")

    async def _set_answer_delay(self, request: web.Request) -> web.Response:
        try:
            self.answer_delay = parse_answer_delay(str((await request.post()).get("seconds", "")))
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        _LOGGER.info("Answering each request after %g s", self.answer_delay)
        raise web.HTTPSeeOther("/")

    async def _switch_credential(self, request: web.Request) -> web.Response:
        form = await request.post()
        consumer_key = str(form.get("consumer_key", ""))
        actions: dict[str, Callable[[str], Credential]] = {
            "validate": self.api.validate,
            "refuse": self.api.refuse,
            "revoke": self.api.revoke,
        }
        action = actions.get(str(form.get("action", "")))
        if action is None or consumer_key not in self.api.credentials:
            raise web.HTTPBadRequest(text="Validate, refuse or revoke a known consumer key.")
        try:
            action(consumer_key)
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        raise web.HTTPSeeOther("/")

    async def _set_jobs_failure(self, request: web.Request) -> web.Response:
        status = str((await request.post()).get("status", ""))
        if status and (not status.isdecimal() or int(status) not in _JOB_FAILURES):
            raise web.HTTPBadRequest(text="POST /jobs fails with 500, 502, 503, 504 or nothing.")
        self.api.jobs_failure = int(status) if status else None
        _LOGGER.info("POST /jobs fails with: %s", self.api.jobs_failure or "nothing")
        raise web.HTTPSeeOther("/")

    async def _set_delivery(self, request: web.Request) -> web.Response:
        form = await request.post()
        sms_id = str(form.get("id", ""))
        state = str(form.get("state", ""))
        if state not in DELIVERY_STATES or not sms_id.isdecimal():
            raise web.HTTPBadRequest(text="Mark a sent SMS delivered, failed or expired.")
        try:
            self.api.set_delivery(int(sms_id), state)
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        raise web.HTTPSeeOther("/")

    async def _reply(self, request: web.Request) -> web.Response:
        form = await request.post()
        sms_id = str(form.get("id", ""))
        if not sms_id.isdecimal():
            raise web.HTTPBadRequest(text="Answer a sent SMS.")
        try:
            self.api.reply(int(sms_id), str(form.get("message", "")))
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        raise web.HTTPSeeOther("/")

    async def _set_push(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            self.api.set_push(
                str(form.get("callback_url", "")).strip(), str(form.get("reply_url", "")).strip()
            )
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        raise web.HTTPSeeOther("/")

    async def _set_deliver_after(self, request: web.Request) -> web.Response:
        seconds = str((await request.post()).get("seconds", "")).strip()
        try:
            self.api.deliver_after = parse_answer_delay(seconds) if seconds else None
        except ValueError:
            raise web.HTTPBadRequest(text=DELIVER_AFTER_REFUSED) from None
        _LOGGER.info("Automatic delivery after: %s", _seconds_or_off(self.api.deliver_after))
        self.api.progress()
        raise web.HTTPSeeOther("/")

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(text=self.page(), content_type="text/html")

    def page(self) -> str:
        """Show the account, its credit, the switches, every SMS sent and the API side."""
        rows = "".join(
            "<tr>"
            f"<td>{sms.received_at.astimezone():%Y-%m-%d %H:%M:%S}</td>"
            f"<td>{sms.via}</td>"
            f"<td>{html.escape(sms.sender) or '<i>short number</i>'}</td>"
            f"<td>{'<br>'.join(sms.recipients)}</td>"
            f"<td class=message>{_message_html(sms.message)}</td>"
            f"<td>{sms.segments} ({sms.coding.name})</td>"
            f"<td>{_format_credit(sms.credits_used)}</td>"
            f"<td>{'' if sms.no_stop else 'commercial (STOP)'}"
            f"{'' if sms.sms_class is None else f' class {sms.sms_class}'}"
            f"{'' if sms.deferred is None else f' deferred {_local(sms.deferred):%Y-%m-%d %H:%M}'}"
            f"{'' if sms.tag is None else f' tag {html.escape(sms.tag)}'}</td>"
            "</tr>"
            for sms in reversed(self.sent)
        )
        switch = "0" if self.unauthorized else "1"
        senders = ", ".join(
            html.escape(sender)
            + (
                ""
                if self.sender_status_of(sender) == ENABLED
                else f" ({self.sender_status_of(sender)})"
            )
            for sender in self.senders
        )
        return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>OVH SMS simulator</title>{_REFRESH}
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}}
.message{{white-space:pre-wrap;max-width:30em}}.failed{{color:#b00}}
td form{{display:inline}}</style></head><body>
<h1>OVH SMS simulator: http2sms at {ENDPOINT_PATH}, the API at {API_PATH}</h1>
<p>Account <b>{html.escape(self.account)}</b>, SMS user <b>{html.escape(self.login)}</b>,
senders <b>{senders}</b>.
Credit left: <b id=credit>{_format_credit(self.credits)}</b>.
Requests received: {len(self.requests)}.</p>
<form method=post action=/unauthorized><input type=hidden name=unauthorized value={switch}>
Answering 401 (IP not allowed): <b>{"yes" if self.unauthorized else "no"}</b>
<button>{"Allow this IP again" if self.unauthorized else "Answer 401"}</button></form>
<form method=post action=/answer-delay>
Answer delay: <b id=answer-delay>{self.answer_delay:g}</b> s
<input name=seconds type=number min=0 step=any value={self.answer_delay:g}>
<button>Set the delay</button></form>
<h2>SMS sent ({len(self.sent)})</h2>
<table><tr><th>Received</th><th>Via</th><th>From</th><th>To</th><th>Message</th><th>Parts</th>
<th>Credits</th><th>Options</th></tr>{rows}</table>
{self._api_section()}</body></html>
"""

    def _api_section(self) -> str:
        """Show the API's side: its keys, switches, consumer keys, senders, jobs, the phone."""
        api = self.api
        api.progress()
        now = api.now()
        keys = "".join(_credential_row(key, now) for key in api.credentials.values())
        senders = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{sender_type(name)}</td>"
            f"<td>{self.sender_status_of(name)}</td></tr>"
            for name in self.senders
        )
        failures = "".join(
            f"<option value={code}{' selected' if code == api.jobs_failure else ''}>{code}</option>"
            for code in _JOB_FAILURES
        )
        jobs = "".join(
            self._job_row(job, now) for job in reversed(list(api.jobs(include_cancelled=True)))
        )
        return f"""<h2>OVHcloud API</h2>
<p>Endpoint <b>{API_PATH}</b> on this server. Application key
<b id=application-key>{html.escape(api.application_key)}</b>, application secret
<b id=application-secret>{html.escape(api.application_secret)}</b>. Server time
<b id=server-time>{api.server_time()}</b> (skew {api.time_skew} s).
Rate limit: {api.rate_limit or "none"}.</p>
<form method=post action=/api/jobs-failure>POST /jobs fails with
<b id=jobs-failure>{api.jobs_failure or "nothing"}</b>
<select name=status><option value="">nothing</option>{failures}</select>
<button>Set</button></form>
<h3>Consumer keys</h3>
<table><tr><th>Consumer key</th><th>Application</th><th>Status</th><th>Rules</th>
<th>Expiration</th><th></th></tr>{keys}</table>
<h3>Senders</h3>
<table><tr><th>Sender</th><th>Type</th><th>Status</th></tr>{senders}</table>
<h3>Jobs and outgoing SMS: the phone</h3>
<p>Each SMS sent is pending until the phone reports it: mark it delivered, failed or expired.
Automatic delivery (accepted by the operator at once, delivered then):
<b id=deliver-after>{_seconds_or_off(api.deliver_after)}</b>.</p>
<form method=post action=/api/deliver-after>Deliver automatically after
<input name=seconds type=number min=0 step=any value="{_seconds_value(api.deliver_after)}"> s
(empty: never) <button>Set</button></form>
<table><tr><th>Id</th><th>Receiver</th><th>State</th><th>Delivery</th><th>Answer</th></tr>
{jobs}</table>
{self._replies_section()}"""

    def _replies_section(self) -> str:
        """Show the replies received and where OVH pushes reports and replies."""
        api = self.api
        replies = "".join(
            f"<tr><td>{incoming.id}</td><td>{ovh_datetime(incoming.created)}</td>"
            f"<td>{html.escape(incoming.sender)}</td><td>{incoming.answered}</td>"
            f"<td class=message>{_message_html(incoming.message)}</td>"
            f"<td>{html.escape(incoming.tag)}</td>"
            f"<td>{'deleted through the API' if incoming.deleted else 'kept'}</td></tr>"
            for incoming in reversed(api.incoming.values())
        )
        pushes = "".join(_push_row(call) for call in reversed(api.pusher.calls[-PUSHES_SHOWN:]))
        failures = sum(call.ok is False for call in api.pusher.calls)
        return f"""<h3>Replies received ({len(api.incoming)})</h3>
<table><tr><th>Id</th><th>Received</th><th>From</th><th>Answering</th><th>Message</th>
<th>Tag</th><th>State</th></tr>{replies}</table>
<h3>Push</h3>
<form method=post action=/api/push>
Delivery reports (callBack) to <input name=callback_url size=50
value="{html.escape(api.callback_url)}"><br>
Replies (smsResponse cgiUrl) to <input name=reply_url size=50
value="{html.escape(api.reply_url)}"> (response type <b>{api.response_type}</b>)<br>
<button>Set the push URLs</button> (empty: no push)</form>
<p>Pushes failed: <b id=push-failures>{failures}</b>.</p>
<table><tr><th>At</th><th>What</th><th>URL</th><th>Parameters</th><th>Outcome</th></tr>
{pushes}</table>
"""

    def _job_row(self, job: Job, now: datetime) -> str:
        start = f"<tr><td>{job.id}</td><td>{html.escape(job.receiver)}</td>"
        if job.id in self.api.cancelled:
            return f"{start}<td>cancelled</td><td></td><td></td></tr>"
        if self.api.pending(job, now):
            due = ovh_datetime(aware(job.sms.deferred or now))
            return f"{start}<td>job, due {due}</td><td></td><td></td></tr>"
        delivery = self.api.deliveries.get(job.id)
        progress = (
            f"<b>pending</b>: deliveryReceipt 0, ptt {PTT_BEFORE_REPORT}"
            if delivery is None
            else f"<b>{delivery.state}</b>: deliveryReceipt {delivery.receipt}, ptt "
            f"{delivery.ptt} ({PTTS[delivery.ptt][0].lower()}), {ovh_datetime(delivery.at)}"
        )
        buttons = "".join(
            "<form method=post action=/api/delivery>"
            f"<input type=hidden name=id value={job.id}>"
            f"<button name=state value={name}>{name.capitalize()}</button></form>"
            for name in FINAL_STATES
        )
        answer = (
            "<form method=post action=/api/reply>"
            f"<input type=hidden name=id value={job.id}>"
            "<input name=message required placeholder=Reply> <button>Answer</button></form>"
            if not job.sms.sender
            else f"<i>sent from {html.escape(job.sms.sender)}: replies reach only the SMS "
            "sent from the short number</i>"
        )
        deleted = ", deleted from the history" if job.id in self.api.deleted_outgoing else ""
        return (
            f"{start}<td>sent {ovh_datetime(self.api.sent_at(job))}{deleted}</td>"
            f"<td id=delivery-{job.id}>{progress}{buttons}</td><td>{answer}</td></tr>"
        )


def _push_row(call: PushCall) -> str:
    params = "<br>".join(
        f"{html.escape(name)}={html.escape(value)}" for name, value in call.params.items()
    )
    outcome = "in flight" if call.outcome is None else html.escape(call.outcome)
    return (
        f"<tr><td>{ovh_datetime(call.at)}</td><td>{call.kind}</td>"
        f"<td>{html.escape(call.url)}</td><td>{params}</td>"
        f"<td class={'failed' if call.ok is False else 'ok'}>{outcome}</td></tr>"
    )


def _seconds_or_off(seconds: float | None) -> str:
    return "off" if seconds is None else f"after {seconds:g} s"


def _seconds_value(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds:g}"


def _credential_row(credential: Credential, now: datetime) -> str:
    status = credential.status_at(now)
    actions = {
        CredentialStatus.PENDING: ("validate", "refuse"),
        CredentialStatus.VALIDATED: ("revoke",),
    }.get(status, ())
    buttons = "".join(
        "<form method=post action=/api/credential>"
        f"<input type=hidden name=consumer_key value={html.escape(credential.consumer_key)}>"
        f"<button name=action value={action}>{action.capitalize()}</button></form>"
        for action in actions
    )
    expiration = "never" if credential.expiration is None else ovh_datetime(credential.expiration)
    rules = "<br>".join(html.escape(str(rule)) for rule in credential.rules)
    return (
        f"<tr><td>{html.escape(credential.consumer_key)}</td>"
        f"<td>{html.escape(credential.application_key)}</td><td>{status}</td>"
        f"<td>{rules}</td><td>{expiration}</td><td>{buttons}</td></tr>"
    )


def parse_answer_delay(text: str) -> float:
    """Read an answer delay: a finite number of seconds, 0 or more (ValueError otherwise)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds < math.inf:
        raise ValueError(ANSWER_DELAY_REFUSED)
    return seconds


def _valid_deferred(deferred: str) -> bool:
    if not deferred:
        return True
    try:
        datetime.strptime(deferred, _DEFERRED_FORMAT)  # noqa: DTZ007
    except ValueError:
        return False
    return len(deferred) == _DEFERRED_LENGTH


def _local(moment: datetime) -> datetime:
    """Show a time in the simulator's zone; http2sms's deferred time already is (no zone)."""
    return moment if moment.tzinfo is None else moment.astimezone()


def _message_html(text: str) -> str:
    """Show CR as the line break a phone shows; a raw LF (which OVH ignores) as a visible mark."""
    return html.escape(text).replace("\n", "\N{SYMBOL FOR LINE FEED}").replace("\r", "\n")
