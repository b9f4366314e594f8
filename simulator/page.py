"""The simulator's page: the account, every SMS sent, the API's side, the phone, the switches.

It shows the simulated account (account.py) and its API (api.py), and its forms
change them: refuse connections (reachability.py), answer 401, delay the answers,
fail POST /jobs, validate or revoke consumer keys, mark deliveries, answer SMS (an
alarm's "OK 47" in one click), set the push URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import html
import logging
import re
from typing import Final

from aiohttp import web

from .account import (
    ENABLED,
    SimulatedAccount,
    aware,
    format_credit,
    parse_answer_delay,
    sender_type,
)
from .api import API_PATH, OvhApiSimulator
from .http2sms import ENDPOINT_PATH
from .keys import Credential, CredentialStatus
from .phone import DELIVERY_STATES, FINAL_STATES, PTTS, PUSHES_SHOWN, PushCall
from .reachability import Reachability
from .traffic import Job
from .wire import PTT_BEFORE_REPORT, ovh_datetime

_LOGGER = logging.getLogger(__name__)

DELIVER_AFTER_REFUSED: Final = "Deliver after a number of seconds, 0 or more, or never (empty)."
# The failures the page can make POST /jobs answer.
_JOB_FAILURES: Final = (500, 502, 503, 504)
# What an SMS asks to be answered with to acknowledge it (an alarm's "Reply OK 47 to
# acknowledge", « Répondez OK 47 pour acquitter »): the page answers it in one click.
_ACKNOWLEDGE_CODE: Final = re.compile(r"\bOK (\d+)\b")
# The page reloads every 5 seconds, unless a field is being filled in (a reply, a URL).
_REFRESH: Final = """
<script>setInterval(function () {
  var field = document.activeElement;
  var typing = Array.prototype.some.call(document.querySelectorAll("input:not([type=hidden])"),
    function (input) { return input.value !== input.defaultValue; });
  if (!typing && !(field && field.tagName === "INPUT")) { location.reload(); }
}, 5000);</script>"""


@dataclass
class Page:
    """The page at / and the forms it posts, on one account and its API."""

    account: SimulatedAccount
    api: OvhApiSimulator
    reachability: Reachability

    def add_routes(self, app: web.Application) -> None:
        """Serve the page at / and its forms."""
        app.router.add_get("/", self._page)
        app.router.add_post("/unreachable", self._switch_unreachable)
        app.router.add_post("/unauthorized", self._switch_unauthorized)
        app.router.add_post("/answer-delay", self._set_answer_delay)
        app.router.add_post("/api/credential", self._switch_credential)
        app.router.add_post("/api/jobs-failure", self._set_jobs_failure)
        app.router.add_post("/api/delivery", self._set_delivery)
        app.router.add_post("/api/reply", self._reply)
        app.router.add_post("/api/text", self._text)
        app.router.add_post("/api/push", self._set_push)
        app.router.add_post("/api/deliver-after", self._set_deliver_after)

    async def _switch_unreachable(self, request: web.Request) -> web.Response:
        unreachable = (await request.post()).get("unreachable") == "1"
        await self.reachability.switch(unreachable=unreachable)
        raise web.HTTPSeeOther("/")

    async def _switch_unauthorized(self, request: web.Request) -> web.Response:
        self.account.unauthorized = (await request.post()).get("unauthorized") == "1"
        _LOGGER.info("Answering 401 to every request: %s", self.account.unauthorized)
        raise web.HTTPSeeOther("/")

    async def _set_answer_delay(self, request: web.Request) -> web.Response:
        try:
            self.account.answer_delay = parse_answer_delay(
                str((await request.post()).get("seconds", ""))
            )
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        _LOGGER.info("Answering each request after %g s", self.account.answer_delay)
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

    async def _text(self, request: web.Request) -> web.Response:
        """Have a phone text one of the virtual numbers."""
        form = await request.post()
        try:
            self.api.text(
                str(form.get("to", "")),
                str(form.get("sender", "")).strip(),
                str(form.get("message", "")),
            )
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
        return web.Response(text=self.render(), content_type="text/html")

    def render(self) -> str:
        """Show the account, its credit, the switches, every SMS sent and the API side."""
        account = self.account
        rows = "".join(
            "<tr>"
            f"<td>{sms.received_at.astimezone():%Y-%m-%d %H:%M:%S}</td>"
            f"<td>{sms.via}</td>"
            f"<td>{html.escape(sms.sender) or '<i>short number</i>'}</td>"
            f"<td>{'<br>'.join(sms.recipients)}</td>"
            f"<td class=message>{_message_html(sms.message)}</td>"
            f"<td>{sms.segments} ({sms.coding.name})</td>"
            f"<td>{format_credit(sms.credits_used)}</td>"
            f"<td>{'' if sms.no_stop else 'commercial (STOP)'}"
            f"{'' if sms.sms_class is None else f' class {sms.sms_class}'}"
            f"{'' if sms.deferred is None else f' deferred {_local(sms.deferred):%Y-%m-%d %H:%M}'}"
            f"{'' if sms.tag is None else f' tag {html.escape(sms.tag)}'}</td>"
            "</tr>"
            for sms in reversed(account.sent)
        )
        switch = "0" if account.unauthorized else "1"
        unreachable = self.reachability.unreachable
        senders = ", ".join(
            html.escape(sender)
            + (
                ""
                if account.sender_status_of(sender) == ENABLED
                else f" ({account.sender_status_of(sender)})"
            )
            for sender in account.senders
        )
        return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>OVH SMS simulator</title>{_REFRESH}
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}}
.message{{white-space:pre-wrap;max-width:30em}}.failed{{color:#b00}}
td form{{display:inline}}</style></head><body>
<h1>OVH SMS simulator: http2sms at {ENDPOINT_PATH}, the API at {API_PATH}</h1>
<p>Account <b>{html.escape(account.account)}</b>, SMS user <b>{html.escape(account.login)}</b>,
senders <b>{senders}</b>.
Credit left: <b id=credit>{format_credit(account.credits)}</b>.
Requests received: {len(account.requests)}.</p>
<form method=post action="{self.reachability.page_url}/unreachable">
<input type=hidden name=unreachable value={0 if unreachable else 1}>
Unreachable (connections refused, like OVH down; this page stays at
{html.escape(self.reachability.page_url or "its own port")}/):
<b id=unreachable>{"yes" if unreachable else "no"}</b>
<button>{"Serve again" if unreachable else "Refuse connections"}</button></form>
<form method=post action=/unauthorized><input type=hidden name=unauthorized value={switch}>
Answering 401 (IP not allowed): <b>{"yes" if account.unauthorized else "no"}</b>
<button>{"Allow this IP again" if account.unauthorized else "Answer 401"}</button></form>
<form method=post action=/answer-delay>
Answer delay: <b id=answer-delay>{account.answer_delay:g}</b> s
<input name=seconds type=number min=0 step=any value={account.answer_delay:g}>
<button>Set the delay</button></form>
<h2>SMS sent ({len(account.sent)})</h2>
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
            f"<td>{self.account.sender_status_of(name)}</td></tr>"
            for name in self.account.senders
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
            f"<td>{html.escape(incoming.sender)}</td>"
            f"<td>{incoming.answered or ''}{html.escape(incoming.receiver or '')}</td>"
            f"<td class=message>{_message_html(incoming.message)}</td>"
            f"<td>{html.escape(incoming.tag)}</td>"
            f"<td>{'deleted through the API' if incoming.deleted else 'kept'}</td></tr>"
            for incoming in reversed(api.incoming.values())
        )
        pushes = "".join(_push_row(call) for call in reversed(api.pusher.calls[-PUSHES_SHOWN:]))
        failures = sum(call.ok is False for call in api.pusher.calls)
        numbers = "".join(
            f"<option>{html.escape(number)}</option>" for number in api.virtual_numbers
        )
        return f"""<h3>Virtual numbers</h3>
<form method=post action=/api/text>A phone <input name=sender required
placeholder=+33612345678> texts <select name=to>{numbers}</select>
<input name=message required placeholder=Message size=40> <button>Send</button></form>
<h3>Replies received ({len(api.incoming)})</h3>
<table><tr><th>Id</th><th>Received</th><th>From</th><th>Answering / to</th><th>Message</th>
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
            f"{_acknowledge_form(job)}"
            if not job.sms.sender
            else f"<i>sent from {html.escape(job.sms.sender)}: replies reach only the SMS "
            "sent from the short number</i>"
        )
        deleted = ", deleted from the history" if job.id in self.api.deleted_outgoing else ""
        return (
            f"{start}<td>sent {ovh_datetime(self.api.sent_at(job))}{deleted}</td>"
            f"<td id=delivery-{job.id}>{progress}{buttons}</td><td>{answer}</td></tr>"
        )


def _acknowledge_form(job: Job) -> str:
    """Offer the "OK 47" an SMS asks for, from its receiver's phone; nothing if it asks none."""
    codes = _ACKNOWLEDGE_CODE.findall(job.sms.message)
    if not codes:
        return ""
    answer = f"OK {codes[-1]}"
    return (
        "<form method=post action=/api/reply>"
        f"<input type=hidden name=id value={job.id}>"
        f'<input type=hidden name=message value="{answer}"><button>Answer {answer}</button></form>'
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


def _local(moment: datetime) -> datetime:
    """Show a time in the simulator's zone; http2sms's deferred time already is (no zone)."""
    return moment if moment.tzinfo is None else moment.astimezone()


def _message_html(text: str) -> str:
    """Show CR as the line break a phone shows; a raw LF (which OVH ignores) as a visible mark."""
    return html.escape(text).replace("\n", "\N{SYMBOL FOR LINE FEED}").replace("\r", "\n")
