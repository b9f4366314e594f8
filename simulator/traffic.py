"""The account's SMS as the API sees them: jobs, outgoing SMS, delivery reports, replies.

Each SMS of the account (account.py) is one job per receiver while it waits for
its deferred time, then an outgoing SMS. The phone (phone.py: the page, a test or
the automatic progression) reports its delivery and answers it; each report and
reply is pushed to the account's callBack and smsResponse URLs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging

from aiohttp import web

from .account import SentSms, SimulatedAccount, aware
from .keys import ApiKeys
from .phone import (
    ACCEPTED,
    DELIVERED,
    DELIVERY_STATES,
    DLR_DESCRIPTIONS,
    FIRST_INCOMING_ID,
    REPLY_CREDITS,
    REPLY_WINDOW,
    SHORT_NUMBER,
    TICK,
    Delivery,
    Incoming,
    Pusher,
    check_url,
)
from .wire import international, number, ovh_datetime

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """One SMS to one receiver, as /jobs and /outgoing show it."""

    id: int
    sms: SentSms
    receiver: str


@dataclass
class SmsTraffic(ApiKeys):
    """The jobs, outgoing SMS, deliveries and replies of the account, and their pushes.

    deliver_after (seconds, None: off) makes every SMS sent accepted by the
    operator at once and delivered that long after it left. callback_url (the
    account's callBack) receives each delivery report; reply_url (smsResponse's
    cgiUrl, when response_type is "cgi") each reply. tick is how often, while the
    application runs, the automatic progression is moved along. account is the
    simulated account, given by the simulator that serves both (server.py).
    """

    deliver_after: float | None = None
    callback_url: str = ""
    reply_url: str = ""
    response_type: str = "cgi"
    tick: float = field(default=TICK, repr=False)
    deliveries: dict[int, Delivery] = field(default_factory=dict, repr=False)
    cancelled: set[int] = field(default_factory=set, repr=False)
    deleted_outgoing: set[int] = field(default_factory=set, repr=False)
    incoming: dict[int, Incoming] = field(default_factory=dict, repr=False)
    pusher: Pusher = field(default_factory=Pusher, repr=False, compare=False)
    account: SimulatedAccount = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Check the push URLs, then create the keys."""
        check_url("callBack", self.callback_url)
        check_url("cgiUrl", self.reply_url)
        super().__post_init__()

    def jobs(self, *, include_cancelled: bool = False) -> Iterator[Job]:
        """Yield one record per receiver of every SMS of the account, oldest first."""
        for sms in self.account.sent:
            for sms_id, receiver in zip(sms.sms_ids, sms.recipients, strict=True):
                if include_cancelled or int(sms_id) not in self.cancelled:
                    yield Job(int(sms_id), sms, international(receiver))

    def pending(self, job: Job, now: datetime) -> bool:
        """Tell whether the SMS waits for its deferred time (a job) or left (outgoing)."""
        return job.sms.deferred is not None and aware(job.sms.deferred) > now

    def sent_at(self, job: Job) -> datetime:
        """Return when the SMS left: its deferred time, or when it was received."""
        return aware(job.sms.deferred) if job.sms.deferred is not None else job.sms.received_at

    def outgoing(self, sms_id: int) -> Job:
        """Return a sent SMS (not pending, not cancelled); ValueError otherwise."""
        now = self.now()
        for job in self.jobs():
            if job.id == sms_id and not self.pending(job, now):
                return job
        raise ValueError(f"No SMS {sms_id} has been sent")

    def set_delivery(self, sms_id: int, state: str) -> Delivery:
        """Report a sent SMS accepted, delivered, failed or expired (DELIVERY_STATES).

        ValueError for another state or an SMS not sent. The state may change again
        (OVH's would not after a final one): each change is pushed.
        """
        if state not in DELIVERY_STATES:
            raise ValueError(f"{state!r} is not one of {', '.join(DELIVERY_STATES)}")
        return self._deliver(self.outgoing(sms_id), state, self.now())

    def _deliver(self, job: Job, state: str, at: datetime) -> Delivery:
        delivery = Delivery(state, *DELIVERY_STATES[state], at)
        self.deliveries[job.id] = delivery
        _LOGGER.info("SMS %d: %s (ptt %d)", job.id, state, delivery.ptt)
        if self.callback_url:
            self.pusher.push(
                "delivery report",
                self.callback_url,
                {
                    "id": str(job.id),
                    "ptt": str(delivery.ptt),
                    "date": ovh_datetime(at),
                    "description": delivery.description,
                    "descriptionDlr": DLR_DESCRIPTIONS[delivery.receipt],
                    "receiver": job.receiver,
                },
                self.now(),
            )
        return delivery

    def progress(self) -> None:
        """Move the SMS sent along the automatic progression, if deliver_after is set.

        An SMS without a report is accepted when it leaves, and an accepted one
        delivered deliver_after seconds later, on the server's clock: what the
        page or set_delivery set otherwise stays.
        """
        if self.deliver_after is None:
            return
        now = self.now()
        after = timedelta(seconds=self.deliver_after)
        for job in list(self.jobs()):
            if self.pending(job, now):
                continue
            sent_at = self.sent_at(job)
            delivery = self.deliveries.get(job.id) or self._deliver(job, ACCEPTED, sent_at)
            if delivery.state == ACCEPTED and now >= sent_at + after:
                self._deliver(job, DELIVERED, sent_at + after)

    def reply(self, sms_id: int, message: str) -> Incoming:
        """Answer a sent SMS from its receiver's phone: an incoming SMS, charged.

        ValueError when OVH would not receive it: an SMS not sent, not sent from
        the short number (senderForResponse), sent more than 48 hours ago, an
        empty message, or a credit too low to pay for it.
        """
        job = self.outgoing(sms_id)
        now = self.now()
        if job.sms.sender:
            raise ValueError(
                f"SMS {sms_id} was sent from {job.sms.sender}: replies reach only the SMS "
                "sent from the short number (senderForResponse)"
            )
        if now - self.sent_at(job) > REPLY_WINDOW:
            raise ValueError(f"SMS {sms_id} left more than 48 hours ago: no reply reaches it")
        if not message.strip():
            raise ValueError("A reply needs a message")
        if self.account.credits < REPLY_CREDITS:
            raise ValueError("Not enough credits to receive a reply")
        self.account.credits -= REPLY_CREDITS
        incoming = Incoming(
            id=FIRST_INCOMING_ID + len(self.incoming),
            created=now,
            sender=job.receiver,
            message=message,
            tag=job.sms.tag or "",
            credits=REPLY_CREDITS,
            answered=job.id,
        )
        self.incoming[incoming.id] = incoming
        _LOGGER.info("Reply %d from %s to SMS %d: %r", incoming.id, job.receiver, job.id, message)
        if self.response_type == "cgi" and self.reply_url:
            self.pusher.push(
                "reply",
                self.reply_url,
                {
                    "shortcode": SHORT_NUMBER,
                    "tag": incoming.tag,
                    "id": str(incoming.id),
                    "senderid": incoming.sender,
                    "message": message,
                },
                now,
            )
        return incoming

    def set_push(self, callback_url: str, reply_url: str) -> None:
        """Set the account's callBack and its replies' cgiUrl ("": none); ValueError if not URLs."""
        self.callback_url = check_url("callBack", callback_url)
        self.reply_url = check_url("cgiUrl", reply_url)
        if reply_url:
            self.response_type = "cgi"
        _LOGGER.info("Push of reports to %r, of replies to %r", callback_url, reply_url)

    def cancel(self, job: Job) -> None:
        """Cancel a job: its receiver's share of the credit comes back."""
        refund = job.sms.credits_used / len(job.sms.recipients)
        self.cancelled.add(job.id)
        self.account.credits += refund
        _LOGGER.info("Job %d cancelled, %s credit(s) back", job.id, number(refund))

    async def serve(self, _app: web.Application) -> AsyncIterator[None]:
        """Own the pushes' HTTP session and move the SMS along while the application runs."""
        self.pusher.start()
        ticker = asyncio.get_running_loop().create_task(self._tick())
        yield
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)
        await self.pusher.stop()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            self.progress()
