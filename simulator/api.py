"""The simulated OVHcloud API under /1.0: its routes and how they answer.

It serves the simulated account (account.py), the one http2sms (http2sms.py)
serves too; its keys and the check of signed calls are in keys.py, its wire
format in wire.py, the jobs, deliveries and replies in traffic.py. Every call is
checked as ../shared/spec/ovh-api.md says OVH does, then its access rules. Every
answer is JSON and carries an X-OVH-QUERYID header.

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
- GET /sms/rates/destinations needs no keys, as OVH's schema says
  (noAuthentication); rates.py answers it;
- GET /sms/ptts answers 404 for a ptt outside the spec's table; an unknown or
  deleted incoming SMS is a 404 like an unknown job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from http import HTTPStatus
import json
import logging
from typing import Any, Final
from urllib.parse import unquote

from aiohttp import web

from .account import SentSms, aware, sender_type
from .keys import CredentialStatus
from .phone import Incoming
from .rates import RATES_PATH, destination_rate
from .readiness import AccountReadiness
from .segments import MAX_PARTS, SmsCoding, coding_for, count_parts
from .traffic import Job
from .virtual_numbers import VirtualNumberTraffic
from .wire import (
    CLASS_DIGITS,
    INCOMING_FILTERS,
    INVALID_CREDENTIAL,
    INVALID_URL,
    NOT_GRANTED_CALL,
    NUMBER,
    OUTGOING_FILTERS,
    PTT_BEFORE_REPORT,
    ApiError,
    account_changes,
    api_error,
    auth_error,
    check_job,
    estimate,
    incoming_fields,
    international,
    json_object,
    match_filter,
    not_valid,
    number,
    ovh_datetime,
    ptt_answer,
    refuse_unknown,
)

_LOGGER = logging.getLogger(__name__)

API_PATH: Final = "/1.0"
# What POST /virtualNumbers/{number}/jobs does not take (OVH's schema).
# Assumption: its SMS carry no STOP mention.
FROM_NUMBER_REFUSED: Final = frozenset({"sender", "senderForResponse", "noStopClause"})


@dataclass
class OvhApiSimulator(VirtualNumberTraffic):
    """The OVHcloud API of the simulated account: its keys (keys.py), its SMS (traffic.py), /sms.

    jobs_failure (a 5xx) makes POST /jobs fail without sending. description and
    stop_callback_url are the account's fields that PUT /sms/{s} sets and nothing
    else reads. readiness answers serviceInfos, blacklists and exceptions (readiness.py).
    """

    jobs_failure: int | None = None
    description: str = ""
    stop_callback_url: str = ""
    readiness: AccountReadiness = field(default_factory=AccountReadiness)
    _queries: int = field(default=0, init=False, repr=False)

    def add_routes(self, app: web.Application) -> None:
        """Serve the API under /1.0; push and move the SMS along while serving."""
        app.router.add_route("*", API_PATH + "/{tail:.*}", self._endpoint)
        app.cleanup_ctx.append(self.serve)

    def reply(self, sms_id: int, message: str) -> Incoming:
        """Answer a sent SMS from its receiver's phone; STOP puts him on the STOP list."""
        incoming = super().reply(sms_id, message)
        self.readiness.hear(incoming.sender, message, incoming.created)
        return incoming

    def _job(self, job_id: str, now: datetime, *, pending: bool) -> Job:
        if not job_id.isdecimal():
            raise not_valid("id", job_id, "long")
        for job in self.jobs():
            if (
                job.id == int(job_id)
                and self.pending(job, now) == pending
                and job.id not in self.deleted_outgoing
            ):
                return job
        raise api_error(404, f"The requested object (id = {job_id}) does not exist")

    async def _endpoint(self, request: web.Request) -> web.Response:
        await self.account.wait_answer_delay()
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
            return self.request_credential(request, body)
        if (request.method, path) == ("GET", RATES_PATH):
            return destination_rate(request.query, self.account.credit_to_country)
        credential = self.authenticate(request, body)
        now = self.now()
        if (request.method, path) == ("GET", "/auth/currentCredential"):
            return self.current_credential(credential, now)
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
                return ptt_answer(query)
            case ["sms", "estimate"] if method == "POST":
                return estimate(body)
            case ["sms", service, "serviceInfos" | "blacklists" | "exceptions", *_] if (
                service == self.account.account
            ):
                return self.readiness.route(method, segments[2:], query)
            case ["sms", service, *rest]:
                if service != self.account.account:
                    raise api_error(404, "This service does not exist")
                return self._sms(method, rest, query, body, now)
        raise api_error(404, INVALID_URL)

    def _sms(  # noqa: C901, PLR0911 - one answer per route
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
            case _, ["virtualNumbers", *_]:
                return self.virtual_numbers_route(method, route, partial(self._send, body, now))
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
                self.cancel(self._job(job_id, now, pending=True))
                return None
        raise api_error(404, INVALID_URL)

    def _service(self) -> dict[str, object]:
        account = self.account
        return {
            "name": account.account,
            "description": self.description,
            "status": "enable",
            "creditsLeft": number(account.credits),
            "creditsHoldByQuota": 0,
            "userQuantityWithQuota": 0,
            "callBack": self.callback_url,
            "stopCallBack": self.stop_callback_url,
            "smsResponse": {"responseType": self.response_type, "cgiUrl": self.reply_url},
        }

    def _set_service(self, body: bytes) -> None:
        """PUT /sms/{s}: check every field given, then set them all."""
        texts, response = account_changes(body)
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
                refuse_unknown(query, INCOMING_FILTERS, what="query parameter")
                checks = [match_filter(name, value) for name, value in query.items()]
                return [
                    incoming.id
                    for incoming in self.incoming.values()
                    if not incoming.deleted
                    and incoming.receiver is None
                    and all(check(incoming_fields(incoming)) for check in checks)
                ]
            case "GET", ["incoming", incoming_id]:
                return incoming_fields(self.received(incoming_id, None))
            case "DELETE", ["incoming", incoming_id]:
                incoming = self.received(incoming_id, None)
                incoming.deleted = True
                _LOGGER.info("Reply %d deleted", incoming.id)
                return None
        raise api_error(404, INVALID_URL)

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

    def _send(
        self, body: bytes, now: datetime, from_number: str | None = None
    ) -> dict[str, object]:
        """POST /jobs, or /virtualNumbers/{from_number}/jobs: no sender there, no STOP mention."""
        if self.jobs_failure is not None:
            raise api_error(self.jobs_failure, HTTPStatus(self.jobs_failure).phrase)
        if from_number is None:
            fields = check_job(json_object(body))
            sender = self._check_sender(fields)
        else:
            given = json_object(body)
            refuse_unknown(given, frozenset(given) - FROM_NUMBER_REFUSED)
            fields = check_job(given) | {"noStopClause": True}
            sender = international(from_number)
        text: str = fields["message"]
        coding = coding_for(text)
        segments = count_parts(text, coding, stop_mention=not fields.get("noStopClause", False))
        if segments > MAX_PARTS:
            raise api_error(400, f"Message too long: {segments} SMS, at most {MAX_PARTS}")
        receivers: list[str] = fields["receivers"]
        valid = [international(number) for number in receivers if NUMBER.fullmatch(number)]
        invalid = [number for number in receivers if not NUMBER.fullmatch(number)]
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
            answer["totalCreditsRemoved"] = number(sms.credits_used)
        answer["creditsLeft"] = number(self.account.credits)
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
        cost = self.account.cost(receivers, segments)
        if cost > self.account.credits:
            raise api_error(
                400,
                f"Not enough credits: this job needs {number(cost)}, "
                f"{number(self.account.credits)} left",
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
            sms_class=CLASS_DIGITS.get(fields.get("class", "")),
            deferred=now + timedelta(minutes=differed) if differed else None,
            tag=fields.get("tag") or None,
            now=now,
        )

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
            "credits": number(sms.credits_used / len(sms.recipients)),
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
        refuse_unknown(query, OUTGOING_FILTERS, what="query parameter")
        checks = [match_filter(name, value) for name, value in query.items()]
        return [
            job.id
            for job in self.jobs()
            if not self.pending(job, now)
            and job.id not in self.deleted_outgoing
            and all(check(self._outgoing_fields(job)) for check in checks)
        ]
