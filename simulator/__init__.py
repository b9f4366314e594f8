"""A local stand-in for OVH's SMS services, for development and end-to-end tests.

http2sms answers like the service in ../shared/spec/http2sms.md: same parameters,
same checks, every content type, a credit that drops by recipients x parts.
The OVHcloud API (under /1.0, ../shared/spec/ovh-api.md) checks signed calls,
consumer keys (validated on the simulator's own page), access rules, senders in
each state, jobs and credit, on the same account. It counts the parts itself,
from OVH's guides (segments.py), and imports nothing from the integration: an
end-to-end test can then catch a counting bug. Run it with ``python -m simulator``
(see ``--help``; ``--tls`` serves https, tls.py); ``scripts/develop`` starts it
beside Home Assistant. The account is account.py; http2sms.py, api.py (with
keys.py, wire.py, traffic.py) and page.py serve it; server.py composes them into
one application. Its page lists every SMS it "sent", the consumer keys with
Validate/Refuse/Revoke buttons, and switches it to answering 401, failing jobs or
answering late, like a slow OVH, or to refusing connections, like OVH down
(reachability.py; the page stays on a port of its own).
It also plays the phone (phone.py): it shows each SMS's delivery progress, marks
it delivered, failed or expired (or delivers it by itself, ``--deliver-after``),
answers the SMS sent from the short number (replies: /incoming), and pushes
reports and replies to the account's callBack and smsResponse URLs.
"""

from .account import SENDER_STATUSES, SentSms, SimulatedAccount
from .api import API_PATH, OvhApiSimulator
from .http2sms import ENDPOINT_PATH, SimulatorAnswer
from .keys import (
    DEFAULT_APPLICATION_KEY,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_RULES,
    AccessRule,
    Credential,
    CredentialStatus,
    sign,
)
from .phone import DELIVERY_STATES, PTTS, SHORT_NUMBER, Delivery, Incoming, PushCall
from .server import OvhSimulator

__all__ = [
    "API_PATH",
    "DEFAULT_APPLICATION_KEY",
    "DEFAULT_APPLICATION_SECRET",
    "DEFAULT_CONSUMER_KEY",
    "DEFAULT_RULES",
    "DELIVERY_STATES",
    "ENDPOINT_PATH",
    "PTTS",
    "SENDER_STATUSES",
    "SHORT_NUMBER",
    "AccessRule",
    "Credential",
    "CredentialStatus",
    "Delivery",
    "Incoming",
    "OvhApiSimulator",
    "OvhSimulator",
    "PushCall",
    "SentSms",
    "SimulatedAccount",
    "SimulatorAnswer",
    "sign",
]
