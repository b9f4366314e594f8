"""Each readiness check: from what OVH told (or the error of its read) to a state and problems.

Pure functions: readiness.py reads OVH and the history, these judge. A check
is ok, a problem (with a repair issue saying what to do), unknown (nothing to
judge yet: not enough credit history), unreadable (OVH's answer could not be
had: not ready either, but no repair) or not checked (the way in cannot tell).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from .ovhsms import OperatorException, OvhSmsError, Sender, ServiceInfos
from .readiness_history import Runway, RunwayBasis

# A repair this long before the service expires.
EXPIRY_WARNING: Final = timedelta(days=30)
# The restrictions that rewrite or block a sender of each type; BLOCKED, every SMS.
_RESTRICTIONS_BY_SENDER_TYPE: Final = {"alpha": "ALPHA", "numeric": "MSISDN", "virtual": "MSISDN"}
_BLOCKED: Final = "BLOCKED"

ISSUE_CREDIT_LOW: Final = "readiness_credit_low"
ISSUE_RUNWAY_SHORT: Final = "readiness_runway_short"
ISSUE_SERVICE_EXPIRING: Final = "readiness_service_expiring"
ISSUE_SERVICE_NOT_OK: Final = "readiness_service_not_ok"
ISSUE_SENDER_NOT_ENABLED: Final = "readiness_sender_not_enabled"
ISSUE_OPERATOR_RESTRICTION: Final = "readiness_operator_restriction"
ISSUE_STOP_LIST: Final = "readiness_stop_list"
ISSUE_DELIVERIES_FAILING: Final = "readiness_deliveries_failing"


class CheckState(StrEnum):
    """Where one check stands (an attribute of the Alarm path sensor, translated)."""

    OK = "ok"
    PROBLEM = "problem"
    UNKNOWN = "unknown"
    UNREADABLE = "unreadable"
    NOT_CHECKED = "not_checked"


NOT_READY: Final = frozenset({CheckState.PROBLEM, CheckState.UNREADABLE})


@dataclass(frozen=True, slots=True)
class Recipient:
    """A recipient of the entry: its subentry, name and number (00 form)."""

    subentry_id: str
    name: str
    number: str


@dataclass(frozen=True, slots=True)
class Problem:
    """A repair issue to raise: its text, its values, whom it is about (a subentry id or "")."""

    issue: str
    placeholders: dict[str, str]
    subject: str = ""
    fix: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One check's state, its problems and the details the sensor shows."""

    state: CheckState
    problems: tuple[Problem, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


type Read[T] = T | OvhSmsError | None  # None: not read (the way in cannot)


def _digits(number: str) -> str:
    """Reduce a number to its international digits: +33…, 0033… and 33… match."""
    return "".join(char for char in number if char.isdigit()).removeprefix("00")


def _state(problems: Sequence[Problem]) -> CheckState:
    return CheckState.PROBLEM if problems else CheckState.OK


def check_credit(credit: Decimal | None, threshold: Decimal, account: str) -> Check:
    """Find a problem below the threshold (0: off); unknown before the credit is known."""
    if credit is None:
        return Check(CheckState.UNKNOWN)
    problems: tuple[Problem, ...] = ()
    if credit < threshold:
        placeholders = {
            "account": account,
            "credits_left": str(credit),
            "threshold": str(threshold),
        }
        problems = (Problem(ISSUE_CREDIT_LOW, placeholders),)
    return Check(_state(problems), problems)


def check_runway(runway: Runway, minimum_days: int, account: str) -> Check:
    """Find a problem when the credit lasts fewer than minimum_days at the mean spending."""
    details = {"days_of_credit_left": runway.days, "runway_basis": str(runway.basis)}
    if runway.basis is RunwayBasis.NO_SPENDING:
        return Check(CheckState.OK, details=details)
    if runway.days is None:
        return Check(CheckState.UNKNOWN, details=details)
    problems: tuple[Problem, ...] = ()
    if runway.days < minimum_days:
        placeholders = {"account": account, "days": str(runway.days), "minimum": str(minimum_days)}
        problems = (Problem(ISSUE_RUNWAY_SHORT, placeholders),)
    return Check(_state(problems), problems, details)


def check_service(infos: Read[ServiceInfos], today: date, account: str) -> Check:
    """Find a problem when OVH's status is not ok, or the service expires within EXPIRY_WARNING."""
    if infos is None:
        return Check(CheckState.NOT_CHECKED)
    if isinstance(infos, OvhSmsError):
        return Check(CheckState.UNREADABLE)
    expiration = infos.expiration
    details = {
        "service_status": infos.status,
        "expires_on": None if expiration is None else expiration.isoformat(),
    }
    problems: list[Problem] = []
    if not infos.ok:
        problems.append(Problem(ISSUE_SERVICE_NOT_OK, {"account": account, "status": infos.status}))
    if expiration is not None and expiration - today <= EXPIRY_WARNING:
        placeholders = {
            "account": account,
            "expires_on": expiration.isoformat(),
            "days": str(max((expiration - today).days, 0)),
        }
        problems.append(Problem(ISSUE_SERVICE_EXPIRING, placeholders))
    return Check(_state(problems), tuple(problems), details)


def check_sender(sender: Read[Sender], account: str) -> Check:
    """Find a problem when the entry's sender is disabled, refused or waiting for validation."""
    if sender is None:
        return Check(CheckState.NOT_CHECKED)
    if isinstance(sender, OvhSmsError):
        return Check(CheckState.UNREADABLE)
    problems: tuple[Problem, ...] = ()
    if not sender.enabled:
        placeholders = {"account": account, "sender": sender.name, "status": sender.status}
        problems = (Problem(ISSUE_SENDER_NOT_ENABLED, placeholders),)
    return Check(_state(problems), problems, {"sender_status": sender.status})


def _restricting(exceptions: Sequence[OperatorException], sender: Sender) -> list[str]:
    """List the restrictions that would rewrite or block this sender's SMS."""
    codes = {_BLOCKED, _RESTRICTIONS_BY_SENDER_TYPE.get(sender.type, "ALPHA")}
    return [
        f"{exception.restriction} ({', '.join(exception.operators) or exception.country})"
        for exception in exceptions
        if exception.restriction in codes
    ]


def check_operators(
    sender: Read[Sender],
    exceptions: Mapping[str, Read[tuple[OperatorException, ...]]],
    recipients: Sequence[Recipient],
) -> Check:
    """Find a problem per recipient whose operators rewrite or block the entry's named sender."""
    if not isinstance(sender, Sender):
        return Check(CheckState.NOT_CHECKED)
    problems = []
    unreadable = False
    for recipient in recipients:
        found = exceptions.get(recipient.subentry_id)
        if not isinstance(found, tuple):
            unreadable = True
            continue
        if restrictions := _restricting(found, sender):
            placeholders = {
                "recipient": recipient.name,
                "sender": sender.name,
                "restrictions": "; ".join(restrictions),
            }
            problems.append(
                Problem(ISSUE_OPERATOR_RESTRICTION, placeholders, recipient.subentry_id)
            )
    state = CheckState.UNREADABLE if unreadable and not problems else _state(problems)
    names = [problem.placeholders["recipient"] for problem in problems]
    return Check(state, tuple(problems), {"restricted_recipients": names})


def check_stop_list(
    stop_list: Read[tuple[str, ...]], recipients: Sequence[Recipient], account: str
) -> Check:
    """Find a problem per recipient on OVH's STOP list; its Fix takes him off."""
    if stop_list is None:
        return Check(CheckState.NOT_CHECKED)
    if isinstance(stop_list, OvhSmsError):
        return Check(CheckState.UNREADABLE)
    listed = {_digits(number): number for number in stop_list}
    problems = tuple(
        Problem(
            ISSUE_STOP_LIST,
            {"account": account, "recipient": recipient.name},
            recipient.subentry_id,
            fix={"number": listed[_digits(recipient.number)], "recipient": recipient.name},
        )
        for recipient in recipients
        if _digits(recipient.number) in listed
    )
    names = [problem.placeholders["recipient"] for problem in problems]
    return Check(_state(problems), problems, {"stopped_recipients": names})


def check_deliveries(failing: Sequence[Recipient] | None) -> Check:
    """Find a problem per recipient whose last two SMS failed; None: deliveries are not followed."""
    if failing is None:
        return Check(CheckState.NOT_CHECKED)
    problems = tuple(
        Problem(ISSUE_DELIVERIES_FAILING, {"recipient": recipient.name}, recipient.subentry_id)
        for recipient in failing
    )
    return Check(_state(problems), problems, {"failing_recipients": [r.name for r in failing]})
