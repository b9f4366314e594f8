"""The account's gateway: every SMS of the integration goes through it.

It turns Home Assistant input into a validated SMS (entry defaults, then the
caller's options), enforces the hourly safety limit, sends through the entry's
account (an SMS user or API keys) and turns every failure into a translated
Home Assistant error, with the reaction errors.py gives it (reauthentication, a
repair issue). What OVH accepted is told as one Accepted notice (the ledger:
credit, last SMS; the delivery tracker), even when other requests of the same
send failed. What OVH did not take goes by rerouting.py (the outbox, the
fallbacks).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from .account import SmsAccount
from .const import (
    CONF_ACCOUNT,
    CONF_HOURLY_LIMIT,
    CONF_PHONE_NUMBER,
    DOMAIN,
    EVENT_SMS_SENT,
    LOGGER,
    SUBENTRY_RECIPIENT,
    entry_options,
)
from .cost import CostEstimate, SmsCosts
from .errors import async_clear_fixed_failures, async_react_to_failure, home_assistant_error
from .ledger import AccountLedger, Spent
from .notices import Accepted, recipients_among, signal_accepted
from .outbox import Outbox
from .ovhsms import (
    OutcomeUnknownError,
    OvhSmsError,
    PartialSendError,
    SendResult,
    Sms,
    build_sms,
)
from .rerouting import ReroutingSends
from .sms_options import ChosenOptions, SmsFields, SmsOptions
from .spending import MonthlySpending


def retrieve_failure(task: asyncio.Task[object]) -> None:
    """Take a failure its cancelled caller cannot: it was handled (logged, repaired) already."""
    if not task.cancelled():
        task.exception()


class OvhSmsGateway(ReroutingSends):
    """Sends the SMS of one config entry and records what OVH accepted in its ledger."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        account: SmsAccount,
        ledger: AccountLedger,
        outbox: Outbox,
        *,
        costs: SmsCosts,
        spending: MonthlySpending,
    ) -> None:
        """Send through this account; spend from this ledger; queue in this outbox.

        costs estimates each SMS; spending counts what they cost this month.
        """
        self.hass = hass
        self.entry = entry
        self._account = account
        self.ledger = ledger
        self.outbox = outbox
        self.costs = costs
        self.spending = spending
        # The legacy notify action this entry registered, if it could.
        self.notify_action: str | None = None
        # The options already warned about being left out of an SMS.
        self._left_out_warned: set[str] = set()

    def recipient_number(self, subentry_id: str) -> str:
        """Give a recipient's number, read at send time so that an edit applies at once."""
        return str(self.entry.subentries[subentry_id].data[CONF_PHONE_NUMBER])

    def recipient_numbers(self) -> list[str]:
        """List the numbers of all the entry's recipients, in the order they were added.

        They were normalised when saved (the recipient flow, the repair of a
        foreign entry), so a send takes them without parsing them again.
        """
        return [
            self.recipient_number(subentry_id)
            for subentry_id, subentry in self.entry.subentries.items()
            if subentry.subentry_type == SUBENTRY_RECIPIENT
        ]

    def build(
        self,
        recipients: list[str],
        message: str,
        options: SmsOptions,
        title: str | None = None,
        *,
        lenient: bool = False,
    ) -> Sms:
        """Validate the SMS with the entry's defaults; raise ServiceValidationError.

        lenient is for the callers that never see an error: an option OVH
        cannot take is left out (see ChosenOptions), with a warning, and the
        SMS goes without it.
        """
        chosen = ChosenOptions(options, self.entry)
        while True:
            try:
                return self._build(recipients, message, chosen.fields(), title)
            except ServiceValidationError as err:
                if not lenient or (option := chosen.leave_out(err.translation_key)) is None:
                    raise
                self.warn_left_out(option, str(err))

    def warn_left_out(self, option: str, reason: str) -> None:
        """Say once per option (while the entry is loaded) that an SMS goes without it."""
        level = logging.DEBUG if option in self._left_out_warned else logging.WARNING
        self._left_out_warned.add(option)
        LOGGER.log(
            level,
            "The %s option of an SMS of %s is left out: OVH cannot take it (%s). "
            "The SMS goes without it; check the automation, script or notify group that "
            "gives it. Said once for each option",
            option,
            self.entry.data[CONF_ACCOUNT],
            reason,
        )

    def _build(
        self, recipients: list[str], message: str, fields: SmsFields, title: str | None
    ) -> Sms:
        """Build the SMS with these options' values, if the entry's way in can carry them."""
        if fields["validity_minutes"] is not None and not self._account.supports_validity:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="validity_needs_api_keys"
            )
        if title:
            message = f"{title}\n{message}"
        try:
            return build_sms(
                recipients,
                message,
                now=dt_util.utcnow(),
                **fields,
                default_region=self.hass.config.country,
                time_zone=dt_util.get_default_time_zone(),
                normalized_numbers=frozenset(self.recipient_numbers()),
            )
        except OvhSmsError as err:
            raise home_assistant_error(err) from err

    async def async_send(
        self,
        recipients: list[str],
        message: str,
        options: SmsOptions | None = None,
        title: str | None = None,
        *,
        recorded_by: str | None = None,
        lenient: bool = False,
        queued_at: datetime | None = None,
    ) -> SendResult:
        """Validate, check the hourly limit, send once; raise a translated error on failure.

        Whatever OVH accepted is recorded, also when other requests of the send
        failed; the parts that were certainly not sent leave the hourly budget.
        recorded_by names the notify entity that records this send itself
        (notify.send_message); the others whose recipient got it are told.
        lenient: see build. queued_at: when the outbox took this SMS.
        """
        options = options or SmsOptions()
        sms = self.build(recipients, message, options, title, lenient=lenient)
        estimate = self.costs.estimate(sms)
        self._check_limits(sms, estimate, critical=bool(options.critical))
        spent = self.ledger.spend(len(sms.recipients) * sms.segments)
        # Once on its way, the send finishes and is recorded even if the caller is
        # cancelled (an automation in mode: restart, a script stopped): OVH may
        # have it, and the credit, the budget and the events must say so.
        send = self.hass.async_create_background_task(
            self._async_send_and_record(sms, estimate, spent, recorded_by, queued_at),
            f"{DOMAIN} send",
        )
        send.add_done_callback(retrieve_failure)
        return await asyncio.shield(send)

    async def async_dry_run(
        self, recipients: list[str], message: str, options: SmsOptions, title: str | None = None
    ) -> CostEstimate:
        """Validate as a send does, with the same errors, and estimate its cost; send nothing."""
        sms = self.build(recipients, message, options, title)
        estimate = await self.costs.async_estimate(sms)
        self._check_limits(sms, estimate, critical=bool(options.critical))
        try:
            await self._account.async_check(sms)
        except OvhSmsError as err:
            self._react_to_failure(err)
            raise home_assistant_error(err) from err
        return estimate

    async def _async_send_and_record(
        self,
        sms: Sms,
        estimate: CostEstimate,
        spent: Spent,
        recorded_by: str | None,
        queued_at: datetime | None,
    ) -> SendResult:
        """Send once; record what OVH accepted; raise the translated error of a failure.

        What OVH accepted comes back with the estimate its event told (also in a
        PartialSendError's sent), so that a response tells the same one.
        """
        try:
            result = await self._account.async_send(sms)
        except PartialSendError as err:
            self.ledger.give_back(spent, len(err.not_sent) * sms.segments)
            if err.sent.recipients:
                err.sent = self._record(err.sent, recorded_by, sms, estimate, queued_at)
            self._react_to_failure(err.cause)
            raise home_assistant_error(err) from err
        except OvhSmsError as err:
            if not isinstance(err, OutcomeUnknownError):
                self.ledger.give_back(spent, spent.count)
            self._react_to_failure(err)
            raise home_assistant_error(err) from err
        return self._record(result, recorded_by, sms, estimate, queued_at)

    def _check_limits(self, sms: Sms, estimate: CostEstimate, *, critical: bool) -> None:
        """Refuse an SMS over the month's budget (unless critical) or the hourly limit."""
        if not critical:
            self.spending.check(self.entry, estimate.charge_for())
        self._check_hourly_limit(len(sms.recipients) * sms.segments)

    def _check_hourly_limit(self, count: int) -> None:
        """Refuse the send if its parts do not fit in the hourly budget."""
        limit: int = entry_options(self.entry)[CONF_HOURLY_LIMIT]
        if limit and count > limit:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="larger_than_hourly_limit",
                translation_placeholders={"limit": str(limit), "count": str(count)},
            )
        now = dt_util.utcnow()
        if limit and (resume := self.ledger.budget.available_at(count, limit, now)) > now:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="hourly_limit_reached",
                translation_placeholders={
                    "limit": str(limit),
                    "count": str(count),
                    "resume": dt_util.as_local(resume).strftime("%H:%M"),
                },
            )

    def _react_to_failure(self, err: OvhSmsError) -> None:
        LOGGER.debug("Sending failed: %s", err)
        async_react_to_failure(self.hass, self.entry, err)

    def _record(
        self,
        result: SendResult,
        recorded_by: str | None,
        sms: Sms,
        estimate: CostEstimate,
        queued_at: datetime | None,
    ) -> SendResult:
        """Tell the ledger and the tracker; count the spending; fire the event.

        OVH took an SMS: the outbox tries its own now. Give the result with the
        credits estimated for it.
        """
        estimated = estimate.credits_for(result.recipients)
        self.spending.add(
            result.credits_removed
            if result.credits_removed is not None
            else estimate.charge_for(result.recipients)
        )
        accepted = Accepted(
            result,
            recipients_among(self.entry, result.recipients),
            sms.validity_minutes,
            recorded_by,
        )
        async_dispatcher_send(self.hass, signal_accepted(self.entry.entry_id), accepted)
        async_clear_fixed_failures(self.hass, self.entry)
        event: dict[str, Any] = {
            "config_entry_id": self.entry.entry_id,
            "sms_ids": list(result.sms_ids),
            "recipients": len(result.recipients),
            "segments": result.segments,
            "credits_left": float(result.credits_left) if result.credits_left is not None else None,
            "late_by": (dt_util.utcnow() - queued_at).total_seconds() if queued_at else 0.0,
            "path": self.entry.title,
            "credits_estimated": None if estimated is None else float(estimated),
            "credits_removed": (
                float(result.credits_removed) if result.credits_removed is not None else None
            ),
        }
        self.hass.bus.async_fire(EVENT_SMS_SENT, event)
        self.outbox.async_nudge()
        return replace(result, credits_estimated=estimated)
