"""A local stand-in for OVH's http2sms, for development and end-to-end tests.

It answers like the service in ../shared/spec/http2sms.md: same parameters,
same checks, every content type, a credit that drops by recipients x parts.
It counts the parts itself, from OVH's guides (segments.py), and imports
nothing from the integration: an end-to-end test can then catch a counting bug.
Run it with ``python -m simulator`` (see ``--help``); ``scripts/develop``
starts it beside Home Assistant. Its page lists every SMS it "sent", and
switches it to answering 401 or to answering late, like a slow OVH.
"""

from .server import (
    ENDPOINT_PATH,
    Http2SmsSimulator,
    SentSms,
    SimulatorAnswer,
)

__all__ = ["ENDPOINT_PATH", "Http2SmsSimulator", "SentSms", "SimulatorAnswer"]
