"""Signing and OVH's clock: the signature, the rights asked for, the signed headers.

OVH's time is read once, and again when OVH refuses a timestamp.
"""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import Mock

import aiohttp
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.ovh_sms.ovhsms import (
    ACCESS_RULES,
    API_BATCH_SIZE,
    API_MAX_IN_FLIGHT,
    CREATE_APP_URL,
    CREATE_TOKEN_URL,
    DEFAULT_API_ENDPOINT,
    AccessRule,
    OvhApiClient,
    OvhConnectionError,
    QueryOutOfTimeError,
    SmsNotSentError,
    SmsRefusedError,
    UnreadableAnswerError,
    sign,
)
from homeassistant.core import HomeAssistant

from .conftest import (
    ACCEPTED,
    ACCOUNT,
    ACCOUNT_ANSWER,
    ACCOUNT_URL,
    ALICE,
    API,
    CONSUMER_KEY,
    JOBS,
    SECRET,
    SERVER_TIME,
    TIMESTAMP,
    Clock,
    calls,
    compact,
    job,
    make_client,
    signed,
    sms,
    time_call,
)


@pytest.mark.parametrize(
    ("method", "body", "signature"),
    [
        ("GET", "", "$1$e9556054b6309771395efa467c22e627407461ad"),
        ("POST", '{"a":"b","c":"d"}', "$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1"),
        ("PUT", '{"a":"b","c":"d"}', "$1$8a75a9e7c8e7296c9dbeda6a2a735eb6bd58ec4b"),
        ("DELETE", "", "$1$a1eecd00b3b02b6cf5708b84b9ff42059a950d85"),
    ],
)
def test_signature_vectors(method: str, body: str, signature: str) -> None:
    """python-ovh's published vectors; the method is signed upper case."""
    args = ("9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk", "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY")
    url = "https://eu.api.ovh.com/1.0/auth"
    assert sign(*args, method, url, body, 1457018875) == signature
    assert sign(*args, method.lower(), url, body, 1457018875) == signature


def test_rules_and_pages() -> None:
    """The rights asked for, as OVH writes them, and the pages that create the keys."""
    assert [str(rule) for rule in ACCESS_RULES] == [
        "GET /sms",
        "GET /sms/*",
        "POST /sms/*/jobs",
        "DELETE /sms/*/jobs/*",
        "DELETE /sms/*/incoming/*",
        "POST /sms/*/virtualNumbers/*/jobs",
        "DELETE /sms/*/virtualNumbers/*/incoming/*",
        "DELETE /sms/*/blacklists/*",
    ]
    assert ACCESS_RULES[2] == AccessRule("POST", "/sms/*/jobs")
    page = CREATE_TOKEN_URL
    assert page == (
        "https://eu.api.ovh.com/createToken/?GET=/sms&GET=/sms/*&POST=/sms/*/jobs"
        "&DELETE=/sms/*/jobs/*&DELETE=/sms/*/incoming/*"
        "&POST=/sms/*/virtualNumbers/*/jobs&DELETE=/sms/*/virtualNumbers/*/incoming/*"
        "&DELETE=/sms/*/blacklists/*"
    )
    assert CREATE_APP_URL == "https://eu.api.ovh.com/createApp/"
    assert DEFAULT_API_ENDPOINT == "https://eu.api.ovh.com/1.0"
    assert (API_BATCH_SIZE, API_MAX_IN_FLIGHT) == (50, 2)


async def test_signed_call_headers_and_clock(
    client: OvhApiClient, ovh: AiohttpClientMocker, clock: Clock
) -> None:
    """OVH's time is asked once, unsigned; each signed call is stamped on OVH's clock.

    The stamp is OVH's time as read plus the whole seconds elapsed since.
    """
    ovh.get(f"{API}/sms", json=[ACCOUNT, "sms-cd5678-2"])
    assert await client.sms_accounts() == (ACCOUNT, "sms-cd5678-2")
    clock.now += 100.5
    assert await client.sms_accounts() == (ACCOUNT, "sms-cd5678-2")
    assert calls(ovh) == [
        time_call(),
        signed("GET", f"{API}/sms"),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 100),
    ]
    _, url, _, headers = calls(ovh)[1]
    assert headers["X-Ovh-Signature"] == sign(
        SECRET, CONSUMER_KEY, "GET", url, "", int(headers["X-Ovh-Timestamp"])
    )


async def test_clock_asked_once_for_concurrent_calls(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """Two first calls at once still ask OVH's time once."""
    ovh.get(f"{API}/sms", json=[ACCOUNT])
    ovh.get(ACCOUNT_URL, json=ACCOUNT_ANSWER)
    await asyncio.gather(client.sms_accounts(), client.account(ACCOUNT))
    assert [url for _, url, _, _ in calls(ovh)].count(f"{API}/auth/time") == 1
    assert ovh.call_count == 3


@pytest.mark.parametrize("answer", ["true", '"1782907242"', "17829072.5", "soon"])
async def test_unreadable_clock(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, answer: str
) -> None:
    """OVH's time must be a bare integer; else nothing is sent, and it is asked again."""
    aioclient_mock.get(f"{API}/auth/time", text=answer)
    client = make_client(hass)
    for _ in range(2):
        with pytest.raises(UnreadableAnswerError) as err:
            await client.sms_accounts()
        assert str(err.value) == "OVH's answer to GET /auth/time (HTTP 200) could not be read"
    assert calls(aioclient_mock) == [time_call(), time_call()]


async def test_clock_unreachable_sends_nothing(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """When OVH's time cannot be had, the job is never posted."""
    aioclient_mock.get(
        f"{API}/auth/time", exc=aiohttp.ClientConnectorError(Mock(), OSError("refused"))
    )
    aioclient_mock.post(JOBS, json=ACCEPTED)
    with pytest.raises(OvhConnectionError) as err:
        await make_client(hass).send(ACCOUNT, sms())
    assert str(err.value) == f"Could not connect to {API}: ClientConnectorError"
    assert calls(aioclient_mock) == [time_call()]


OUT_OF_TIME = {
    "errorCode": "QUERY_TIME_OUT",
    "httpCode": "400 Bad Request",
    "message": "Query out of time",
}


class Ovh:
    """OVH with its own clock: it refuses a timestamp more than 180 s away from it."""

    def __init__(self, aioclient_mock: AiohttpClientMocker, answer: object) -> None:
        """Answer /auth/time from its clock, and every other call with answer when in time."""
        self.mock = aioclient_mock
        self.clock = Clock(SERVER_TIME)
        self.answer = answer
        self.refusal = OUT_OF_TIME
        aioclient_mock.get(f"{API}/auth/time", side_effect=self.time)

    async def time(self, method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        """Tell OVH's time."""
        return AiohttpClientMockResponse(method, url, text=str(int(self.clock())))

    async def call(self, method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        """Check the call's timestamp against OVH's clock, then answer (letting others run)."""
        headers = self.mock.mock_calls[-1][3]
        await asyncio.sleep(0)
        if abs(int(headers["X-Ovh-Timestamp"]) - self.clock()) > 180:
            return AiohttpClientMockResponse(method, url, status=400, json=self.refusal)
        return AiohttpClientMockResponse(method, url, json=self.answer)


@pytest.fixture
def monotonic() -> Clock:
    """Return the monotonic clock the client reads: it counts seconds, never jumps."""
    return Clock(1000.0)


async def test_a_correction_of_the_wall_clock_changes_no_timestamp(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """Home Assistant's clock set an hour forward after start: the stamps stay on OVH's time."""
    wall = Clock()
    aioclient_mock.get(f"{API}/auth/time", text=str(SERVER_TIME))
    aioclient_mock.get(f"{API}/sms", json=[ACCOUNT])
    client = make_client(hass, wall, monotonic=monotonic)
    await client.sms_accounts()
    wall.now += 3600
    monotonic.now += 30
    await client.sms_accounts()
    assert calls(aioclient_mock) == [
        time_call(),
        signed("GET", f"{API}/sms"),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 30),
    ]


@pytest.mark.parametrize(
    "refusal",
    [OUT_OF_TIME, {"message": "Query out of time"}],
    ids=["error code", "message only"],
)
async def test_a_refused_timestamp_reads_ovh_time_again_and_sends_once_more(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    monotonic: Clock,
    refusal: dict[str, Any],
) -> None:
    """OVH's clock moved away (a suspend, a step at OVH): refused, OVH's time read, sent once."""
    ovh = Ovh(aioclient_mock, ACCEPTED)
    ovh.refusal = refusal
    aioclient_mock.post(JOBS, side_effect=ovh.call)
    client = make_client(hass, monotonic=monotonic)
    await client.send(ACCOUNT, sms())
    ovh.clock.now += 7200
    monotonic.now += 60
    result = await client.send(ACCOUNT, sms())
    assert result.sms_ids == ("26929925",)
    body = compact(job(ALICE))
    assert calls(aioclient_mock) == [
        time_call(),
        signed("POST", JOBS, body),
        signed("POST", JOBS, body, timestamp=TIMESTAMP + 60),
        time_call(),
        signed("POST", JOBS, body, timestamp=TIMESTAMP + 7200),
    ]


async def test_a_timestamp_refused_twice_is_made_no_third_time(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """OVH refuses even the stamp on its time read anew: the error says so; nothing was sent."""
    aioclient_mock.get(f"{API}/auth/time", text=str(SERVER_TIME))
    aioclient_mock.post(JOBS, status=400, json=OUT_OF_TIME)
    with pytest.raises(QueryOutOfTimeError) as err:
        await make_client(hass, monotonic=monotonic).send(ACCOUNT, sms())
    assert isinstance(err.value, SmsNotSentError)
    assert str(err.value) == "OVH refused the call's timestamp (status 400): Query out of time"
    body = compact(job(ALICE))
    assert calls(aioclient_mock) == [
        time_call(),
        signed("POST", JOBS, body),
        time_call(),
        signed("POST", JOBS, body),
    ]


@pytest.mark.parametrize(
    "refusal",
    [
        {"errorCode": "INVALID_PARAMETER", "message": "Invalid tag: Query out of time"},
        {"message": "Invalid parameter"},
    ],
    ids=["message naming it", "another refusal"],
)
async def test_another_refusal_is_never_made_again(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    monotonic: Clock,
    refusal: dict[str, Any],
) -> None:
    """Only OVH's refusal of the timestamp itself proves nothing was done: any other 400, once."""
    aioclient_mock.get(f"{API}/auth/time", text=str(SERVER_TIME))
    aioclient_mock.post(JOBS, status=400, json=refusal)
    with pytest.raises(SmsRefusedError) as err:
        await make_client(hass, monotonic=monotonic).send(ACCOUNT, sms())
    assert not isinstance(err.value, QueryOutOfTimeError)
    assert calls(aioclient_mock) == [time_call(), signed("POST", JOBS, compact(job(ALICE)))]


async def test_ovh_time_is_read_again_after_an_hour(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """Within the hour OVH's time read is used; older, it is read again before the call."""
    ovh = Ovh(aioclient_mock, [ACCOUNT])
    aioclient_mock.get(f"{API}/sms", side_effect=ovh.call)
    client = make_client(hass, monotonic=monotonic)
    await client.sms_accounts()
    ovh.clock.now += 3605  # OVH's clock runs 5 s faster than this machine's
    monotonic.now += 3600
    await client.sms_accounts()
    monotonic.now += 1
    ovh.clock.now += 1
    await client.sms_accounts()
    assert calls(aioclient_mock) == [
        time_call(),
        signed("GET", f"{API}/sms"),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 3600),
        time_call(),
        signed("GET", f"{API}/sms", timestamp=TIMESTAMP + 3606),
    ]


async def test_calls_refused_together_read_ovh_time_once(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, monotonic: Clock
) -> None:
    """Two calls refused at once: the first reads OVH's time again, the second uses it."""
    ovh = Ovh(aioclient_mock, ACCOUNT_ANSWER)
    aioclient_mock.get(ACCOUNT_URL, side_effect=ovh.call)
    client = make_client(hass, monotonic=monotonic)
    await client.account(ACCOUNT)
    ovh.clock.now += 7200
    await asyncio.gather(client.account(ACCOUNT), client.account(ACCOUNT))
    stamps = [headers.get("X-Ovh-Timestamp") for _, _, _, headers in calls(aioclient_mock)]
    before, after = str(TIMESTAMP), str(TIMESTAMP + 7200)
    assert stamps == [None, before, before, before, None, after, after]
