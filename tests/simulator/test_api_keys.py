"""The simulator's OVHcloud API checks keys, signatures and rights like OVH does.

The signature itself is checked against python-ovh's published vectors, so the
client of conftest.py, which signs with it, calls the API as the integration does.
"""

from __future__ import annotations

from typing import Any

import pytest
from yarl import URL

from simulator import (
    DEFAULT_APPLICATION_KEY,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_RULES,
    AccessRule,
    OvhSimulator,
    sign,
)

from .conftest import (
    ACCOUNT,
    INVALID_CREDENTIAL,
    INVALID_KEY,
    INVALID_SIGNATURE,
    JOB,
    NOT_CREDENTIAL,
    NOT_GRANTED_CALL,
    NOW,
    QUERY_TIME_OUT,
    SMS,
    WAITING,
    Client,
    bad_request,
    not_found,
)

GRANTED = [{"method": "GET", "path": "/sms"}]


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
        "DELETE /sms/*/incoming/*<br>POST /sms/*/virtualNumbers/*/jobs<br>"
        "DELETE /sms/*/virtualNumbers/*/incoming/*<br>"
        "DELETE /sms/*/blacklists/*</td>"
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
