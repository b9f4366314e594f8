"""The OVHcloud API's keys: applications, consumer keys and their rules, signed calls.

Every signed call is checked as ../shared/spec/ovh-api.md says OVH does: the
application key, the consumer key and its state, the timestamp and the signature,
computed on the URL exactly as received (scheme://host, raw path with its
percent-encoding, query) and on the body's exact bytes; then the key's allowedIPs
and the rate limit. The access rules are checked by the routes (api.py). The
choices where OVH publishes nothing are listed in api.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import string
import time
from typing import Final

from aiohttp import web

from .wire import (
    CREDENTIAL_PARAMETERS,
    INVALID_CREDENTIAL,
    INVALID_KEY,
    INVALID_SIGNATURE,
    NOT_CREDENTIAL,
    NOT_LOGGED_IN,
    QUERY_TIME_OUT,
    api_error,
    auth_error,
    json_object,
    ovh_datetime,
    refuse_unknown,
    shown,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_APPLICATION_KEY: Final = "simulator-application-key"
DEFAULT_APPLICATION_SECRET: Final = "simulator-application-secret"  # noqa: S105 - printed
DEFAULT_CONSUMER_KEY: Final = "simulator-consumer-key"
# Assumption: OVH publishes no tolerance; python-ovh corrects its clock once,
# so a few minutes is what a working client needs.
MAX_CLOCK_DRIFT: Final = 180
# Assumption: how long a consumer key's validity may be chosen on the validation page.
VALIDITIES: Final = {"Unlimited": 0, "1 hour": 3600, "1 day": 86400, "30 days": 30 * 86400}
# OVH's ids of applications and credentials are integers; these are the simulator's.
_FIRST_APPLICATION_ID: Final = 100001
_FIRST_CREDENTIAL_ID: Final = 500001
_KEY_ALPHABET: Final = string.ascii_letters + string.digits
_KEY_LENGTH: Final = 32
_METHODS: Final = ("GET", "POST", "PUT", "DELETE")
_RATE_WINDOW: Final = 60.0


class CredentialStatus(StrEnum):
    """OVH's states of a consumer key."""

    PENDING = "pendingValidation"
    VALIDATED = "validated"
    REFUSED = "refused"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class AccessRule:
    """A right of a consumer key: a method on a path, where * matches any characters."""

    method: str
    path: str

    def allows(self, method: str, path: str) -> bool:
        """Tell whether the call is covered; /sms and /sms/* are distinct rules."""
        pattern = ".*".join(re.escape(part) for part in self.path.split("*"))
        return method == self.method and re.fullmatch(pattern, path, re.DOTALL) is not None

    def __str__(self) -> str:
        """Write the rule as OVH's pages do: POST /sms/*/jobs."""
        return f"{self.method} {self.path}"


# The pre-validated key's rights: the createToken link of the spec, cancelling a job,
# deleting a reply read, sending from a virtual number and deleting what it received,
# taking a number off the STOP list (what the integration asks for).
DEFAULT_RULES: Final = (
    AccessRule("GET", "/sms"),
    AccessRule("GET", "/sms/*"),
    AccessRule("POST", "/sms/*/jobs"),
    AccessRule("DELETE", "/sms/*/jobs/*"),
    AccessRule("DELETE", "/sms/*/incoming/*"),
    AccessRule("POST", "/sms/*/virtualNumbers/*/jobs"),
    AccessRule("DELETE", "/sms/*/virtualNumbers/*/incoming/*"),
    AccessRule("DELETE", "/sms/*/blacklists/*"),
)


@dataclass(frozen=True, slots=True)
class Application:
    """An application: its key, its secret and OVH's id for it."""

    key: str
    secret: str = field(repr=False)
    application_id: int
    name: str


@dataclass(slots=True)
class Credential:
    """A consumer key of one application, its rules and where it stands."""

    consumer_key: str = field(repr=False)
    application_key: str
    rules: tuple[AccessRule, ...]
    credential_id: int
    token: str = field(repr=False)
    created: datetime
    status: CredentialStatus = CredentialStatus.PENDING
    expiration: datetime | None = None
    redirection: str | None = None
    allowed_ips: tuple[str, ...] | None = None
    last_use: datetime | None = None

    def allows(self, address: str | None) -> bool:
        """Tell whether a call from this address may use the key (its allowedIPs)."""
        if not self.allowed_ips:
            return True
        if address is None:
            return False
        caller = ipaddress.ip_address(address)
        if isinstance(caller, ipaddress.IPv6Address) and caller.ipv4_mapped is not None:
            caller = caller.ipv4_mapped
        return any(
            caller in ipaddress.ip_network(block, strict=False) for block in self.allowed_ips
        )

    def status_at(self, now: datetime) -> CredentialStatus:
        """Return the state, a validated key past its expiration being expired."""
        if (
            self.status is CredentialStatus.VALIDATED
            and self.expiration is not None
            and now >= self.expiration
        ):
            return CredentialStatus.EXPIRED
        return self.status


def sign(  # noqa: PLR0917 - the order of OVH's signed string
    application_secret: str,
    consumer_key: str,
    method: str,
    url: str,
    body: bytes,
    timestamp: str,
) -> str:
    """Return OVH's signature: "$1$" + SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP (joined by +)."""
    parts = (application_secret, consumer_key, method.upper(), url)
    signed = b"+".join((*(part.encode() for part in parts), body, timestamp.encode()))
    return "$1$" + hashlib.sha1(signed).hexdigest()  # noqa: S324 - OVH's protocol


def _new_key() -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(_KEY_LENGTH))


@dataclass
class ApiKeys:
    """The API's applications and consumer keys, its clock, and the check of signed calls.

    The application (application_key, application_secret) and one consumer key,
    validated with DEFAULT_RULES, exist from the start. time_skew (seconds) sets
    the server's clock ahead of (or behind) the real one; rate_limit (signed calls
    a minute per consumer key) answers 429 beyond it. clock is the real clock, for
    tests.
    """

    application_key: str = DEFAULT_APPLICATION_KEY
    application_secret: str = field(default=DEFAULT_APPLICATION_SECRET, repr=False)
    consumer_key: str = field(default=DEFAULT_CONSUMER_KEY, repr=False)
    time_skew: int = 0
    rate_limit: int | None = None
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    applications: dict[str, Application] = field(default_factory=dict, repr=False)
    credentials: dict[str, Credential] = field(default_factory=dict, repr=False)
    _calls: dict[str, list[float]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        """Create the application and its pre-validated consumer key."""
        self.add_application(self.application_key, self.application_secret, name="simulator")
        credential = self.add_credential(
            self.application_key, DEFAULT_RULES, consumer_key=self.consumer_key
        )
        credential.status = CredentialStatus.VALIDATED

    def server_time(self) -> int:
        """Return GET /auth/time: the Unix time on the server's clock."""
        return int(self.clock()) + self.time_skew

    def now(self) -> datetime:
        """Return the server's clock as a datetime."""
        return datetime.fromtimestamp(self.clock() + self.time_skew, UTC)

    def add_application(self, key: str, secret: str, *, name: str = "") -> Application:
        """Declare an application (its key and secret)."""
        application = Application(
            key, secret, _FIRST_APPLICATION_ID + len(self.applications), name or key
        )
        self.applications[key] = application
        return application

    def add_credential(
        self,
        application_key: str,
        rules: Sequence[AccessRule],
        *,
        consumer_key: str | None = None,
        redirection: str | None = None,
        allowed_ips: Sequence[str] | None = None,
    ) -> Credential:
        """Create a pending consumer key of the application, as POST /auth/credential does."""
        credential = Credential(
            consumer_key=consumer_key or _new_key(),
            application_key=application_key,
            rules=tuple(rules),
            credential_id=_FIRST_CREDENTIAL_ID + len(self.credentials),
            token=_new_key(),
            created=self.now(),
            redirection=redirection,
            allowed_ips=None if allowed_ips is None else tuple(allowed_ips),
        )
        self.credentials[credential.consumer_key] = credential
        return credential

    def validate(self, consumer_key: str, validity: int = 0) -> Credential:
        """Validate a pending key, for validity seconds (0: unlimited); ValueError otherwise."""
        credential = self._pending(consumer_key)
        credential.status = CredentialStatus.VALIDATED
        if validity:
            credential.expiration = self.now() + timedelta(seconds=validity)
        _LOGGER.info("Consumer key %d validated", credential.credential_id)
        return credential

    def refuse(self, consumer_key: str) -> Credential:
        """Refuse a pending key (ValueError if it is not pending)."""
        credential = self._pending(consumer_key)
        credential.status = CredentialStatus.REFUSED
        _LOGGER.info("Consumer key %d refused", credential.credential_id)
        return credential

    def revoke(self, consumer_key: str) -> Credential:
        """Revoke a key: it expires now, and signed calls answer INVALID_CREDENTIAL."""
        credential = self.credentials[consumer_key]
        credential.status = CredentialStatus.EXPIRED
        credential.expiration = self.now()
        _LOGGER.info("Consumer key %d revoked", credential.credential_id)
        return credential

    def _pending(self, consumer_key: str) -> Credential:
        credential = self.credentials[consumer_key]
        if credential.status_at(self.now()) is not CredentialStatus.PENDING:
            raise ValueError(f"This consumer key is {credential.status_at(self.now())}")
        return credential

    def credential_for_token(self, token: str) -> Credential | None:
        """Find the key a validation URL's credentialToken names."""
        return next((c for c in self.credentials.values() if c.token == token), None)

    def authenticate(self, request: web.Request, body: bytes) -> Credential:
        """Check the keys, the timestamp and the signature of a signed call."""
        application = self.applications.get(request.headers.get("X-Ovh-Application", ""))
        if application is None:
            raise auth_error(*INVALID_KEY)
        consumer_key = request.headers.get("X-Ovh-Consumer", "")
        if not consumer_key:
            raise api_error(401, NOT_LOGGED_IN)
        credential = self.credentials.get(consumer_key)
        if credential is None or credential.application_key != application.key:
            raise auth_error(*NOT_CREDENTIAL)
        timestamp = request.headers.get("X-Ovh-Timestamp", "")
        if (
            re.fullmatch("[0-9]{1,12}", timestamp) is None
            or abs(int(timestamp) - self.server_time()) > MAX_CLOCK_DRIFT
        ):
            raise auth_error(*QUERY_TIME_OUT)
        received = request.headers.get("X-Ovh-Signature", "").encode()
        if not any(
            hmac.compare_digest(
                sign(
                    application.secret, consumer_key, request.method, url, body, timestamp
                ).encode(),
                received,
            )
            for url in _signed_urls(request)
        ):
            raise auth_error(*INVALID_SIGNATURE)
        if not credential.allows(request.remote):
            raise auth_error(*INVALID_CREDENTIAL)
        self._count_call(consumer_key)
        credential.last_use = self.now()
        return credential

    def _count_call(self, consumer_key: str) -> None:
        now = self.clock()
        calls = [at for at in self._calls.get(consumer_key, []) if now - at < _RATE_WINDOW]
        if self.rate_limit is not None and len(calls) >= self.rate_limit:
            self._calls[consumer_key] = calls
            raise api_error(429, "Too many requests, retry later")
        self._calls[consumer_key] = [*calls, now]

    def request_credential(self, request: web.Request, body: bytes) -> dict[str, str]:
        """POST /auth/credential: a pending key with the rules asked, and its validationUrl."""
        if request.headers.get("X-Ovh-Application", "") not in self.applications:
            raise auth_error(*INVALID_KEY)
        fields = json_object(body)
        refuse_unknown(fields, CREDENTIAL_PARAMETERS)
        rules = fields.get("accessRules")
        if not isinstance(rules, list) or not rules:
            raise api_error(400, "[accessRules] At least one access rule is mandatory")
        redirection = fields.get("redirection")
        if redirection is not None and not isinstance(redirection, str):
            raise api_error(400, f"[redirection] Given data ({shown(redirection)}) is not valid")
        allowed_ips = fields.get("allowedIPs")
        if allowed_ips is not None and not _ip_blocks(allowed_ips):
            raise api_error(400, f"[allowedIPs] Given data ({shown(allowed_ips)}) is not valid")
        credential = self.add_credential(
            request.headers["X-Ovh-Application"],
            [_access_rule(rule) for rule in rules],
            redirection=redirection or None,
            allowed_ips=allowed_ips,
        )
        _LOGGER.info("Consumer key %d requested, pending validation", credential.credential_id)
        return {
            "consumerKey": credential.consumer_key,
            "state": CredentialStatus.PENDING.value,
            "validationUrl": (
                f"{request.scheme}://{request.host}/auth/validate?credentialToken={credential.token}"
            ),
        }

    def current_credential(self, credential: Credential, now: datetime) -> dict[str, object]:
        """GET /auth/currentCredential: the calling key, whatever its state."""
        application = self.applications[credential.application_key]
        return {
            "allowedIPs": None if credential.allowed_ips is None else list(credential.allowed_ips),
            "applicationId": application.application_id,
            "creation": ovh_datetime(credential.created),
            "credentialId": credential.credential_id,
            "expiration": None
            if credential.expiration is None
            else ovh_datetime(credential.expiration),
            "lastUse": None if credential.last_use is None else ovh_datetime(credential.last_use),
            "ovhSupport": False,
            "rules": [{"method": rule.method, "path": rule.path} for rule in credential.rules],
            "status": credential.status_at(now).value,
        }


def _signed_urls(request: web.Request) -> list[str]:
    """Return the URLs a client may sign: as received, and without the Host header's port.

    OVH is on port 443, so node-ovh signs https://host/path whatever port it calls.
    """
    host, colon, port = request.host.rpartition(":")
    hosts = [request.host, host] if colon and port.isdecimal() else [request.host]
    return [f"{request.scheme}://{name}{request.raw_path}" for name in hosts]


def _ip_blocks(value: object) -> bool:
    """Tell whether allowedIPs is a list of CIDR blocks (a bare address is its own block)."""
    if not isinstance(value, list) or not all(isinstance(block, str) for block in value):
        return False
    try:
        for block in value:
            ipaddress.ip_network(block, strict=False)
    except ValueError:
        return False
    return True


def _access_rule(rule: object) -> AccessRule:
    if (
        not isinstance(rule, dict)
        or set(rule) != {"method", "path"}
        or rule["method"] not in _METHODS
        or not isinstance(rule["path"], str)
        or not rule["path"].startswith("/")
    ):
        raise api_error(400, f"[accessRules] Given data ({shown(rule)}) is not a valid rule")
    return AccessRule(rule["method"], rule["path"])
