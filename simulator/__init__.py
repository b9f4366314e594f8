"""A local stand-in for OVH's SMS services, for development and end-to-end tests.

http2sms answers like the service in ../shared/spec/http2sms.md: same parameters,
same checks, every content type, a credit that drops by recipients x parts.
The OVHcloud API (under /1.0, ../shared/spec/ovh-api.md) checks signed calls,
consumer keys (validated on the simulator's own page), access rules, senders in
each state, jobs and credit, on the same account. It counts the parts itself,
from OVH's guides (segments.py), and imports nothing from the integration: an
end-to-end test can then catch a counting bug. Run it with ``python -m simulator``
(see ``--help``); ``scripts/develop`` starts it beside Home Assistant. Its page
lists every SMS it "sent", the consumer keys with Validate/Refuse/Revoke buttons,
and switches it to answering 401, failing jobs or answering late, like a slow OVH.
"""

from .api import (
    API_PATH,
    DEFAULT_APPLICATION_KEY,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_RULES,
    AccessRule,
    Credential,
    CredentialStatus,
    OvhApiSimulator,
    sign,
)
from .server import (
    ENDPOINT_PATH,
    SENDER_STATUSES,
    Http2SmsSimulator,
    SentSms,
    SimulatorAnswer,
)

__all__ = [
    "API_PATH",
    "DEFAULT_APPLICATION_KEY",
    "DEFAULT_APPLICATION_SECRET",
    "DEFAULT_CONSUMER_KEY",
    "DEFAULT_RULES",
    "ENDPOINT_PATH",
    "SENDER_STATUSES",
    "AccessRule",
    "Credential",
    "CredentialStatus",
    "Http2SmsSimulator",
    "OvhApiSimulator",
    "SentSms",
    "SimulatorAnswer",
    "sign",
]
