"""The OVHcloud API client: an application key, its secret and a consumer key.

Free of Home Assistant: it takes an aiohttp session, the keys and the endpoint.
Its calls are signed in signing.py, which makes a call whose timestamp OVH
refused once more (that refusal proves it did nothing); any other failure of
a send (POST /sms/{account}/jobs) is never retried (transport.py). Bodies and
answers are read in api_wire.py. Nothing this module logs or raises carries
the application secret or the consumer key.

Cost: what a message would be sent as (POST /sms/estimate, signed) and what a
part costs towards a country (GET /sms/rates/destinations, unsigned: it needs
no keys). Beside sending: delivery reports (GET /outgoing/{id}, /jobs/{id}), replies
(GET /incoming, /incoming/{id}; DELETE /incoming/{id}) and cancelling a
pending SMS (DELETE /jobs/{id}); two_way.py reads their answers. For readiness:
the service's state, the STOP list (and taking a number off it) and the
operator exceptions; readiness_wire.py reads their answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from functools import partial
import logging
import time
from typing import Any, Final

import aiohttp
from yarl import URL

from .api_wire import (
    is_id,
    job_body,
    no_answer,
    parse_account,
    parse_consumer_key,
    parse_credential_state,
    parse_destination_rate,
    parse_estimate,
    parse_ids,
    parse_job,
    parse_sender,
    parse_strings,
)
from .batches import send_in_batches
from .endpoint import validate_endpoint
from .errors import (
    AccessDeniedError,
    InvalidEndpointError,
    NotOnStopListError,
    OvhSmsError,
    PartialSendError,
    ReplyNotFoundError,
    SenderNotFoundError,
    SmsNotFoundError,
    StopMentionFromNumberError,
)
from .models import (
    Accepted,
    AccessRule,
    ApiKeys,
    ConsumerKeyRequest,
    CredentialState,
    DeliveryReport,
    DestinationRate,
    MessageEstimate,
    OperatorException,
    Priority,
    Reply,
    Sender,
    SendResult,
    ServiceInfos,
    Sms,
    SmsAccountInfo,
)
from .readiness_wire import parse_exceptions, parse_service_infos
from .signing import (
    ACCESS_RULES,
    CANCEL_RULE,
    DELETE_NUMBER_REPLY_RULE,
    DELETE_REPLY_RULE,
    LIST_RULE,
    READ_RULE,
    SEND_FROM_NUMBER_RULE,
    SEND_RULE,
    STOP_LIST_RULE,
    SignedCaller,
)
from .transport import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    REQUEST_DEADLINE,
    Transport,
    fan_out,
)
from .two_way import (
    reply_from_incoming,
    report_from_job,
    report_from_outgoing,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_API_ENDPOINT: Final = "https://eu.api.ovh.com/1.0"
# OVH documents no maximum of receivers per job: 50 keeps each request small,
# and a failure touches at most one batch.
API_BATCH_SIZE: Final = 50
# OVH's fair use is about 60 calls a minute per consumer key: 2 in flight is plenty.
API_MAX_IN_FLIGHT: Final = 2
# What may have happened when a cancel got no answer.
_CANCEL_MAY_BE_DONE: Final = "the cancel may have been done"
_REMOVAL_MAY_BE_DONE: Final = "the number may have been taken off the STOP list"
# What POST /virtualNumbers/{number}/jobs does not take (OVH's schema).
_NOT_FROM_A_VIRTUAL_NUMBER: Final = ("sender", "senderForResponse", "noStopClause")


def _api_base(endpoint: str) -> str:
    """Validate the endpoint and return it as sent on the wire, without a trailing /."""
    url = URL(validate_endpoint(endpoint))
    if url.raw_query_string or url.raw_fragment:
        raise InvalidEndpointError("The API endpoint must not have a query or a fragment")
    return str(url).rstrip("/")


def _inbox(account: str, number: str | None) -> tuple[str, ...]:
    """Return the path of the replies to the short number, or of a virtual number's SMS."""
    if number is None:
        return ("sms", account, "incoming")
    return ("sms", account, "virtualNumbers", number, "incoming")


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
        self._keys = keys
        self._endpoint = _api_base(endpoint)
        transport = Transport(
            session,
            self._endpoint,
            secrets=(keys.application_secret, keys.consumer_key),
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            deadline=deadline,
        )
        # One caller for every call: OVH's clock is read once and shared by all.
        self._call = SignedCaller(transport, keys, monotonic=monotonic).call
        self._batch_size = batch_size
        self._max_in_flight = max_in_flight
        self._clock = clock

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
            parse_consumer_key,
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
                parse_credential_state,
                rule="GET /auth/currentCredential",
            )
        except AccessDeniedError:
            _LOGGER.debug("The consumer key may not read its state; reading the SMS accounts")
        await self.sms_accounts()
        return CredentialState.VALIDATED

    async def sms_accounts(self) -> tuple[str, ...]:
        """Return the names of the SMS accounts the keys reach, e.g. sms-ab1234-1."""
        return await self._call("GET", ("sms",), parse_strings, rule=str(LIST_RULE))

    async def account(self, name: str) -> SmsAccountInfo:
        """Return an SMS account's description, status and credit left."""
        return await self._call(
            "GET", ("sms", name), partial(parse_account, name), rule=str(READ_RULE), account=name
        )

    async def senders(self, name: str) -> tuple[Sender, ...]:
        """Return the senders declared on an SMS account, in OVH's order, with their status."""
        names = await self._call(
            "GET", ("sms", name, "senders"), parse_strings, rule=str(READ_RULE), account=name
        )

        async def read(sender: str) -> Sender:
            return await self._call(
                "GET",
                ("sms", name, "senders", sender),
                partial(parse_sender, sender),
                rule=str(READ_RULE),
                account=name,
            )

        senders, failure = await fan_out(
            names,
            read,
            max_in_flight=self._max_in_flight,
            not_started=lambda stop: stop,
            stops=lambda _: True,
        )
        if failure is not None:
            raise failure
        return tuple(sender for sender in senders if isinstance(sender, Sender))

    async def send(
        self,
        account: str,
        sms: Sms,
        *,
        priority: Priority = Priority.HIGH,
        virtual_number: str | None = None,
    ) -> SendResult:
        """Send the SMS from the account, one job per batch of recipients; never retry.

        With virtual_number (as virtual_numbers() gives it), the SMS go out
        from that number (POST /virtualNumbers/{number}/jobs): its body has no
        sender, senderForResponse or noStopClause, so an SMS asking for the STOP
        mention (no_stop False) raises StopMentionFromNumberError, sending nothing.

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
        check_from_number(sms, virtual_number)
        path = (
            ("sms", account, "jobs")
            if virtual_number is None
            else ("sms", account, "virtualNumbers", virtual_number, "jobs")
        )

        async def request(recipients: Sequence[str]) -> Accepted:
            body = job_body(sms, recipients, now=self._clock(), priority=priority)
            if virtual_number is not None:  # that number's jobs take no sender
                for key in _NOT_FROM_A_VIRTUAL_NUMBER:
                    body.pop(key, None)
            return await self._call(
                "POST",
                path,
                partial(parse_job, recipients),
                rule=str(SEND_RULE if virtual_number is None else SEND_FROM_NUMBER_RULE),
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
        if not is_id(sms_id):
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
            rule=str(READ_RULE),
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
        ids = list(dict.fromkeys(sms_ids))
        reports, _ = await fan_out(
            ids,
            partial(self.delivery, account),
            max_in_flight=self._max_in_flight,
            not_started=lambda stop: stop,
        )
        return dict(zip(ids, reports, strict=True))

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
        if not is_id(sms_id):
            raise SmsNotFoundError(sms_id)
        await self._call(
            "DELETE",
            ("sms", account, "jobs", sms_id),
            no_answer,
            rule=str(CANCEL_RULE),
            account=account,
            missing=SmsNotFoundError(sms_id),
            outcome=_CANCEL_MAY_BE_DONE,
        )

    async def reply_ids(self, account: str, number: str | None = None) -> tuple[str, ...]:
        """Return the ids of the replies the account holds (GET /incoming), in OVH's order.

        With number, those its virtual number received
        (GET /virtualNumbers/{number}/incoming). OVH has no "unread" filter:
        the caller remembers what it has read, or deletes it (delete_reply).
        """
        return await self._call(
            "GET", _inbox(account, number), parse_ids, rule=str(READ_RULE), account=account
        )

    async def reply(self, account: str, reply_id: str, number: str | None = None) -> Reply:
        """Return one reply (GET /sms/{account}/incoming/{id}), or one the virtual number got.

        Raises ReplyNotFoundError when OVH has no such reply (or the id is
        not a number: no request is then made).
        """
        if not is_id(reply_id):
            raise ReplyNotFoundError(reply_id)
        return await self._call(
            "GET",
            (*_inbox(account, number), reply_id),
            partial(reply_from_incoming, reply_id),
            rule=str(READ_RULE),
            account=account,
            missing=ReplyNotFoundError(reply_id),
        )

    async def delete_reply(self, account: str, reply_id: str, number: str | None = None) -> None:
        """Delete a reply read (DELETE /sms/{account}/incoming/{id}); one already gone is fine.

        With number, one its virtual number received
        (DELETE /virtualNumbers/{number}/incoming/{id}).

        Deleting again is harmless, so its failures are those of a read
        (OvhConnectionError, OvhHttpError): nothing to fear from a retry. An
        id that is not a number names no reply: nothing is sent.
        """
        if not is_id(reply_id):
            return
        try:
            await self._call(
                "DELETE",
                (*_inbox(account, number), reply_id),
                no_answer,
                rule=str(DELETE_REPLY_RULE if number is None else DELETE_NUMBER_REPLY_RULE),
                account=account,
                missing=ReplyNotFoundError(reply_id),
            )
        except ReplyNotFoundError:
            _LOGGER.debug("Reply %s was already deleted", reply_id)

    async def virtual_numbers(self, account: str) -> tuple[str, ...]:
        """Return the account's virtual numbers (GET /virtualNumbers), as OVH writes them."""
        return await self._call(
            "GET",
            ("sms", account, "virtualNumbers"),
            parse_strings,
            rule=str(READ_RULE),
            account=account,
        )

    async def estimate(self, message: str, *, no_stop: bool, sender_type: str) -> MessageEstimate:
        """Ask OVH how it would send this text (POST /sms/estimate): nothing is sent.

        sender_type is OVH's: alpha, numeric, shortcode or virtual.
        """
        return await self._call(
            "POST",
            ("sms", "estimate"),
            parse_estimate,
            rule="POST /sms/estimate",
            body={"message": message, "noStopClause": no_stop, "senderType": sender_type},
        )

    async def destination_rate(self, country: str, billing_country: str) -> DestinationRate:
        """Read the credits one SMS part costs towards a country (ISO 3166 code), unsigned.

        billing_country is the OVHcloud subsidiary that bills the account.
        """
        return await self._call(
            "GET",
            ("sms", "rates", "destinations"),
            partial(parse_destination_rate, country.upper()),
            rule="GET /sms/rates/destinations",
            query={"country": country.lower(), "billingCountry": billing_country.lower()},
            signed=False,
        )

    async def service_infos(self, account: str) -> ServiceInfos:
        """Return how OVH bills the account's service: its status and expiry."""
        return await self._call(
            "GET",
            ("sms", account, "serviceInfos"),
            parse_service_infos,
            rule=str(READ_RULE),
            account=account,
        )

    async def stop_list(self, account: str) -> tuple[str, ...]:
        """Return the numbers on the account's STOP list (GET /blacklists), as OVH spells them.

        OVH sends no SMS to them: they answered STOP to one of the account's SMS.
        """
        return await self._call(
            "GET",
            ("sms", account, "blacklists"),
            parse_strings,
            rule=str(READ_RULE),
            account=account,
        )

    async def remove_from_stop_list(self, account: str, number: str) -> None:
        """Take a number off the STOP list (DELETE /blacklists/{number}); one already off is fine.

        number is spelled as stop_list() gave it. Removing again is harmless:
        after an OutcomeUnknownError, reading the list tells.
        """
        try:
            await self._call(
                "DELETE",
                ("sms", account, "blacklists", number),
                no_answer,
                rule=str(STOP_LIST_RULE),
                account=account,
                missing=NotOnStopListError(number),
                outcome=_REMOVAL_MAY_BE_DONE,
            )
        except NotOnStopListError:
            _LOGGER.debug("%s was already off the STOP list", number)

    async def exceptions(self, account: str, receiver: str) -> tuple[OperatorException, ...]:
        """Return the operator restrictions OVH applies to SMS for this receiver.

        receiver is a number in any international form; the restrictions are
        those of its country's operators (OVH does not tell which one is his).
        """
        return await self._call(
            "GET",
            ("sms", account, "exceptions"),
            parse_exceptions,
            rule=str(READ_RULE),
            account=account,
            query={"receiver": receiver},
        )

    async def sender(self, account: str, name: str) -> Sender:
        """Return one sender of the account and its status (GET /senders/{name}).

        Raises SenderNotFoundError when the account has no such sender.
        """
        return await self._call(
            "GET",
            ("sms", account, "senders", name),
            partial(parse_sender, name),
            rule=str(READ_RULE),
            account=account,
            missing=SenderNotFoundError(404, f"Sender {name} is not declared on {account}"),
        )


def check_from_number(sms: Sms, virtual_number: str | None) -> None:
    """Refuse, before any request, an SMS from a virtual number that asks for the STOP mention.

    That number's jobs take no noStopClause: raise StopMentionFromNumberError.
    """
    if virtual_number is not None and not sms.no_stop:
        raise StopMentionFromNumberError(virtual_number)
