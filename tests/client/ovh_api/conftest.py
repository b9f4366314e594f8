"""What the API client's tests share: keys, OVH's answers, the calls OVH must receive.

The signatures are computed here, the client runs on a clock the test sets.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from typing import Any

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
)

from custom_components.ovh_sms.ovhsms import (
    DEFAULT_API_ENDPOINT,
    ApiKeys,
    OvhApiClient,
    Sms,
    build_sms,
    sign,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

API = DEFAULT_API_ENDPOINT
ACCOUNT = "sms-ab1234-1"
APPLICATION_KEY = "AkAppKey7x2Q"
# Distinctive fakes: no text the client logs or raises may ever contain them.
SECRET = "As-S3cr3t-Vq8Zt1Lm0Xw4Rk9P"  # noqa: S105
CONSUMER_KEY = "Ck-C0nsum3r-Jh5Yb2Nd7Gs3Fq6"
KEYS = ApiKeys(APPLICATION_KEY, SECRET, CONSUMER_KEY)
ALICE = "0033612345678"
BOB = "0033698765432"
CAROL = "0033755443322"
# The client's clock: 2026-07-01 12:00:00.75 UTC; OVH's clock is 42 s ahead.
LOCAL_TIME = 1_782_907_200.75
SERVER_TIME = 1_782_907_242
TIMESTAMP = 1_782_907_242
NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
JOBS = f"{API}/sms/{ACCOUNT}/jobs"
ACCOUNT_URL = f"{API}/sms/{ACCOUNT}"
ACCEPTED = {
    "ids": [26929925],
    "validReceivers": ["+33612345678"],
    "invalidReceivers": [],
    "totalCreditsRemoved": 1,
    "creditsLeft": 1987.5,
}
ACCOUNT_ANSWER = {
    "name": ACCOUNT,
    "creditsLeft": 1986.5,
    "creditsHoldByQuota": 0,
    "description": "Home",
    "status": "enable",
}
SEND_RULE = "POST /sms/*/jobs"
READ_RULE = "GET /sms/*"

# What a call carries: method, URL, body bytes, headers.
Call = tuple[str, str, bytes | None, dict[str, str]]


class Clock:
    """The client's clock, set by the test."""

    def __init__(self, now: float = LOCAL_TIME) -> None:
        """Start at now."""
        self.now = now

    def __call__(self) -> float:
        """Tell the time."""
        return self.now


def sms(message: str = "Leak in the kitchen", **kwargs: Any) -> Sms:
    """Build an SMS to Alice with the given options."""
    kwargs.setdefault("now", NOW)
    return build_sms(kwargs.pop("recipients", [ALICE]), message, **kwargs)


def calls(aioclient_mock: AiohttpClientMocker) -> list[Call]:
    """Return every call made, in order, with its URL as sent."""
    return [
        (method.upper(), str(url), data, dict(headers or {}))
        for method, url, data, headers in aioclient_mock.mock_calls
    ]


def time_call() -> Call:
    """Return the unsigned GET /auth/time the client makes once."""
    return ("GET", f"{API}/auth/time", None, {"X-Ovh-Application": APPLICATION_KEY})


def signed(method: str, url: str, body: bytes | None = None, timestamp: int = TIMESTAMP) -> Call:
    """Return a signed call as OVH must receive it, its signature computed here."""
    headers = {
        "X-Ovh-Application": APPLICATION_KEY,
        "X-Ovh-Consumer": CONSUMER_KEY,
        "X-Ovh-Timestamp": str(timestamp),
        "X-Ovh-Signature": sign(
            SECRET, CONSUMER_KEY, method, url, (body or b"").decode(), timestamp
        ),
    }
    if body is not None:
        headers["Content-Type"] = "application/json"
    return (method, url, body, headers)


def compact(body: dict[str, Any]) -> bytes:
    """Return the JSON bytes OVH receives for this body."""
    return json.dumps(body, separators=(",", ":")).encode()


def job(*receivers: str, **fields: Any) -> dict[str, Any]:
    """Return a job's body for the default SMS to these receivers, with these fields on top."""
    return {
        "message": "Leak in the kitchen",
        "receivers": list(receivers),
        "noStopClause": True,
        "priority": "high",
        "charset": "UTF-8",
        "senderForResponse": True,
    } | fields


def assert_no_secret(*texts: str) -> None:
    """Neither the application secret nor the consumer key shows in any of these texts."""
    for text in texts:
        assert SECRET not in text
        assert CONSUMER_KEY not in text


@pytest.fixture
def clock() -> Clock:
    """Return the clock the client reads."""
    return Clock()


@pytest.fixture
def ovh(aioclient_mock: AiohttpClientMocker) -> AiohttpClientMocker:
    """OVH with its clock answering; each test adds the answers it needs."""
    aioclient_mock.get(f"{API}/auth/time", text=str(SERVER_TIME))
    return aioclient_mock


@pytest.fixture
def client(hass: HomeAssistant, ovh: AiohttpClientMocker, clock: Clock) -> OvhApiClient:
    """Return a client on Home Assistant's session, which aioclient_mock answers."""
    return OvhApiClient(async_get_clientsession(hass), KEYS, clock=clock, monotonic=clock)


def make_client(hass: HomeAssistant, clock: Clock | None = None, **kwargs: Any) -> OvhApiClient:
    """Return a client on the mocked session with these options."""
    clock = clock or Clock()
    kwargs.setdefault("monotonic", clock)
    return OvhApiClient(async_get_clientsession(hass), KEYS, clock=clock, **kwargs)


def refusal(status: int, **answer: Any) -> dict[str, Any]:
    """Return the mock of an HTTP refusal with this JSON answer."""
    return {"status": status, "json": answer}
