"""The account's virtual numbers: numbers that receive SMS at any time, and send.

A phone (the page, or a test's text()) texts one of them: an incoming SMS of
that number, read at GET /virtualNumbers/{number}/incoming[/{id}], deleted by
DELETE, and pushed to the smsResponse cgiUrl like a reply. SMS sent through
POST /virtualNumbers/{number}/jobs go out from that number (api.py).

Where OVH publishes nothing, the simulator chooses:
- Assumption: GET /virtualNumbers lists the numbers in the international form
  without "+" (33644000001); an unknown one is "The requested object (number =
  X) does not exist";
- Assumption: an SMS a virtual number receives costs nothing, and its push has
  the reply's parameters, shortcode naming the virtual number (+33...) and tag
  empty;
- Assumption: what a virtual number receives and the short number's replies
  share one sequence of ids, each listed only where it was received.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
import logging
from typing import Final

from .phone import FIRST_INCOMING_ID, Incoming
from .traffic import SmsTraffic
from .wire import INVALID_URL, NUMBER, api_error, incoming_fields, international, not_valid

_LOGGER = logging.getLogger(__name__)

# Assumption: a French mobile number, as OVH rents (FR, BE, CH, DE, ES, UK).
DEFAULT_VIRTUAL_NUMBER: Final = "33644000001"


@dataclass
class VirtualNumberTraffic(SmsTraffic):
    """The virtual numbers of the account and what phones text them."""

    virtual_numbers: tuple[str, ...] = (DEFAULT_VIRTUAL_NUMBER,)

    def text(self, number: str, sender: str, message: str) -> Incoming:
        """Have a phone (sender, +33... or 0033...) text one of the virtual numbers; pushed.

        ValueError for a number not the account's, a sender that is not a
        number, or an empty message.
        """
        if number not in self.virtual_numbers:
            raise ValueError(f"{number} is not one of the account's virtual numbers")
        if not NUMBER.fullmatch(sender):
            raise ValueError(f"{sender!r} is not a phone number (+33... or 0033...)")
        if not message.strip():
            raise ValueError("An SMS needs a message")
        now = self.now()
        incoming = Incoming(
            id=FIRST_INCOMING_ID + len(self.incoming),
            created=now,
            sender=international(sender),
            message=message,
            tag="",
            credits=Decimal(0),
            answered=None,
            receiver=number,
        )
        self.incoming[incoming.id] = incoming
        _LOGGER.info("SMS %d from %s to %s: %r", incoming.id, incoming.sender, number, message)
        if self.response_type == "cgi" and self.reply_url:
            self.pusher.push(
                "SMS to a virtual number",
                self.reply_url,
                {
                    "shortcode": international(number),
                    "tag": "",
                    "id": str(incoming.id),
                    "senderid": incoming.sender,
                    "message": message,
                },
                now,
            )
        return incoming

    def virtual_number(self, number: str) -> str:
        """Return one of the account's virtual numbers; OVH's 404 for another."""
        if number not in self.virtual_numbers:
            raise api_error(404, f"The requested object (number = {number}) does not exist")
        return number

    def virtual_numbers_route(
        self, method: str, route: Sequence[str], send: Callable[[str], object]
    ) -> object:
        """Answer /virtualNumbers; send(number) sends the call's job from that number (api.py)."""
        match method, route:
            case "POST", ["virtualNumbers", number, "jobs"]:
                return send(self.virtual_number(number))
            case "GET", ["virtualNumbers"]:
                return list(self.virtual_numbers)
            case "GET", ["virtualNumbers", number]:
                return {"number": self.virtual_number(number)}
            case "GET", ["virtualNumbers", number, "incoming"]:
                received = self.virtual_number(number)
                return [
                    incoming.id
                    for incoming in self.incoming.values()
                    if incoming.receiver == received and not incoming.deleted
                ]
            case "GET", ["virtualNumbers", number, "incoming", incoming_id]:
                return incoming_fields(self.received(incoming_id, self.virtual_number(number)))
            case "DELETE", ["virtualNumbers", number, "incoming", incoming_id]:
                incoming = self.received(incoming_id, self.virtual_number(number))
                incoming.deleted = True
                _LOGGER.info("SMS %d to %s deleted", incoming.id, number)
                return None
        raise api_error(404, INVALID_URL)

    def received(self, incoming_id: str, receiver: str | None) -> Incoming:
        """Return an incoming SMS the number received (None: the short number); 404 otherwise."""
        if not incoming_id.isdecimal():
            raise not_valid("id", incoming_id, "long")
        incoming = self.incoming.get(int(incoming_id))
        if incoming is None or incoming.deleted or incoming.receiver != receiver:
            raise api_error(404, f"The requested object (id = {incoming_id}) does not exist")
        return incoming
