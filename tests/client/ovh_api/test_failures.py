"""Failures: each of OVH's refusals as its error, what was or may have been sent; no retry."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

import aiohttp
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
)

from custom_components.ovh_sms.ovhsms import (
    AccessDeniedError,
    AccountNotFoundError,
    ApplicationKeyError,
    AuthenticationError,
    ConsumerKeyError,
    InsufficientCreditError,
    InvalidParameterError,
    OutcomeUnknownError,
    OvhApiClient,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
    RateLimitedError,
    SenderNotFoundError,
    SmsNotSentError,
    SmsRefusedError,
)

from .conftest import (
    ACCOUNT,
    ACCOUNT_URL,
    API,
    JOBS,
    READ_RULE,
    SEND_RULE,
    assert_no_secret,
    calls,
    refusal,
    sms,
)


@pytest.mark.parametrize(
    ("mock", "error", "reason"),
    [
        (refusal(400, errorCode="INVALID_SIGNATURE"), ApplicationKeyError, "no reason given"),
        (refusal(403, errorCode="INVALID_KEY", message="Invalid key"), ApplicationKeyError, None),
        (
            refusal(403, errorCode="INVALID_CREDENTIAL", message="This credential is not valid"),
            ConsumerKeyError,
            None,
        ),
        (refusal(403, errorCode="NOT_CREDENTIAL", message="Not linked"), ConsumerKeyError, None),
        (
            refusal(403, errorCode="NOT_GRANTED_CALL", message="This call has not been granted"),
            AccessDeniedError,
            None,
        ),
        (refusal(404, message="This service does not exist"), AccountNotFoundError, None),
        (refusal(429, message="Too many requests"), RateLimitedError, None),
        (refusal(400, message="The sender HomeAlarm does not exist"), SenderNotFoundError, None),
        (refusal(400, message="Not enough credits"), InsufficientCreditError, None),
        (refusal(400, message=" Invalid receivers "), InvalidParameterError, "Invalid receivers"),
        (
            {"status": 400, "text": "<html>Bad Request</html>"},
            InvalidParameterError,
            "no reason given",
        ),
        (refusal(409, errorCode=3, message=4), SmsRefusedError, "no reason given"),
        ({"status": 403, "json": ["NOT_GRANTED_CALL"]}, SmsRefusedError, "no reason given"),
    ],
)
async def test_job_refusals(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[SmsRefusedError],
    reason: str | None,
) -> None:
    """Each errorCode and status has its error, with OVH's status and message; one request."""
    ovh.post(JOBS, **mock)
    with pytest.raises(SmsRefusedError) as err:
        await client.send(ACCOUNT, sms())
    status, reason = mock["status"], reason or mock["json"]["message"]
    assert type(err.value) is error
    assert (err.value.status, err.value.reason) == (status, reason)
    assert str(err.value) == f"OVH refused the SMS (status {status}): {reason}"
    assert err.value.stops_sending is (error not in {InvalidParameterError, SmsRefusedError})
    if isinstance(err.value, AccessDeniedError):
        assert err.value.rule == SEND_RULE
    if isinstance(err.value, AccountNotFoundError):
        assert err.value.account == ACCOUNT
    assert ovh.call_count == 2
    assert_no_secret(str(err.value), repr(err.value))


def test_refusal_fields_and_families() -> None:
    """The rule, the account and what stops a send."""
    denied = AccessDeniedError(403, "no", SEND_RULE)
    missing = AccountNotFoundError(404, "gone", ACCOUNT)
    assert (denied.rule, missing.account) == (SEND_RULE, ACCOUNT)
    assert all(
        error.stops_sending
        for error in (
            denied,
            missing,
            RateLimitedError(429, "slow"),
            ApplicationKeyError(400, "bad"),
            ConsumerKeyError(403, "bad"),
        )
    )
    assert issubclass(ApplicationKeyError, AuthenticationError)
    assert issubclass(ConsumerKeyError, AuthenticationError)


async def test_access_denied_names_the_rule(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """NOT_GRANTED_CALL keeps the rule each call needed."""
    denied = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}
    ovh.post(JOBS, status=403, json=denied)
    ovh.get(ACCOUNT_URL, status=403, json=denied)
    ovh.get(f"{API}/sms/{ACCOUNT}/senders", status=403, json=denied)
    rules = []
    for call in (
        client.send(ACCOUNT, sms()),
        client.account(ACCOUNT),
        client.senders(ACCOUNT),
    ):
        with pytest.raises(AccessDeniedError) as err:
            await call
        rules.append(err.value.rule)
    assert rules == [SEND_RULE, READ_RULE, READ_RULE]


async def test_not_found(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """A 404 about an account names it; a 404 of GET /sms (a region without SMS) does not."""
    ovh.get(ACCOUNT_URL, status=404, json={"message": "This service does not exist"})
    ovh.get(f"{API}/sms", status=404, json={"message": "Got an invalid (or empty) URL"})
    with pytest.raises(AccountNotFoundError) as err:
        await client.account(ACCOUNT)
    assert (err.value.account, err.value.reason) == (ACCOUNT, "This service does not exist")
    with pytest.raises(SmsRefusedError) as refused:
        await client.sms_accounts()
    assert type(refused.value) is SmsRefusedError
    assert refused.value.status == 404


async def test_a_bad_request_of_a_read_is_no_sender_error(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """Only a job's 400 speaks of senders and credit."""
    ovh.get(ACCOUNT_URL, status=400, json={"message": "Invalid sender"})
    with pytest.raises(SmsRefusedError) as err:
        await client.account(ACCOUNT)
    assert type(err.value) is SmsRefusedError


@pytest.mark.parametrize(
    ("mock", "error", "text"),
    [
        ({"status": 503, "text": "Service Unavailable"}, OvhServerError, None),
        ({"status": 500, "text": "<html>Internal Server Error</html>"}, OvhServerError, None),
        ({"status": 302, "text": ""}, OvhHttpError, "OVH answered HTTP 302"),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            OvhConnectionError,
            f"Could not connect to {API}: ClientConnectorError",
        ),
        (
            {"exc": aiohttp.ConnectionTimeoutError()},
            OvhConnectionError,
            f"Could not connect to {API}: ConnectionTimeoutError",
        ),
        (
            {"exc": aiohttp.ServerDisconnectedError()},
            OutcomeUnknownError,
            (
                "The connection to OVH failed after the request was sent "
                "(ServerDisconnectedError); the SMS may have been sent"
            ),
        ),
        ({"exc": aiohttp.ClientPayloadError("truncated")}, OutcomeUnknownError, None),
        ({"exc": aiohttp.SocketTimeoutError()}, OutcomeUnknownError, None),
        ({"exc": TimeoutError()}, OutcomeUnknownError, None),
        (
            {"text": '{"ids":[1],"invalidRec'},
            OutcomeUnknownError,
            "OVH's answer could not be read; the SMS may have been sent",
        ),
        ({"json": [1]}, OutcomeUnknownError, None),
        ({"json": {"ids": 1}}, OutcomeUnknownError, None),
        ({"json": {"ids": [1], "invalidReceivers": "x"}}, OutcomeUnknownError, None),
        ({"status": 204, "text": ""}, OutcomeUnknownError, None),
    ],
)
async def test_job_failures_are_never_retried(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[OvhSmsError],
    text: str | None,
) -> None:
    """Each failure of a job has its error, and exactly one job went out."""
    ovh.post(JOBS, **mock)
    with pytest.raises(OvhSmsError) as err:
        await client.send(ACCOUNT, sms())
    assert type(err.value) is error
    if error is OvhServerError:
        status = mock["status"]
        assert str(err.value) == f"OVH answered HTTP {status}; the SMS may have been sent"
    elif text is not None:
        assert str(err.value) == text
    assert [method for method, *_ in calls(ovh)] == ["GET", "POST"]
    assert_no_secret(str(err.value), repr(err.value))


@pytest.mark.parametrize(
    ("mock", "error", "text"),
    [
        ({"status": 503, "text": "Service Unavailable"}, OvhHttpError, "OVH answered HTTP 503"),
        ({"status": 301, "text": ""}, OvhHttpError, "OVH answered HTTP 301"),
        (
            {"exc": aiohttp.ServerDisconnectedError()},
            OvhConnectionError,
            f"The connection to OVH failed during GET /sms/{ACCOUNT} (ServerDisconnectedError)",
        ),
        (
            {"exc": TimeoutError()},
            OvhConnectionError,
            f"The connection to OVH failed during GET /sms/{ACCOUNT} (TimeoutError)",
        ),
        (
            {"exc": aiohttp.ClientConnectorError(Mock(), OSError("refused"))},
            OvhConnectionError,
            f"Could not connect to {API}: ClientConnectorError",
        ),
    ],
)
async def test_read_failures_sent_nothing(
    client: OvhApiClient,
    ovh: AiohttpClientMocker,
    mock: dict[str, Any],
    error: type[SmsNotSentError],
    text: str,
) -> None:
    """A read sends no SMS: its failures after the request left are still nothing sent."""
    ovh.get(ACCOUNT_URL, **mock)
    with pytest.raises(SmsNotSentError) as err:
        await client.account(ACCOUNT)
    assert (type(err.value), str(err.value)) == (error, text)
