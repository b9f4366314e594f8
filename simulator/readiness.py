"""What the simulated API tells about the account's readiness: service, STOP list, exceptions.

Assumptions where OVH publishes nothing: the service's expiration is a date
("2027-01-31") and its status one of OVH's (ok, expired, unPaid, ...); a number
on the STOP list is written +33...; an SMS answered "STOP" (any case, spaces
around) puts its receiver there, whatever the SMS's noStopClause; a number not
on the list is a 404 "The requested object (number = X) does not exist"; an
operator exception applies to every receiver whose number starts with its
country's calling code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
import logging

from .wire import INVALID_URL, api_error, international, ovh_datetime, refuse_unknown

_LOGGER = logging.getLogger(__name__)

STOP_WORD = "STOP"


@dataclass(frozen=True, slots=True)
class OperatorRestriction:
    """A restriction of a country's operators: calling code (33), OVH's code, its substitution."""

    calling_code: str
    restriction: str
    operators: tuple[str, ...] = ()
    substitution: str = ""


@dataclass
class AccountReadiness:
    """The account's service state, its STOP list and the operators' restrictions.

    expiration None: the service never expires (OVH then gives no date).
    """

    service_status: str = "ok"
    expiration: date | None = None
    automatic_renewal: bool = True
    stop_list: dict[str, datetime] = field(default_factory=dict)
    restrictions: list[OperatorRestriction] = field(default_factory=list)

    def put_on_stop_list(self, receiver: str, now: datetime) -> None:
        """Put a number on the STOP list, as OVH does when its phone answers STOP."""
        number = international(receiver)
        self.stop_list.setdefault(number, now)
        _LOGGER.info("%s is on the STOP list", number)

    def hear(self, sender: str, message: str, now: datetime) -> None:
        """Put the sender of a reply STOP on the STOP list."""
        if message.strip().upper() == STOP_WORD:
            self.put_on_stop_list(sender, now)

    def route(self, method: str, route: Sequence[str], query: Mapping[str, str]) -> object:
        """Answer GET serviceInfos, GET/DELETE blacklists, GET exceptions."""
        match method, route:
            case "GET", ["serviceInfos"]:
                return self._service_infos()
            case "GET", ["blacklists"]:
                return list(self.stop_list)
            case "GET", ["blacklists", number]:
                return {
                    "number": number,
                    "dateCreation": ovh_datetime(self._listed(number)),
                    "smsOutgoingID": None,
                }
            case "DELETE", ["blacklists", number]:
                self._listed(number)
                del self.stop_list[number]
                _LOGGER.info("%s is off the STOP list", number)
                return None
            case "GET", ["exceptions"]:
                return self._exceptions(query)
        raise api_error(404, INVALID_URL)

    def _service_infos(self) -> dict[str, object]:
        return {
            "status": self.service_status,
            "expiration": None if self.expiration is None else self.expiration.isoformat(),
            "creation": "2020-01-01",
            "renew": {"automatic": self.automatic_renewal, "period": 12},
        }

    def _listed(self, number: str) -> datetime:
        if number not in self.stop_list:
            raise api_error(404, f"The requested object (number = {number}) does not exist")
        return self.stop_list[number]

    def _exceptions(self, query: Mapping[str, str]) -> list[dict[str, object]]:
        refuse_unknown(query, frozenset({"receiver"}), what="query parameter")
        receiver = query.get("receiver")
        if not receiver:
            raise api_error(400, "[receiver] Missing parameter")
        digits = international(receiver).removeprefix("+")
        return [
            {
                "countrySuffixe": restriction.calling_code,
                "operators": list(restriction.operators),
                "messages": "",
                "restrictionCode": restriction.restriction,
                "substitution": restriction.substitution,
            }
            for restriction in self.restrictions
            if digits.startswith(restriction.calling_code)
        ]
