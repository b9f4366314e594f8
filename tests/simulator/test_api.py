"""The simulator's OVHcloud API checks calls like OVH, so API-mode client tests mean something.

The calls here are signed by a small client of the test's own (the signature
itself is checked against python-ovh's published vectors), over loopback HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
import json
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy
import pytest
from yarl import URL

from simulator import (
    DEFAULT_APPLICATION_KEY,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_RULES,
    ENDPOINT_PATH,
    AccessRule,
    OvhSimulator,
    SentSms,
    sign,
)
from simulator.__main__ import main, parse_args, simulator_from
from simulator.segments import SmsCoding
from tests.conftest import PASSWORD, LoopbackSimulator

NOW = 1_800_000_000  # 2027-01-15T08:00:00+00:00
ACCOUNT = "sms-ab1234-1"
WAITING = "+33698765432"
SMS = f"/sms/{ACCOUNT}"
JOB = {
    "message": "Door open",
    "receivers": ["+33612345678"],
    "sender": "HomeAlarm",
    "noStopClause": True,
}
GRANTED = [{"method": "GET", "path": "/sms"}]


def auth_error(status: int, code: str, message: str) -> dict[str, str]:
    """Write an authentication error as OVH does."""
    phrase = {400: "Bad Request", 403: "Forbidden"}[status]
    return {"errorCode": code, "httpCode": f"{status} {phrase}", "message": message}


def bad_request(message: str) -> dict[str, str]:
    """Write a 400 other than an authentication one."""
    return {"class": "Client::BadRequest", "message": message}


def not_found(message: str) -> dict[str, str]:
    """Write a 404."""
    return {"class": "Client::NotFound", "message": message}


INVALID_KEY = auth_error(403, "INVALID_KEY", "This application key is invalid")
NOT_CREDENTIAL = auth_error(403, "NOT_CREDENTIAL", "This credential does not exist")
INVALID_CREDENTIAL = auth_error(403, "INVALID_CREDENTIAL", "This credential is not valid")
NOT_GRANTED_CALL = auth_error(403, "NOT_GRANTED_CALL", "This call has not been granted")
INVALID_SIGNATURE = auth_error(400, "INVALID_SIGNATURE", "Invalid signature")
QUERY_TIME_OUT = auth_error(400, "QUERY_TIME_OUT", "Query out of time")


@dataclass
class Clock:
    """The real clock of the simulated OVH, set by the test."""

    now: float = NOW

    def __call__(self) -> float:
        """Tell the time."""
        return self.now


@dataclass
class Answer:
    """One answer of the API: status, JSON body, headers."""

    status: int
    body: Any
    headers: CIMultiDictProxy[str]


@dataclass
class Client:
    """Calls the simulator's API, signed with these keys at this timestamp."""

    session: aiohttp.ClientSession
    base: str
    clock: Clock
    application_key: str = DEFAULT_APPLICATION_KEY
    application_secret: str = DEFAULT_APPLICATION_SECRET
    consumer_key: str = DEFAULT_CONSUMER_KEY
    skew: int = 0
    extra_headers: dict[str, str] = field(default_factory=dict)

    async def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        signed: bool = True,
        raw_body: bytes | None = None,
        signed_url: str | None = None,
        signed_body: bytes | None = None,
    ) -> Answer:
        """Make one call; path is sent as written (percent-encoding kept)."""
        url = f"{self.base}/1.0{path}"
        data = (
            raw_body if raw_body is not None else b"" if body is None else json.dumps(body).encode()
        )
        headers = {"X-Ovh-Application": self.application_key} | self.extra_headers
        if data:
            headers["Content-Type"] = "application/json"
        if signed:
            timestamp = str(int(self.clock()) + self.skew)
            signature = sign(
                self.application_secret,
                self.consumer_key,
                method,
                signed_url or url,
                data if signed_body is None else signed_body,
                timestamp,
            )
            headers |= {
                "X-Ovh-Consumer": self.consumer_key,
                "X-Ovh-Timestamp": timestamp,
                "X-Ovh-Signature": signature,
            }
        async with self.session.request(
            method, URL(url, encoded=True), data=data or None, headers=headers
        ) as response:
            return Answer(response.status, await response.json(), response.headers)

    async def post_form(self, path: str, form: dict[str, str]) -> aiohttp.ClientResponse:
        """Post a form of the simulator's pages, without following the redirection."""
        async with self.session.post(self.base + path, data=form, allow_redirects=False) as answer:
            await answer.read()
            return answer

    async def page(self, path: str = "/") -> tuple[int, str]:
        """Read one of the simulator's pages."""
        async with self.session.get(URL(self.base + path, encoded=True)) as response:
            return response.status, await response.text()


@pytest.fixture
def ovh(simulator: LoopbackSimulator) -> OvhSimulator:
    """Give the simulated account a sender waiting for validation and a refused one."""
    ovh = simulator.ovh
    ovh.senders = ("HomeAlarm", WAITING, "OldAlarm", "36111")
    ovh.sender_status = {WAITING: "waitingValidation", "OldAlarm": "refused"}
    return ovh


@pytest.fixture
async def api(simulator: LoopbackSimulator, ovh: OvhSimulator) -> AsyncGenerator[Client]:
    """Give a client of the simulator's API with its pre-validated keys; the clock at NOW."""
    clock = Clock()
    ovh.api.clock = clock
    async with aiohttp.ClientSession() as session:
        yield Client(session, simulator.endpoint.removesuffix(ENDPOINT_PATH), clock)


@pytest.mark.parametrize(
    ("method", "body", "signature"),
    [
        ("GET", b"", "$1$e9556054b6309771395efa467c22e627407461ad"),
        ("POST", b'{"a":"b","c":"d"}', "$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1"),
        ("PUT", b'{"a":"b","c":"d"}', "$1$8a75a9e7c8e7296c9dbeda6a2a735eb6bd58ec4b"),
        ("DELETE", b"", "$1$a1eecd00b3b02b6cf5708b84b9ff42059a950d85"),
    ],
)
def test_the_signature_matches_python_ovh_vectors(method: str, body: bytes, signature: str) -> None:
    """The simulator signs as python-ovh's tests/test_client.py says OVH does."""
    assert (
        sign(
            "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk",
            "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY",
            method,
            "https://eu.api.ovh.com/1.0/auth",
            body,
            "1457018875",
        )
        == signature
    )


@pytest.mark.parametrize(
    ("rule", "method", "path", "allowed"),
    [
        (AccessRule("GET", "/sms"), "GET", "/sms", True),
        (AccessRule("GET", "/sms"), "GET", "/sms/sms-ab1234-1", False),
        (AccessRule("GET", "/sms"), "POST", "/sms", False),
        (AccessRule("GET", "/sms/*"), "GET", "/sms", False),
        (AccessRule("GET", "/sms/*"), "GET", "/sms/sms-ab1234-1", True),
        (AccessRule("GET", "/sms/*"), "GET", "/sms/sms-ab1234-1/senders/+33698765432", True),
        (AccessRule("POST", "/sms/*/jobs"), "POST", "/sms/sms-ab1234-1/jobs", True),
        (AccessRule("POST", "/sms/*/jobs"), "POST", "/sms/sms-ab1234-1/jobs/1", False),
        (AccessRule("POST", "/sms/*/jobs"), "GET", "/sms/sms-ab1234-1/jobs", False),
        (AccessRule("GET", "/*"), "GET", "/sms", True),
        (AccessRule("GET", "/sms.*"), "GET", "/smsX", False),
    ],
)
def test_access_rules_match_like_ovh(
    rule: AccessRule, method: str, path: str, *, allowed: bool
) -> None:
    """The method must match; * matches any rest of the path; /sms and /sms/* are distinct."""
    assert rule.allows(method, path) is allowed


async def test_auth_time_is_the_server_clock_with_its_skew(api: Client, ovh: OvhSimulator) -> None:
    """GET /auth/time is unsigned and answers a bare integer; every answer has a query id."""
    first = await api.call("GET", "/auth/time", signed=False)
    ovh.api.time_skew = -300
    second = await api.call("GET", "/auth/time", signed=False)
    assert (first.status, first.body, first.headers["X-OVH-QUERYID"]) == (200, NOW, "SIM.ext-1.1")
    assert (second.status, second.body, second.headers["X-OVH-QUERYID"]) == (
        200,
        NOW - 300,
        "SIM.ext-1.2",
    )
    assert first.headers["Content-Type"] == "application/json; charset=utf-8"


async def test_signed_calls_read_the_account(api: Client) -> None:
    """With the pre-validated keys, the SMS accounts and the account's credit can be read."""
    accounts = await api.call("GET", "/sms")
    account = await api.call("GET", SMS)
    assert (accounts.status, accounts.body) == (200, [ACCOUNT])
    assert (account.status, account.body) == (
        200,
        {
            "name": ACCOUNT,
            "description": "",
            "status": "enable",
            "creditsLeft": 100,
            "creditsHoldByQuota": 0,
            "userQuantityWithQuota": 0,
            "callBack": "",
            "stopCallBack": "",
            "smsResponse": {"responseType": "cgi", "cgiUrl": ""},
        },
    )


async def test_each_authentication_error(api: Client, ovh: OvhSimulator) -> None:
    """Unknown keys, a key of another application, a wrong secret and a late clock are refused."""
    ovh.api.add_application("other-application-key", "other-secret")
    other = ovh.api.add_credential(
        "other-application-key", DEFAULT_RULES, consumer_key="other-consumer-key"
    )
    ovh.api.validate(other.consumer_key)
    cases: list[tuple[dict[str, Any], int, object]] = [
        ({"application_key": "unknown"}, 403, INVALID_KEY),
        ({"consumer_key": "unknown"}, 403, NOT_CREDENTIAL),
        ({"consumer_key": "other-consumer-key"}, 403, NOT_CREDENTIAL),
        ({"application_secret": "wrong"}, 400, INVALID_SIGNATURE),
        ({"skew": 181}, 400, QUERY_TIME_OUT),
        ({"skew": -181}, 400, QUERY_TIME_OUT),
        ({"skew": 180}, 200, [ACCOUNT]),
        ({"skew": -180}, 200, [ACCOUNT]),
        (
            {
                "application_key": "other-application-key",
                "application_secret": "other-secret",
                "consumer_key": "other-consumer-key",
            },
            200,
            [ACCOUNT],
        ),
    ]
    for change, status, body in cases:
        client = Client(api.session, api.base, api.clock, **change)
        answer = await client.call("GET", "/sms")
        assert (answer.status, answer.body) == (status, body), change
    unsigned = await api.call("GET", "/sms", signed=False)
    assert (unsigned.status, unsigned.body) == (
        401,
        {"class": "Client::Unauthorized", "message": "You must login first"},
    )
    assert unsigned.headers["X-OVH-QUERYID"] == f"SIM.ext-1.{len(cases) + 1}"


async def test_the_timestamp_follows_the_server_clock(api: Client, ovh: OvhSimulator) -> None:
    """With a skewed server, only a client that corrects its clock by /auth/time gets through."""
    ovh.api.time_skew = 3600
    late = await api.call("GET", "/sms")
    server_time = (await api.call("GET", "/auth/time", signed=False)).body
    api.skew = server_time - NOW
    corrected = await api.call("GET", "/sms")
    assert (late.status, late.body) == (400, QUERY_TIME_OUT)
    assert (corrected.status, corrected.body, api.skew) == (200, [ACCOUNT], 3600)


async def test_the_signature_covers_the_url_as_sent_and_the_body(api: Client) -> None:
    """A sender's + is sent %2B and signed so; the query and the body bytes are signed too.

    The URL may be signed without its port, as node-ovh does (OVH is on 443), not with another.
    """
    encoded = f"{SMS}/senders/%2B33698765432"
    record = {
        "sender": WAITING,
        "status": "waitingValidation",
        "type": "numeric",
        "comment": "",
        "description": "",
    }
    as_sent = await api.call("GET", encoded)
    plus_sent = await api.call("GET", f"{SMS}/senders/+33698765432")
    decoded_signed = await api.call(
        "GET", encoded, signed_url=f"{api.base}/1.0{SMS}/senders/+33698765432"
    )
    no_query_signed = await api.call(
        "GET", f"{SMS}/outgoing?tag=door", signed_url=f"{api.base}/1.0{SMS}/outgoing"
    )
    other_body = await api.call("POST", f"{SMS}/jobs", JOB, signed_body=b"{}")
    portless = str(URL(api.base).with_port(None))
    node_ovh_signed = await api.call("GET", "/sms", signed_url=f"{portless}/1.0/sms")
    other_port_signed = await api.call("GET", "/sms", signed_url=f"{portless}:1/1.0/sms")
    assert (as_sent.status, as_sent.body) == (200, record)
    assert (plus_sent.status, plus_sent.body) == (200, record)
    assert (decoded_signed.status, decoded_signed.body) == (400, INVALID_SIGNATURE)
    assert (no_query_signed.status, no_query_signed.body) == (400, INVALID_SIGNATURE)
    assert (other_body.status, other_body.body) == (400, INVALID_SIGNATURE)
    assert (node_ovh_signed.status, node_ovh_signed.body) == (200, [ACCOUNT])
    assert (other_port_signed.status, other_port_signed.body) == (400, INVALID_SIGNATURE)


async def test_calls_outside_the_rules_are_not_granted(api: Client, ovh: OvhSimulator) -> None:
    """A key with GET /sms only lists the accounts; it may not read one, nor send."""
    key = ovh.api.add_credential(DEFAULT_APPLICATION_KEY, [AccessRule("GET", "/sms")])
    ovh.api.validate(key.consumer_key)
    api.consumer_key = key.consumer_key
    answers = [
        await api.call("GET", "/sms"),
        await api.call("GET", SMS),
        await api.call("POST", f"{SMS}/jobs", JOB),
        await api.call("GET", "/auth/currentCredential"),
    ]
    assert [(answer.status, answer.body) for answer in answers[:3]] == [
        (200, [ACCOUNT]),
        (403, NOT_GRANTED_CALL),
        (403, NOT_GRANTED_CALL),
    ]
    assert (answers[3].status, answers[3].body["rules"]) == (200, GRANTED)
    assert ovh.sent == []


async def test_unknown_service_route_and_sender(api: Client) -> None:
    """An unknown account, route or sender is a 404 with OVH's message."""
    answers = [
        await api.call("GET", "/sms/sms-zz9999-1"),
        await api.call("GET", f"{SMS}/hlr"),
        await api.call("GET", f"{SMS}/senders/Nobody"),
        await api.call("GET", "/me"),
    ]
    assert [(answer.status, answer.body) for answer in answers] == [
        (404, not_found("This service does not exist")),
        (404, not_found("Got an invalid (or empty) URL")),
        (404, not_found("The requested object (sender = Nobody) does not exist")),
        (403, NOT_GRANTED_CALL),
    ]


async def test_senders_in_each_state(api: Client) -> None:
    """The senders are listed in the account's order, each with its status and type."""
    names = await api.call("GET", f"{SMS}/senders")
    records = [
        (await api.call("GET", f"{SMS}/senders/{name}")).body
        for name in ("HomeAlarm", "%2B33698765432", "OldAlarm", "36111")
    ]
    assert names.body == ["HomeAlarm", WAITING, "OldAlarm", "36111"]
    assert records == [
        {"sender": name, "status": status, "type": kind, "comment": "", "description": ""}
        for name, status, kind in (
            ("HomeAlarm", "enable", "alpha"),
            (WAITING, "waitingValidation", "numeric"),
            ("OldAlarm", "refused", "alpha"),
            ("36111", "enable", "shortcode"),
        )
    ]


def current_credential(status: str, **changes: Any) -> dict[str, Any]:
    """Write the answer of GET /auth/currentCredential for the first requested key."""
    return {
        "allowedIPs": None,
        "applicationId": 100001,
        "creation": "2027-01-15T08:00:00+00:00",
        "credentialId": 500002,
        "expiration": None,
        "lastUse": "2027-01-15T08:00:00+00:00",
        "ovhSupport": False,
        "rules": GRANTED,
        "status": status,
    } | changes


async def test_a_consumer_key_validated_on_the_page(api: Client, ovh: OvhSimulator) -> None:
    """A requested key is pending (only its state is readable) until validated; then it expires."""
    requested = await api.call(
        "POST",
        "/auth/credential",
        {
            "accessRules": GRANTED,
            "redirection": "http://ha.local/done",
            "allowedIPs": ["127.0.0.1/32"],
        },
        signed=False,
    )
    key = ovh.api.credentials[requested.body["consumerKey"]]
    assert (requested.status, requested.body) == (
        200,
        {
            "consumerKey": key.consumer_key,
            "state": "pendingValidation",
            "validationUrl": f"{api.base}/auth/validate?credentialToken={key.token}",
        },
    )
    assert (len(key.consumer_key), key.consumer_key.isalnum()) == (32, True)
    api.consumer_key = key.consumer_key
    pending = await api.call("GET", "/auth/currentCredential")
    refused_call = await api.call("GET", "/sms")
    status, page = await api.page(requested.body["validationUrl"].removeprefix(api.base))
    assert (pending.status, pending.body) == (
        200,
        current_credential("pendingValidation", allowedIPs=["127.0.0.1/32"]),
    )
    assert (refused_call.status, refused_call.body) == (403, INVALID_CREDENTIAL)
    assert status == 200
    assert "<li>GET /sms</li>" in page
    assert "<p>Consumer key 500002: <b id=status>pendingValidation</b></p>" in page
    assert "<button name=action value=validate>Validate</button>" in page
    answer = await api.post_form(
        "/auth/validate",
        {"credentialToken": key.token, "action": "validate", "validity": "3600"},
    )
    assert (answer.status, answer.headers["Location"]) == (303, "http://ha.local/done")
    validated = await api.call("GET", "/auth/currentCredential")
    granted = await api.call("GET", "/sms")
    assert (validated.status, validated.body) == (
        200,
        current_credential(
            "validated", expiration="2027-01-15T09:00:00+00:00", allowedIPs=["127.0.0.1/32"]
        ),
    )
    assert (granted.status, granted.body) == (200, [ACCOUNT])
    api.clock.now = NOW + 3600
    expired = await api.call("GET", "/auth/currentCredential")
    after = await api.call("GET", "/sms")
    assert (expired.status, expired.body) == (
        200,
        current_credential(
            "expired",
            expiration="2027-01-15T09:00:00+00:00",
            lastUse="2027-01-15T09:00:00+00:00",
            allowedIPs=["127.0.0.1/32"],
        ),
    )
    assert (after.status, after.body) == (403, INVALID_CREDENTIAL)


@pytest.mark.parametrize(
    ("allowed_ips", "status", "body"),
    [
        (["10.0.0.0/8", "2001:db8::/32"], 403, INVALID_CREDENTIAL),
        (["10.0.0.0/8", "127.0.0.1"], 200, [ACCOUNT]),
        (["127.0.0.0/8"], 200, [ACCOUNT]),
        ([], 200, [ACCOUNT]),
    ],
)
async def test_a_key_works_only_from_its_allowed_ips(
    api: Client, ovh: OvhSimulator, allowed_ips: list[str], status: int, body: object
) -> None:
    """A key requested with allowedIPs answers a call from elsewhere (here 127.0.0.1) 403."""
    requested = await api.call(
        "POST",
        "/auth/credential",
        {"accessRules": GRANTED, "allowedIPs": allowed_ips},
        signed=False,
    )
    ovh.api.validate(requested.body["consumerKey"])
    api.consumer_key = requested.body["consumerKey"]
    call = await api.call("GET", "/sms")
    state = await api.call("GET", "/auth/currentCredential")
    assert (call.status, call.body) == (status, body)
    assert state.status == status


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("192.0.2.7", True),
        ("::ffff:192.0.2.7", True),
        ("192.0.3.7", False),
        ("2001:db8::1", True),
        ("::1", False),
        (None, False),
    ],
)
def test_allowed_ips_are_cidr_blocks_of_either_family(
    address: str | None, *, allowed: bool
) -> None:
    """An IPv4 caller seen as IPv4-mapped IPv6 is still IPv4; a caller without address is out."""
    key = OvhSimulator().api.add_credential(
        DEFAULT_APPLICATION_KEY, DEFAULT_RULES, allowed_ips=["192.0.2.0/24", "2001:db8::/32"]
    )
    assert key.allows(address) is allowed


async def test_a_consumer_key_refused_on_the_page(api: Client, ovh: OvhSimulator) -> None:
    """Refused, a key stays refused: its page has no buttons and answering again is a 400."""
    requested = await api.call("POST", "/auth/credential", {"accessRules": GRANTED}, signed=False)
    key = ovh.api.credentials[requested.body["consumerKey"]]
    form = {"credentialToken": key.token, "action": "refuse"}
    answer = await api.post_form("/auth/validate", form)
    again = await api.post_form("/auth/validate", form | {"action": "validate"})
    status, page = await api.page(f"/auth/validate?credentialToken={key.token}")
    api.consumer_key = key.consumer_key
    state = await api.call("GET", "/auth/currentCredential")
    call = await api.call("GET", "/sms")
    assert (answer.status, answer.headers["Location"]) == (303, "/")
    assert again.status == 400
    assert (status, "<button" in page) == (200, False)
    assert "<b id=status>refused</b>" in page
    assert (state.status, state.body["status"], state.body["lastUse"]) == (
        200,
        "refused",
        "2027-01-15T08:00:00+00:00",
    )
    assert (call.status, call.body) == (403, INVALID_CREDENTIAL)
    unknown, _ = await api.page("/auth/validate?credentialToken=nothing")
    assert unknown == 404


@pytest.mark.parametrize(
    ("headers", "body", "status", "error"),
    [
        ({"X-Ovh-Application": "unknown"}, {"accessRules": GRANTED}, 403, INVALID_KEY),
        (
            {},
            b"{",
            400,
            bad_request("The input that you provided isn't valid JSON or not well formatted"),
        ),
        ({}, {}, 400, bad_request("[accessRules] At least one access rule is mandatory")),
        (
            {},
            {"accessRules": []},
            400,
            bad_request("[accessRules] At least one access rule is mandatory"),
        ),
        (
            {},
            {"accessRules": [{"method": "PATCH", "path": "/sms"}]},
            400,
            bad_request(
                '[accessRules] Given data ({"method": "PATCH", "path": "/sms"}) is not a valid rule'
            ),
        ),
        (
            {},
            {"accessRules": [{"method": "GET", "path": "sms"}]},
            400,
            bad_request(
                '[accessRules] Given data ({"method": "GET", "path": "sms"}) is not a valid rule'
            ),
        ),
        (
            {},
            {"accessRules": GRANTED, "redirection": 1},
            400,
            bad_request("[redirection] Given data (1) is not valid"),
        ),
        (
            {},
            {"accessRules": GRANTED, "scope": "all"},
            400,
            bad_request("Unknown body parameter scope"),
        ),
        (
            {},
            {"accessRules": GRANTED, "allowedIPs": "10.0.0.1"},
            400,
            bad_request("[allowedIPs] Given data (10.0.0.1) is not valid"),
        ),
        (
            {},
            {"accessRules": GRANTED, "allowedIPs": ["10.0.0.0/8", "10.0.0.300"]},
            400,
            bad_request('[allowedIPs] Given data (["10.0.0.0/8", "10.0.0.300"]) is not valid'),
        ),
    ],
)
async def test_bad_credential_requests_are_refused(
    api: Client,
    ovh: OvhSimulator,
    *,
    headers: dict[str, str],
    body: object,
    status: int,
    error: dict[str, str],
) -> None:
    """POST /auth/credential needs a known application and a list of valid rules."""
    api.extra_headers = headers
    answer = await api.call(
        "POST",
        "/auth/credential",
        None if isinstance(body, bytes) else body,
        raw_body=body if isinstance(body, bytes) else None,
        signed=False,
    )
    assert (answer.status, answer.body) == (status, error)
    assert list(ovh.api.credentials) == [DEFAULT_CONSUMER_KEY]


async def test_the_page_revokes_a_key(api: Client) -> None:
    """The page lists the keys; Revoke makes the key expired: INVALID_CREDENTIAL."""
    _, page = await api.page()
    answer = await api.post_form(
        "/api/credential", {"consumer_key": DEFAULT_CONSUMER_KEY, "action": "revoke"}
    )
    state = await api.call("GET", "/auth/currentCredential")
    call = await api.call("GET", "/sms")
    bad = await api.post_form(
        "/api/credential", {"consumer_key": DEFAULT_CONSUMER_KEY, "action": "refuse"}
    )
    assert (
        "<tr><td>simulator-consumer-key</td><td>simulator-application-key</td><td>validated</td>"
        "<td>GET /sms<br>GET /sms/*<br>POST /sms/*/jobs<br>DELETE /sms/*/jobs/*<br>"
        "DELETE /sms/*/incoming/*</td>"
        "<td>never</td><td><form method=post action=/api/credential>"
        "<input type=hidden name=consumer_key value=simulator-consumer-key>"
        "<button name=action value=revoke>Revoke</button></form></td></tr>"
    ) in page
    assert "<b id=application-secret>simulator-application-secret</b>" in page
    assert "<tr><td>+33698765432</td><td>numeric</td><td>waitingValidation</td></tr>" in page
    assert (answer.status, answer.headers["Location"]) == (303, "/")
    assert (state.body["status"], state.body["expiration"]) == (
        "expired",
        "2027-01-15T08:00:00+00:00",
    )
    assert (call.status, call.body) == (403, INVALID_CREDENTIAL)
    assert bad.status == 400


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"foo": 1}, "Unknown body parameter foo"),
        ({"receiversSlotId": "abc"}, "receiversSlotId is not simulated: give receivers"),
        ({"foo": None}, "Unknown body parameter foo"),
        ({"message": None}, "[message] Property is mandatory"),
        ({"receivers": None}, "[receivers] Property is mandatory"),
        ({"sender": None}, "A sender is mandatory, unless senderForResponse is true"),
        ({"message": 5}, "[message] Given data (5) is not valid for type string"),
        ({"message": " \r"}, "[message] The message is empty"),
        (
            {"receivers": "+33612345678"},
            "[receivers] Given data (+33612345678) is not valid for type string[]",
        ),
        (
            {"receivers": [33612345678]},
            "[receivers] Given data ([33612345678]) is not valid for type string[]",
        ),
        ({"receivers": []}, "[receivers] At least one receiver is mandatory"),
        ({"senderForResponse": True}, "Give either a sender or senderForResponse, not both"),
        ({"sender": "Other"}, "Sms sender Other does not exists. Please create it first"),
        ({"sender": WAITING}, "Sms sender +33698765432 is not enabled (status waitingValidation)"),
        ({"sender": "OldAlarm"}, "Sms sender OldAlarm is not enabled (status refused)"),
        ({"sender": 1}, "[sender] Given data (1) is not valid for type string"),
        (
            {"senderForResponse": "true"},
            "[senderForResponse] Given data (true) is not valid for type boolean",
        ),
        ({"noStopClause": 1}, "[noStopClause] Given data (1) is not valid for type boolean"),
        ({"differedPeriod": -1}, "[differedPeriod] Given data (-1) is negative"),
        ({"differedPeriod": 1.5}, "[differedPeriod] Given data (1.5) is not valid for type long"),
        ({"validityPeriod": True}, "[validityPeriod] Given data (true) is not valid for type long"),
        ({"validityPeriod": -5}, "[validityPeriod] Given data (-5) is negative"),
        (
            {"priority": "urgent"},
            "[priority] Given data (urgent) does not belong to the sms.PriorityEnum enumeration",
        ),
        ({"class": "0"}, "[class] Given data (0) does not belong to the sms.ClassEnum enumeration"),
        (
            {"coding": "ucs2"},
            "[coding] Given data (ucs2) does not belong to the sms.CodingEnum enumeration",
        ),
        (
            {"charset": "latin1"},
            "[charset] Given data (latin1) does not belong to the sms.CharsetEnum enumeration",
        ),
        ({"tag": "t" * 21}, "[tag] At most 20 characters"),
        ({"message": "a" * 919}, "Message too long: 7 SMS, at most 6"),
        (
            {"message": "a" * 919, "receivers": ["0612345678"]},
            "Message too long: 7 SMS, at most 6",
        ),
    ],
)
async def test_bad_jobs_are_refused_like_ovh(
    api: Client, ovh: OvhSimulator, change: dict[str, Any], message: str
) -> None:
    """Each check of POST /jobs answers 400 with its message; nothing is sent nor charged."""
    answer = await api.call("POST", f"{SMS}/jobs", JOB | change)
    assert (answer.status, answer.body) == (400, bad_request(message))
    assert (ovh.sent, ovh.credits) == ([], Decimal(100))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "The input that you provided isn't valid JSON or not well formatted"),
        (b"[]", "The input that you provided isn't valid JSON or not well formatted"),
        (b"\xff", "The input that you provided isn't valid JSON or not well formatted"),
        (
            json.dumps({"receivers": ["+33612345678"], "sender": "HomeAlarm"}).encode(),
            "[message] Property is mandatory",
        ),
        (
            json.dumps({"message": "Hi", "sender": "HomeAlarm"}).encode(),
            "[receivers] Property is mandatory",
        ),
        (
            json.dumps({"message": "Hi", "receivers": ["+33612345678"]}).encode(),
            "A sender is mandatory, unless senderForResponse is true",
        ),
        (
            json.dumps(
                {"message": "Hi", "receivers": ["+33612345678"], "senderForResponse": False}
            ).encode(),
            "A sender is mandatory, unless senderForResponse is true",
        ),
    ],
)
async def test_bad_job_bodies_are_refused(
    api: Client, ovh: OvhSimulator, body: bytes, message: str
) -> None:
    """A body that is no JSON object, or lacks a required field, is a 400."""
    answer = await api.call("POST", f"{SMS}/jobs", raw_body=body)
    assert (answer.status, answer.body) == (400, bad_request(message))
    assert ovh.sent == []


async def test_a_job_charges_parts_times_receivers(api: Client, ovh: OvhSimulator) -> None:
    """Two valid numbers of a two-part commercial SMS cost 2 x 2 x 0.5; bad numbers cost nothing."""
    ovh.credit_per_segment = Decimal("0.5")
    body = {
        "message": "a" * 150,
        "receivers": ["+33612345678", "0033 6", "0033798765432", "abc", "0612345678"],
        "sender": "HomeAlarm",
        "noStopClause": False,
        "class": "flash",
        "tag": "alarm",
        "priority": "high",
        "charset": "UTF-8",
        "validityPeriod": 2880,
    }
    answer = await api.call("POST", f"{SMS}/jobs", body)
    account = await api.call("GET", SMS)
    assert (answer.status, answer.body) == (
        200,
        {
            "ids": [10867690, 10867691],
            "validReceivers": ["+33612345678", "+33798765432"],
            "invalidReceivers": ["0033 6", "abc", "0612345678"],
            "totalCreditsRemoved": 2,
            "tag": "alarm",
            "creditsLeft": 98,
        },
    )
    assert account.body["creditsLeft"] == 98
    assert ovh.sent == [
        SentSms(
            sms_ids=("10867690", "10867691"),
            received_at=datetime(2027, 1, 15, 8, tzinfo=UTC),
            sender="HomeAlarm",
            recipients=("+33612345678", "+33798765432"),
            message="a" * 150,
            coding=SmsCoding.GSM7,
            segments=2,
            credits_used=Decimal(2),
            no_stop=False,
            sms_class="0",
            deferred=None,
            tag="alarm",
            via="api",
        )
    ]


async def test_coding_is_deduced_from_the_text(api: Client, ovh: OvhSimulator) -> None:
    """The deprecated coding changes no cost: OVH codes the text as it needs.

    8bit does not make GSM text cost Unicode parts, nor 7bit Unicode text GSM ones;
    senderForResponse sends from the short number; a credit may be 0.5.
    """
    ovh.credit_per_segment = Decimal("0.5")
    body = {"message": "e" * 71, "receivers": ["+33612345678"], "senderForResponse": True}
    gsm = await api.call("POST", f"{SMS}/jobs", body | {"coding": "8bit"})
    unicode = await api.call(
        "POST",
        f"{SMS}/jobs",
        body
        | {"message": "\N{LATIN SMALL LETTER O WITH MACRON}" * 71, "sender": "", "coding": "7bit"},
    )
    assert [(answer.status, answer.body["totalCreditsRemoved"]) for answer in (gsm, unicode)] == [
        (200, 0.5),
        (200, 1),
    ]
    assert (unicode.body["creditsLeft"], unicode.body["tag"]) == (98.5, "")
    assert [(sms.sender, sms.coding, sms.segments) for sms in ovh.sent] == [
        ("", SmsCoding.GSM7, 1),
        ("", SmsCoding.UCS2, 2),
    ]


async def test_optional_job_parameters_may_be_null(api: Client, ovh: OvhSimulator) -> None:
    """python-ovh sends a parameter its caller passes as None as null: OVH reads it as left out."""
    nulls = dict.fromkeys(
        (
            "sender",
            "noStopClause",
            "differedPeriod",
            "validityPeriod",
            "priority",
            "class",
            "coding",
            "charset",
            "tag",
            "receiversSlotId",
            "receiversDocumentUrl",
        )
    )
    answer = await api.call(
        "POST",
        f"{SMS}/jobs",
        nulls | {"message": "Door open", "receivers": ["+33612345678"], "senderForResponse": True},
    )
    assert (answer.status, answer.body["ids"], answer.body["tag"]) == (200, [10867690], "")
    [sms] = ovh.sent
    assert (sms.sender, sms.no_stop, sms.deferred, sms.sms_class, sms.tag) == (
        "",
        False,
        None,
        None,
        None,
    )


@pytest.fixture
def estimating(api: Client, ovh: OvhSimulator) -> Client:
    """Give the client a key with the right POST /sms/estimate."""
    key = ovh.api.add_credential(DEFAULT_APPLICATION_KEY, [AccessRule("POST", "/sms/estimate")])
    ovh.api.validate(key.consumer_key)
    api.consumer_key = key.consumer_key
    return api


@pytest.mark.parametrize(
    ("message", "no_stop", "estimate"),
    [
        ("Door open", True, (9, "7bits", 160, 1)),
        ("Door open", False, (20, "7bits", 160, 1)),
        ("a" * 149, False, (160, "7bits", 160, 1)),
        ("a" * 150, False, (161, "7bits", 153, 2)),
        ("\N{EURO SIGN}" * 3, True, (6, "7bits", 160, 1)),
        ("\N{LATIN SMALL LETTER O WITH MACRON}" * 70, True, (70, "unicode", 70, 1)),
        ("\N{LATIN SMALL LETTER O WITH MACRON}" * 71, True, (71, "unicode", 67, 2)),
        ("\N{GRINNING FACE}", True, (2, "unicode", 70, 1)),
    ],
)
async def test_the_estimate_counts_as_a_job_is_charged(
    estimating: Client,
    ovh: OvhSimulator,
    message: str,
    *,
    no_stop: bool,
    estimate: tuple[object, ...],
) -> None:
    """POST /sms/estimate tells the coding, coded length and parts, the STOP mention counted."""
    answer = await estimating.call(
        "POST",
        "/sms/estimate",
        {"message": message, "noStopClause": no_stop, "senderType": "alpha"},
    )
    assert (answer.status, answer.body) == (
        200,
        dict(
            zip(
                ("characters", "charactersClass", "maxCharactersPerPart", "parts"),
                estimate,
                strict=True,
            )
        ),
    )
    assert (ovh.sent, ovh.credits) == ([], Decimal(100))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"senderType": None}, "[senderType] Property is mandatory"),
        ({"noStopClause": None}, "[noStopClause] Property is mandatory"),
        ({"message": None}, "[message] Property is mandatory"),
        (
            {"senderType": "robot"},
            "[senderType] Given data (robot) does not belong to the sms.TypeSenderEnum enumeration",
        ),
        ({"noStopClause": "yes"}, "[noStopClause] Given data (yes) is not valid for type boolean"),
        ({"coding": "7bit"}, "Unknown body parameter coding"),
    ],
)
async def test_bad_estimates_are_refused(
    estimating: Client, change: dict[str, Any], message: str
) -> None:
    """Every parameter of POST /sms/estimate is required, and of its type."""
    body = {"message": "Door open", "noStopClause": True, "senderType": "numeric"}
    answer = await estimating.call("POST", "/sms/estimate", body | change)
    assert (answer.status, answer.body) == (400, bad_request(message))


async def test_the_estimate_needs_its_right(api: Client) -> None:
    """The pre-validated key, like the integration's, lacks POST /sms/estimate."""
    body = {"message": "Door open", "noStopClause": True, "senderType": "alpha"}
    answer = await api.call("POST", "/sms/estimate", body)
    assert (answer.status, answer.body) == (403, NOT_GRANTED_CALL)


async def test_only_invalid_receivers_send_nothing(api: Client, ovh: OvhSimulator) -> None:
    """With no valid number the answer is still a 200, with no id and no credit taken."""
    answer = await api.call("POST", f"{SMS}/jobs", JOB | {"receivers": ["0612345678"]})
    assert (answer.status, answer.body) == (
        200,
        {
            "ids": [],
            "validReceivers": [],
            "invalidReceivers": ["0612345678"],
            "totalCreditsRemoved": 0,
            "tag": "",
            "creditsLeft": 100,
        },
    )
    assert ovh.sent == []


async def test_not_enough_credit(api: Client, ovh: OvhSimulator) -> None:
    """A job costing more than the credit left is a 400 naming the credit; nothing is taken."""
    ovh.credits = Decimal(1)
    answer = await api.call(
        "POST", f"{SMS}/jobs", JOB | {"receivers": ["+33612345678", "+33798765432"]}
    )
    assert (answer.status, answer.body) == (
        400,
        bad_request("Not enough credits: this job needs 2, 1 left"),
    )
    assert (ovh.sent, ovh.credits) == ([], Decimal(1))


def job_fields(sms_id: int, **changes: Any) -> dict[str, Any]:
    """Write a deferred job's fields, as GET /jobs/{id} shows them."""
    return {
        "id": sms_id,
        "creationDatetime": "2027-01-15T08:00:00+00:00",
        "message": "Door open",
        "messageLength": 9,
        "sender": "HomeAlarm",
        "receiver": "+33612345678",
        "numberOfSms": 1,
        "credits": 1,
        "differedDelivery": 10,
        "deliveryReceipt": 0,
        "ptt": 0,
        "sentAt": None,
        "deliveredAt": None,
    } | changes


async def test_deferred_jobs_until_due_then_outgoing(api: Client, ovh: OvhSimulator) -> None:
    """A deferred SMS is a job until its time, then an outgoing SMS; the page marks delivery."""
    sent = await api.call("POST", f"{SMS}/jobs", JOB | {"differedPeriod": 10, "tag": "door"})
    [sms_id] = sent.body["ids"]
    jobs = await api.call("GET", f"{SMS}/jobs")
    job = await api.call("GET", f"{SMS}/jobs/{sms_id}")
    outgoing = await api.call("GET", f"{SMS}/outgoing")
    early = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    assert (sent.status, sms_id, jobs.body, outgoing.body) == (200, 10867690, [10867690], [])
    assert (job.status, job.body) == (200, job_fields(sms_id))
    assert (early.status, early.body) == (
        404,
        not_found("The requested object (id = 10867690) does not exist"),
    )
    api.clock.now = NOW + 600
    after = [
        (await api.call("GET", path)).body
        for path in (
            f"{SMS}/jobs",
            f"{SMS}/outgoing",
            f"{SMS}/outgoing?tag=door",
            f"{SMS}/outgoing?tag=other",
            f"{SMS}/outgoing?receiver=%2B33612345678",
            f"{SMS}/outgoing?creationDatetime.from=2027-01-15T08:00:00%2B00:00",
            f"{SMS}/outgoing?creationDatetime.to=2027-01-15T07:59:59Z",
            f"{SMS}/outgoing?differedDelivery=10",
            f"{SMS}/outgoing?differedDelivery=0",
            f"{SMS}/outgoing?batchID=0b0c4a6e-3f6e-4d35-9d42-1f0a8c7b2e91",
            f"{SMS}/outgoing?messageID=0B0C4A6E-3F6E-4D35-9D42-1F0A8C7B2E91",
        )
    ]
    assert after == [[], [sms_id], [sms_id], [], [sms_id], [sms_id], [], [sms_id], [], [], []]
    out = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    gone = await api.call("GET", f"{SMS}/jobs/{sms_id}")
    sent_fields = job_fields(
        sms_id, sentAt="2027-01-15T08:10:00+00:00", tag="door", batchID=None, messageID=None
    )
    assert (out.status, out.body) == (200, sent_fields)
    assert gone.status == 404
    marked = await api.post_form("/api/delivery", {"id": str(sms_id), "state": "delivered"})
    delivered = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    filtered = await api.call("GET", f"{SMS}/outgoing?deliveryReceipt=1")
    assert marked.status == 303
    assert delivered.body == sent_fields | {
        "deliveryReceipt": 1,
        "ptt": 4,
        "deliveredAt": "2027-01-15T08:10:00+00:00",
    }
    assert filtered.body == [sms_id]
    _, page = await api.page()
    assert (
        "<tr><td>10867690</td><td>+33612345678</td><td>sent 2027-01-15T08:10:00+00:00</td>"
        "<td id=delivery-10867690><b>delivered</b>: deliveryReceipt 1, ptt 4 (delivered), "
        "2027-01-15T08:10:00+00:00<form method=post action=/api/delivery>"
    ) in page


async def test_a_deferred_job_is_cancelled_and_refunded(api: Client, ovh: OvhSimulator) -> None:
    """DELETE /jobs/{id} cancels a pending job and gives its credit back; it never leaves."""
    sent = await api.call(
        "POST",
        f"{SMS}/jobs",
        JOB | {"differedPeriod": 60, "receivers": ["+33612345678", "+33798765432"]},
    )
    first, second = sent.body["ids"]
    deleted = await api.call("DELETE", f"{SMS}/jobs/{first}")
    again = await api.call("DELETE", f"{SMS}/jobs/{first}")
    bad_id = await api.call("DELETE", f"{SMS}/jobs/abc")
    jobs = await api.call("GET", f"{SMS}/jobs")
    assert (sent.body["creditsLeft"], deleted.status, deleted.body) == (98, 200, None)
    assert (again.status, again.body) == (
        404,
        not_found(f"The requested object (id = {first}) does not exist"),
    )
    assert (bad_id.status, bad_id.body) == (
        400,
        bad_request("[id] Given data (abc) is not valid for type long"),
    )
    assert (jobs.body, ovh.credits, ovh.api.cancelled) == ([second], Decimal(99), {first})
    _, page = await api.page()
    assert (
        f"<tr><td>{first}</td><td>+33612345678</td><td>cancelled</td><td></td><td></td></tr>"
    ) in page
    assert (
        f"<tr><td>{second}</td><td>+33798765432</td><td>job, due 2027-01-15T09:00:00+00:00</td>"
        in page
    )
    api.clock.now = NOW + 3600
    outgoing = await api.call("GET", f"{SMS}/outgoing")
    assert outgoing.body == [second]


async def test_an_outgoing_sms_is_deleted_from_the_history(api: Client, ovh: OvhSimulator) -> None:
    """DELETE /outgoing/{id} needs its right and hides a sent SMS from the API; no credit back."""
    sent = await api.call("POST", f"{SMS}/jobs", JOB | {"receivers": [WAITING, "+33612345678"]})
    kept, deleted = sent.body["ids"]
    deferred = (await api.call("POST", f"{SMS}/jobs", JOB | {"differedPeriod": 60})).body["ids"]
    not_granted = await api.call("DELETE", f"{SMS}/outgoing/{deleted}")
    key = ovh.api.add_credential(
        DEFAULT_APPLICATION_KEY, [*DEFAULT_RULES, AccessRule("DELETE", "/sms/*/outgoing/*")]
    )
    ovh.api.validate(key.consumer_key)
    api.consumer_key = key.consumer_key
    answers = [
        await api.call("DELETE", f"{SMS}/outgoing/{deleted}"),
        await api.call("DELETE", f"{SMS}/outgoing/{deleted}"),
        await api.call("GET", f"{SMS}/outgoing/{deleted}"),
        await api.call("DELETE", f"{SMS}/outgoing/{deferred[0]}"),
    ]
    outgoing = await api.call("GET", f"{SMS}/outgoing")
    assert (not_granted.status, not_granted.body) == (403, NOT_GRANTED_CALL)
    assert [(answer.status, answer.body) for answer in answers] == [
        (200, None),
        (404, not_found(f"The requested object (id = {deleted}) does not exist")),
        (404, not_found(f"The requested object (id = {deleted}) does not exist")),
        (404, not_found(f"The requested object (id = {deferred[0]}) does not exist")),
    ]
    assert (outgoing.body, ovh.credits) == ([kept], Decimal(97))
    _, page = await api.page()
    assert (
        f"<tr><td>{deleted}</td><td>+33612345678</td><td>sent 2027-01-15T08:00:00+00:00, "
        "deleted from the history</td>"
    ) in page


async def test_outgoing_filters_are_checked(api: Client) -> None:
    """GET /outgoing takes OVH's filters only, with values of their type."""
    unknown = await api.call("GET", f"{SMS}/outgoing?status=sent")
    not_long = await api.call("GET", f"{SMS}/outgoing?ptt=x")
    not_date = await api.call("GET", f"{SMS}/outgoing?creationDatetime.from=yesterday")
    not_delay = await api.call("GET", f"{SMS}/outgoing?differedDelivery=-1")
    not_uuid = await api.call("GET", f"{SMS}/outgoing?batchID=batch-1")
    assert [(a.status, a.body) for a in (unknown, not_long, not_delay, not_uuid, not_date)] == [
        (400, bad_request("Unknown query parameter status")),
        (400, bad_request("[ptt] Given data (x) is not valid for type long")),
        (400, bad_request("[differedDelivery] Given data (-1) is not valid for type long")),
        (400, bad_request("[batchID] Given data (batch-1) is not valid for type uuid")),
        (
            400,
            bad_request(
                "[creationDatetime.from] Given data (yesterday) is not valid for type datetime"
            ),
        ),
    ]


async def test_http2sms_and_the_api_share_the_account(
    api: Client, ovh: OvhSimulator, simulator: LoopbackSimulator
) -> None:
    """An SMS sent by http2sms is charged on the same credit and is an outgoing SMS of the API."""
    form = {
        "account": ACCOUNT,
        "login": "homeassistant",
        "password": PASSWORD,
        "from": "HomeAlarm",
        "to": "0033612345678",
        "message": "Door open",
        "noStop": "1",
    }
    async with api.session.post(simulator.endpoint, data=form) as response:
        sent = await response.text()
    async with api.session.post(simulator.endpoint, data=form | {"from": WAITING}) as response:
        refused = await response.text()
    api_job = await api.call("POST", f"{SMS}/jobs", JOB)
    outgoing = await api.call("GET", f"{SMS}/outgoing")
    out = await api.call("GET", f"{SMS}/outgoing/10867690")
    assert sent == "OK\n99\n10867690"
    assert (
        refused == "KO\nSender not enabled. For more informations : http://guides.ovh.com/httpToSms"
    )
    assert (api_job.body["ids"], api_job.body["creditsLeft"]) == ([10867691], 98)
    assert outgoing.body == [10867690, 10867691]
    assert (out.body["receiver"], out.body["sender"], out.body["differedDelivery"]) == (
        "+33612345678",
        "HomeAlarm",
        0,
    )
    assert [sms.via for sms in ovh.sent] == ["http2sms", "api"]


async def test_jobs_fail_with_a_5xx_from_the_page(api: Client, ovh: OvhSimulator) -> None:
    """The page makes POST /jobs answer 500-504 without sending, until set back to nothing."""
    bad = await api.post_form("/api/jobs-failure", {"status": "418"})
    switched = await api.post_form("/api/jobs-failure", {"status": "503"})
    failed = await api.call("POST", f"{SMS}/jobs", JOB)
    _, page = await api.page()
    await api.post_form("/api/jobs-failure", {"status": ""})
    sent = await api.call("POST", f"{SMS}/jobs", JOB)
    assert (bad.status, switched.status) == (400, 303)
    assert (failed.status, failed.body) == (
        503,
        {"class": "Server::ServiceUnavailable", "message": "Service Unavailable"},
    )
    assert "POST /jobs fails with\n<b id=jobs-failure>503</b>" in page
    assert (sent.status, len(ovh.sent), ovh.api.jobs_failure) == (200, 1, None)


async def test_the_rate_limit_answers_429(api: Client, ovh: OvhSimulator) -> None:
    """Beyond rate_limit signed calls a minute per key, OVH's fair use answers 429."""
    ovh.api.rate_limit = 2
    answers = [await api.call("GET", "/sms") for _ in range(3)]
    api.clock.now = NOW + 60
    later = await api.call("GET", "/sms")
    assert [answer.status for answer in answers] == [200, 200, 429]
    assert answers[2].body == {
        "class": "Client::TooManyRequests",
        "message": "Too many requests, retry later",
    }
    assert later.status == 200


async def test_the_api_answers_after_the_delay(
    api: Client, ovh: OvhSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer delay of the page holds the API's answers too."""
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr("simulator.account.sleep", sleep)
    ovh.answer_delay = 0.25
    answer = await api.call("GET", "/auth/time", signed=False)
    assert (answer.status, delays) == (200, [0.25])


def test_command_line_sets_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    """The keys, the clock's skew and the senders' statuses come from the command line."""
    ovh = simulator_from(
        parse_args(
            [
                "--application-key",
                "ak",
                "--application-secret",
                "as",
                "--consumer-key",
                "ck",
                "--time-skew",
                "-90",
                "--sender",
                "HomeAlarm",
                "--sender",
                f"{WAITING}:waitingValidation",
                "--sender",
                "OldAlarm:refused",
            ]
        )
    )
    assert (ovh.api.application_key, ovh.api.application_secret, ovh.api.time_skew) == (
        "ak",
        "as",
        -90,
    )
    assert (ovh.api.credentials["ck"].status, ovh.api.credentials["ck"].rules) == (
        "validated",
        DEFAULT_RULES,
    )
    assert (ovh.senders, ovh.sender_status) == (
        ("HomeAlarm", WAITING, "OldAlarm"),
        {WAITING: "waitingValidation", "OldAlarm": "refused"},
    )
    assert ovh.api.account is ovh
    defaults = simulator_from(parse_args([]))
    assert (defaults.api.application_key, defaults.api.consumer_key, defaults.sender_status) == (
        "simulator-application-key",
        "simulator-consumer-key",
        {},
    )
    with pytest.raises(SystemExit):
        parse_args(["--sender", "Home:blocked"])
    assert capsys.readouterr().err.endswith(
        "argument --sender: 'Home:blocked': NAME or NAME:STATUS, STATUS one of "
        "enable, disable, refused, waitingValidation\n"
    )
    with pytest.raises(ValueError, match="Sender 'Other', 'refused': undeclared, or not a status"):
        OvhSimulator(sender_status={"Other": "refused"})
    with pytest.raises(
        ValueError, match="Sender 'HomeAlarm', 'blocked': undeclared, or not a status"
    ):
        OvhSimulator(sender_status={"HomeAlarm": "blocked"})


def test_main_prints_the_api_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() prints the API's endpoint and the keys to use."""
    monkeypatch.setattr("simulator.__main__.web.run_app", lambda _app, **_kwargs: None)
    main(["--port", "9002"])
    assert capsys.readouterr().out.splitlines()[1] == (
        "simulator: OVHcloud API endpoint http://127.0.0.1:9002/1.0, application key "
        "simulator-application-key, application secret simulator-application-secret, "
        "consumer key simulator-consumer-key (validated: GET /sms, GET /sms/*, "
        "POST /sms/*/jobs, DELETE /sms/*/jobs/*, DELETE /sms/*/incoming/*)"
    )


async def test_routes_outside_the_simulated_api(api: Client, ovh: OvhSimulator) -> None:
    """A granted call to a route the simulator does not serve is OVH's invalid URL."""
    key = ovh.api.add_credential(DEFAULT_APPLICATION_KEY, [AccessRule("GET", "/*")])
    ovh.api.validate(key.consumer_key)
    api.consumer_key = key.consumer_key
    answer = await api.call("GET", "/me")
    assert (answer.status, answer.body) == (404, not_found("Got an invalid (or empty) URL"))


async def test_bad_page_forms_are_refused(api: Client, ovh: OvhSimulator) -> None:
    """The page's and the validation page's forms refuse what they cannot do."""
    pending = ovh.api.add_credential(DEFAULT_APPLICATION_KEY, DEFAULT_RULES)
    answers = [
        await api.post_form("/auth/validate", {"credentialToken": "nothing", "action": "refuse"}),
        await api.post_form("/auth/validate", {"credentialToken": pending.token, "action": "x"}),
        await api.post_form(
            "/auth/validate",
            {"credentialToken": pending.token, "action": "validate", "validity": "-1"},
        ),
        await api.post_form("/api/credential", {"consumer_key": "nothing", "action": "revoke"}),
        await api.post_form("/api/credential", {"consumer_key": pending.consumer_key}),
        await api.post_form("/api/delivery", {"id": "x", "state": "delivered"}),
        await api.post_form("/api/delivery", {"id": "10867690", "state": "lost"}),
        await api.post_form(
            "/api/credential", {"consumer_key": pending.consumer_key, "action": "validate"}
        ),
    ]
    assert [answer.status for answer in answers] == [404, 400, 400, 400, 400, 400, 400, 303]
    assert (pending.status, pending.expiration, ovh.api.deliveries) == ("validated", None, {})
