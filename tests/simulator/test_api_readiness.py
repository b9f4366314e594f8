"""The simulator's readiness routes: serviceInfos, the STOP list (and a reply STOP), exceptions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from freezegun import freeze_time

from simulator import OvhSimulator
from simulator.__main__ import parse_args, simulator_from
from simulator.readiness import AccountReadiness, OperatorRestriction
from simulator.wire import INVALID_URL

from .conftest import ALICE, BOB, NOW, SHORT, SMS, Client, bad_request, not_found, send


async def test_service_infos(api: Client, ovh: OvhSimulator) -> None:
    """A service in order that never expires by default; its status and expiry as set."""
    default = await api.call("GET", f"{SMS}/serviceInfos")
    ovh.api.readiness.service_status = "expired"
    ovh.api.readiness.expiration = date(2027, 1, 25)
    expired = await api.call("GET", f"{SMS}/serviceInfos")
    assert (default.status, default.body["status"], default.body["expiration"]) == (200, "ok", None)
    assert expired.body == {
        "status": "expired",
        "expiration": "2027-01-25",
        "creation": "2020-01-01",
        "renew": {"automatic": True, "period": 12},
    }


async def test_a_reply_stop_puts_the_number_on_the_stop_list(
    api: Client, ovh: OvhSimulator
) -> None:
    """STOP from the phone lists its number; the list is read, one number read, then removed."""
    [short] = await send(api, SHORT)
    ovh.api.reply(short, "Yes")
    ovh.api.reply(short, " stop ")
    listed = await api.call("GET", f"{SMS}/blacklists")
    one = await api.call("GET", f"{SMS}/blacklists/%2B33612345678")
    removed = await api.call("DELETE", f"{SMS}/blacklists/%2B33612345678")
    again = await api.call("DELETE", f"{SMS}/blacklists/%2B33612345678")
    after = await api.call("GET", f"{SMS}/blacklists")
    assert listed.body == [ALICE]
    assert one.body == {
        "number": ALICE,
        "dateCreation": datetime.fromtimestamp(NOW, UTC).isoformat(),
        "smsOutgoingID": None,
    }
    assert (removed.status, removed.body) == (200, None)
    assert (again.status, again.body) == (
        404,
        not_found(f"The requested object (number = {ALICE}) does not exist"),
    )
    assert after.body == []


async def test_exceptions_by_calling_code(api: Client, ovh: OvhSimulator) -> None:
    """The restrictions of the receiver's country; a receiver is required."""
    ovh.api.readiness.restrictions = [
        OperatorRestriction("33", "ALPHA", ("Free Mobile",), "36111"),
        OperatorRestriction("44", "BLOCKED"),
    ]
    french = await api.call("GET", f"{SMS}/exceptions?receiver=%2B33612345678")
    none = await api.call("GET", f"{SMS}/exceptions?receiver=0032470123456")
    missing = await api.call("GET", f"{SMS}/exceptions")
    unknown = await api.call("GET", f"{SMS}/exceptions?receiver=1&country=fr")
    assert french.body == [
        {
            "countrySuffixe": "33",
            "operators": ["Free Mobile"],
            "messages": "",
            "restrictionCode": "ALPHA",
            "substitution": "36111",
        }
    ]
    assert none.body == []
    assert (missing.status, missing.body) == (400, bad_request("[receiver] Missing parameter"))
    assert (unknown.status, unknown.body) == (400, bad_request("Unknown query parameter country"))


async def test_other_readiness_routes_are_not_simulated(api: Client) -> None:
    """A path under them the routes do not serve is OVH's invalid URL."""
    answer = await api.call("GET", f"{SMS}/blacklists/{ALICE}/details")
    assert (answer.status, answer.body) == (404, not_found(INVALID_URL))


@freeze_time("2027-01-15 08:00:00+00:00")
def test_command_line_sets_readiness() -> None:
    """Status, expiry in days from today, and numbers on the STOP list."""
    args = ["--service-status", "unPaid", "--expires-in", "10", "--stop", "0033612345678"]
    readiness = simulator_from(parse_args([*args, "--stop", BOB])).api.readiness
    assert readiness.service_status == "unPaid"
    assert readiness.expiration == date(2027, 1, 25)
    now = datetime(2027, 1, 15, 8, tzinfo=UTC)
    assert readiness.stop_list == {ALICE: now, BOB: now}
    assert simulator_from(parse_args([])).api.readiness == AccountReadiness()
