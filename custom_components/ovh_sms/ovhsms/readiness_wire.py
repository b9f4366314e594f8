"""OVH's answers about an account's readiness: its service, its STOP list, operator exceptions.

Field names follow OVH's published /sms schema (2026 copy); whatever else OVH
adds is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .models import OperatorException, ServiceInfos


def _object(data: object) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    return data


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _date(value: object) -> date | None:
    """Read "2027-01-31" (OVH's date) or a datetime's day; None when unreadable."""
    text = _text(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def parse_service_infos(data: object) -> ServiceInfos:
    """Read GET /sms/{s}/serviceInfos: status, expiry and whether it renews itself."""
    fields = _object(data)
    status = fields["status"]
    if not isinstance(status, str):
        raise TypeError("status is not a string")
    renew = fields.get("renew")
    automatic = isinstance(renew, dict) and renew.get("automatic") is True
    return ServiceInfos(
        status=status, expiration=_date(fields.get("expiration")), automatic_renewal=automatic
    )


def parse_exceptions(data: object) -> tuple[OperatorException, ...]:
    """Read GET /sms/{s}/exceptions: each operator restriction for a receiver's country."""
    if not isinstance(data, list):
        raise TypeError("not a list")
    exceptions = []
    for item in data:
        fields = _object(item)
        operators = fields.get("operators")
        exceptions.append(
            OperatorException(
                country=_text(fields.get("countrySuffixe")),
                operators=tuple(
                    operator for operator in operators or () if isinstance(operator, str)
                ),
                restriction=_text(fields.get("restrictionCode")),
                substitution=_text(fields.get("substitution")),
            )
        )
    return tuple(exceptions)
