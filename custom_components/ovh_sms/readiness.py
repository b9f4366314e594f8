"""Alarm path readiness: what would stop an alarm's SMS, checked before the alarm.

A coordinator of its own per entry reads OVH at setup and every
READINESS_INTERVAL (never on a send's path): the service's state and expiry,
the entry's sender, the STOP list and, for a named sender, the operator
exceptions of each recipient's country. The credit and delivery checks come
from the history (readiness_history.py) and are judged again on each change
of it, without a call. Each problem is a repair issue, per recipient where it
is about one; the STOP list's has a Fix (readiness_repairs.py). OVH out of
reach makes the sensor unavailable; with an SMS user only the credit checks
apply (http2sms reads nothing else).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .account import SmsAccount
from .const import (
    CONF_ACCOUNT,
    CONF_PHONE_NUMBER,
    CONF_READINESS,
    CONF_SENDER,
    DEFAULT_OPTIONS,
    DOMAIN,
    LOGGER,
    SUBENTRY_RECIPIENT,
)
from .coordinator import OvhSmsCoordinator
from .errors import async_react_to_failure, translated
from .ovhsms import (
    OperatorException,
    OutcomeUnknownError,
    OvhApiClient,
    OvhConnectionError,
    OvhHttpError,
    OvhSmsError,
    RateLimitedError,
    Sender,
    SenderNotFoundError,
    SenderStatus,
    ServiceInfos,
    UnreadableAnswerError,
)
from .readiness_checks import (
    ISSUE_CREDIT_LOW,
    ISSUE_OPERATOR_RESTRICTION,
    ISSUE_RUNWAY_SHORT,
    ISSUE_SERVICE_EXPIRING,
    NOT_READY,
    Check,
    Problem,
    Read,
    Recipient,
    check_credit,
    check_deliveries,
    check_operators,
    check_runway,
    check_sender,
    check_service,
    check_stop_list,
)
from .readiness_history import ReadinessHistory
from .virtual_numbers import VirtualNumbers

# 4 runs a day: 3 reads and one per recipient with a named sender, plus OVH's time.
READINESS_INTERVAL: Final = timedelta(hours=6)
CONF_CREDIT_THRESHOLD: Final = "credit_threshold"
CONF_RUNWAY_DAYS: Final = "runway_days"
# The issues that warn (the SMS still go out, for now); the others are errors.
_WARNINGS: Final = frozenset(
    {ISSUE_CREDIT_LOW, ISSUE_RUNWAY_SHORT, ISSUE_SERVICE_EXPIRING, ISSUE_OPERATOR_RESTRICTION}
)
# A sender OVH does not know is a problem like a disabled one, with this status.
SENDER_MISSING: Final = "missing"
_ISSUE_PREFIX: Final = "readiness_"

DATA_READINESS: HassKey[dict[str, ReadinessCoordinator]] = HassKey(f"{DOMAIN}_readiness")


def readiness_section() -> section:
    """Give the readiness section of the options form (collapsed)."""
    days = NumberSelectorConfig(min=0, max=365, step=1, mode=NumberSelectorMode.BOX)
    credit = NumberSelectorConfig(min=0, max=1_000_000, step=1, mode=NumberSelectorMode.BOX)
    return section(
        vol.Schema(
            {
                vol.Required(CONF_CREDIT_THRESHOLD): NumberSelector(credit),
                vol.Required(CONF_RUNWAY_DAYS): NumberSelector(days),
            }
        ),
        {"collapsed": True},
    )


@dataclass(frozen=True, slots=True)
class ReadinessOptions:
    """The entry's readiness options: a repair below this credit (0: off) or this many days."""

    credit_threshold: Decimal
    runway_days: int


def readiness_options(entry: ConfigEntry) -> ReadinessOptions:
    """Read the entry's readiness section, each value not set taking its default."""
    options: Mapping[str, Any] = {
        **DEFAULT_OPTIONS[CONF_READINESS],
        **entry.options.get(CONF_READINESS, {}),
    }
    # The form's numbers are floats: 50.0 credits reads as 50 in the repair's text.
    threshold = Decimal(str(options[CONF_CREDIT_THRESHOLD]))
    if threshold == threshold.to_integral_value():
        threshold = threshold.quantize(Decimal(1))
    return ReadinessOptions(threshold, int(options[CONF_RUNWAY_DAYS]))


@dataclass(frozen=True, slots=True)
class Readiness:
    """Every check of the entry, by name (the order the sensor shows them)."""

    checks: dict[str, Check]

    @property
    def ready(self) -> bool:
        """Tell whether no check failed or could not be read."""
        return all(check.state not in NOT_READY for check in self.checks.values())

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem found, each a repair issue."""
        return tuple(problem for check in self.checks.values() for problem in check.problems)

    @property
    def days_of_credit_left(self) -> int | None:
        """The runway, when it is known."""
        days: int | None = self.checks["runway"].details.get("days_of_credit_left")
        return days

    def attributes(self) -> dict[str, Any]:
        """Each check's state, then their details (the sensor's attributes)."""
        states: dict[str, Any] = {name: str(check.state) for name, check in self.checks.items()}
        for check in self.checks.values():
            states.update(check.details)
        return states


@dataclass(slots=True)
class OvhReads:
    """What the last run read at OVH, or each read's error; None: not read (an SMS user)."""

    service: Read[ServiceInfos] = None
    sender: Read[Sender] = None
    stop_list: Read[tuple[str, ...]] = None
    exceptions: dict[str, Read[tuple[OperatorException, ...]]] | None = None


def _out_of_reach(err: OvhSmsError) -> bool:
    """Tell whether OVH could not be reached (or answered nothing usable), not refused."""
    if isinstance(err, UnreadableAnswerError):
        return False
    return isinstance(
        err, OvhConnectionError | OvhHttpError | OutcomeUnknownError | RateLimitedError
    )


def readiness_issue_id(problem: Problem, entry_id: str) -> str:
    """Id of a problem's repair issue: one per entry, or per entry and recipient."""
    issue_id = f"{problem.issue}_{entry_id}"
    return f"{issue_id}_{problem.subject}" if problem.subject else issue_id


class ReadinessCoordinator(DataUpdateCoordinator[Readiness]):
    """Reads OVH a few times a day, judges every check, and keeps the repairs in step."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        account: SmsAccount,
        credit: OvhSmsCoordinator,
        history: ReadinessHistory,
    ) -> None:
        """Judge from what is known now; read OVH at the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} readiness",
            update_interval=READINESS_INTERVAL,
        )
        self.client: OvhApiClient | None = account.api_client
        self._account = account
        self._credit = credit
        self._history = history
        self._reads = OvhReads()
        self._raised: set[str] = set()
        self.data = self._judge()

    @callback
    def async_start(self) -> None:
        """Follow the credit and the deliveries; check now, then every READINESS_INTERVAL."""
        entry = self.config_entry
        entry.async_on_unload(self._credit.async_add_listener(self._async_credit_changed))
        entry.async_on_unload(self._history.async_add_listener(self._async_judge_again))
        self._history.observe_credit(self._credit.data.credits_left)
        entry.async_create_task(self.hass, self.async_refresh(), f"{DOMAIN} readiness")

    @callback
    def _async_credit_changed(self) -> None:
        self._history.observe_credit(self._credit.data.credits_left)

    @callback
    def _async_judge_again(self) -> None:
        """Judge the credit and deliveries again; the next read of OVH keeps its time."""
        self.data = self._judge()
        self.async_update_listeners()

    async def _async_update_data(self) -> Readiness:
        """Read OVH (API keys), then judge every check."""
        if self.client is not None:
            self._reads = await self._async_read(self.client)
        return self._judge()

    async def _async_read(self, client: OvhApiClient) -> OvhReads:
        account = self.config_entry.data[CONF_ACCOUNT]
        reads = OvhReads(
            service=await self._read(client.service_infos(account)),
            stop_list=await self._read(client.stop_list(account)),
        )
        if sender_name := self.config_entry.data.get(CONF_SENDER):
            try:
                reads.sender = await self._read(client.sender(account, sender_name))
            except SenderNotFoundError:
                reads.sender = await self._read_virtual_sender(client, account, sender_name)
        if isinstance(reads.sender, Sender):
            reads.exceptions = {
                recipient.subentry_id: await self._read(
                    client.exceptions(account, "+" + recipient.number.removeprefix("00"))
                )
                for recipient in self._recipients()
            }
        return reads

    async def _read_virtual_sender(
        self, client: OvhApiClient, account: str, name: str
    ) -> Read[Sender]:
        """Read a sender OVH does not list as one of the account's virtual numbers (they send)."""
        number = await self._read(VirtualNumbers(client, account).async_number_of(name))
        if isinstance(number, OvhSmsError):
            return number
        if number is None:
            return Sender(name, SENDER_MISSING, "", "")
        return Sender(name, SenderStatus.ENABLE, "virtual", "")

    async def _read[T](self, call: Awaitable[T]) -> T | OvhSmsError:
        """Await one read: its answer, or its error when OVH refused or garbled it.

        OVH out of reach fails the whole run (the sensor goes unavailable);
        refused keys start reauthentication. A sender OVH does not know is
        raised for the caller.
        """
        try:
            answer = await call
        except SenderNotFoundError:
            raise
        except OvhSmsError as err:
            if _out_of_reach(err):
                raise UpdateFailed(
                    translation_domain=DOMAIN, translation_key="readiness_unavailable"
                ) from err
            if async_react_to_failure(self.hass, self.config_entry, err, reauth=False).reauth:
                raise ConfigEntryAuthFailed(**translated(err)) from err
            LOGGER.debug("A readiness read failed: %s", err)
            return err
        return answer

    def _recipients(self) -> list[Recipient]:
        return [
            Recipient(subentry.subentry_id, subentry.title, subentry.data[CONF_PHONE_NUMBER])
            for subentry in self.config_entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_RECIPIENT
        ]

    def _judge(self) -> Readiness:
        options = readiness_options(self.config_entry)
        account: str = self.config_entry.data[CONF_ACCOUNT]
        recipients = self._recipients()
        reads = self._reads
        failing = (
            [r for r in recipients if self._history.failing(r.number)]
            if self._account.reports_delivery
            else None
        )
        return Readiness(
            {
                "credit": check_credit(
                    self._credit.data.credits_left, options.credit_threshold, account
                ),
                "runway": check_runway(self._history.runway(), options.runway_days, account),
                "service": check_service(reads.service, dt_util.now().date(), account),
                "sender": check_sender(reads.sender, account),
                "operators": check_operators(reads.sender, reads.exceptions or {}, recipients),
                "stop_list": check_stop_list(reads.stop_list, recipients, account),
                "deliveries": check_deliveries(failing),
            }
        )

    @callback
    def async_update_listeners(self) -> None:
        """Tell the entities, and raise the repairs of the problems found (and only those)."""
        super().async_update_listeners()
        if self.last_update_success:
            self._sync_issues()

    @callback
    def _sync_issues(self) -> None:
        entry_id = self.config_entry.entry_id
        raised: set[str] = set()
        for problem in self.data.problems:
            issue_id = readiness_issue_id(problem, entry_id)
            raised.add(issue_id)
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=problem.fix is not None,
                data=None if problem.fix is None else {"entry_id": entry_id, **problem.fix},
                severity=ir.IssueSeverity.WARNING
                if problem.issue in _WARNINGS
                else ir.IssueSeverity.ERROR,
                translation_key=problem.issue,
                translation_placeholders=problem.placeholders,
            )
        for issue_id in entry_readiness_issues(self.hass, entry_id) - raised:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)


def entry_readiness_issues(hass: HomeAssistant, entry_id: str) -> set[str]:
    """List the ids of the entry's readiness issues in the registry (saved ones too)."""
    return {
        issue_id
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN and issue_id.startswith(_ISSUE_PREFIX) and entry_id in issue_id
    }


async def async_setup_readiness(
    hass: HomeAssistant, entry: ConfigEntry, account: SmsAccount, credit: OvhSmsCoordinator
) -> ReadinessCoordinator:
    """Load the entry's history and start its readiness checks, until the entry unloads."""
    history = ReadinessHistory(hass, entry.entry_id)
    await history.async_load()
    history.async_start(entry)
    coordinator = ReadinessCoordinator(hass, entry, account, credit, history)
    coordinators = hass.data.setdefault(DATA_READINESS, {})
    coordinators[entry.entry_id] = coordinator

    @callback
    def forget() -> None:
        del coordinators[entry.entry_id]

    entry.async_on_unload(forget)
    coordinator.async_start()
    return coordinator


def readiness_of(hass: HomeAssistant, entry_id: str) -> ReadinessCoordinator | None:
    """Give the entry's readiness coordinator; None when the entry is not loaded."""
    return hass.data.get(DATA_READINESS, {}).get(entry_id)


def loaded_readiness(hass: HomeAssistant, entry_id: str) -> ReadinessCoordinator:
    """Give the readiness coordinator of an entry set up (it is, before its platforms)."""
    return hass.data[DATA_READINESS][entry_id]


async def async_forget_readiness(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete the entry's readiness repairs and history: the entry was deleted."""
    for issue_id in entry_readiness_issues(hass, entry.entry_id):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
    await ReadinessHistory(hass, entry.entry_id).async_remove()
