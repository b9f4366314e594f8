"""The simulator's API as served: one account with http2sms, the page's faults, the command line."""

from __future__ import annotations

from unittest.mock import AsyncMock

import pytest

from simulator import (
    DEFAULT_APPLICATION_KEY,
    DEFAULT_RULES,
    AccessRule,
    OvhSimulator,
)
from simulator.__main__ import main, parse_args, simulator_from
from tests.conftest import PASSWORD, LoopbackSimulator

from .conftest import (
    ACCOUNT,
    JOB,
    NOW,
    SMS,
    WAITING,
    Client,
    not_found,
)


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
    monkeypatch.setattr("simulator.__main__.serve", AsyncMock())
    main(["--port", "9002"])
    assert capsys.readouterr().out.splitlines()[1] == (
        "simulator: OVHcloud API endpoint http://127.0.0.1:9002/1.0, application key "
        "simulator-application-key, application secret simulator-application-secret, "
        "consumer key simulator-consumer-key (validated: GET /sms, GET /sms/*, "
        "POST /sms/*/jobs, DELETE /sms/*/jobs/*, DELETE /sms/*/incoming/*, "
        "POST /sms/*/virtualNumbers/*/jobs, DELETE /sms/*/virtualNumbers/*/incoming/*, "
        "DELETE /sms/*/blacklists/*)"
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
