"""What becomes of a send OVH did not take: the outbox, then the account's fallbacks.

The gateway (gateway.py) sends once; this is the part of it that queues the
recipients OVH certainly did not get because it was out of reach, tries them
again, and hands what no retry may send to the fallbacks (failover.py), under
the exactly-once rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN, LOGGER
from .failover import REASON_EXPIRED, REASON_MAY_HAVE_GONE, async_fail_over, stranded
from .outbox import Outbox
from .ovhsms import OutcomeUnknownError, OvhSmsError, PartialSendError, SendResult
from .queued_sms import QueuedSms, Retry, unreached
from .sms_options import SmsOptions


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of a send that may queue: what OVH accepted, what waits, what failed.

    failed lists the recipients neither sent to nor queued (the send's error
    says why, in failure).
    """

    result: SendResult | None
    queued: QueuedSms | None
    failed: tuple[str, ...]
    failure: str | None
    # The fallback that took what this account could not send (failover.py).
    fallback: str | None = None


class ReroutingSends:
    """The outbox and failover paths of the gateway's sends (OvhSmsGateway takes them in)."""

    hass: HomeAssistant
    entry: ConfigEntry
    outbox: Outbox

    if TYPE_CHECKING:

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
            """Send once (gateway.py)."""

    async def async_send_or_queue(
        self,
        recipients: list[str],
        message: str,
        options: SmsOptions,
        title: str | None = None,
        *,
        max_delay: timedelta | None,
        recorded_by: str | None = None,
        lenient: bool = False,
    ) -> Delivery:
        """Send; queue the recipients OVH certainly did not get because it was out of reach.

        max_delay None: no outbox. What is neither sent nor queued goes by the
        account's fallbacks (failover.py). The translated error is raised when
        nothing was sent, queued nor taken by a fallback.
        """
        try:
            result = await self.async_send(
                recipients, message, options, title, recorded_by=recorded_by, lenient=lenient
            )
        except HomeAssistantError as err:
            failure = err.__cause__
            if not isinstance(failure, OvhSmsError):
                raise
            if max_delay is None or not (left := unreached(failure, recipients)):
                return await self._async_fail_over(
                    err, failure, recipients, message, title, critical=bool(options.critical)
                )
            queued = self.outbox.queue(left, message, title, options, max_delay)
            if queued is None:
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="outbox_full",
                    translation_placeholders={"reason": str(err)},
                ) from failure
            sent = failure.sent if isinstance(failure, PartialSendError) else None
            failed = failure.unknown if isinstance(failure, PartialSendError) else ()
            return Delivery(sent, queued, failed, str(err) if failed else None)
        return Delivery(result, None, (), None)

    async def _async_fail_over(
        self,
        err: HomeAssistantError,
        failure: OvhSmsError,
        recipients: list[str],
        message: str,
        title: str | None,
        *,
        critical: bool,
    ) -> Delivery:
        """Hand what this account could not send to its fallbacks; raise err if none took it."""
        stuck, may_have_gone = stranded(failure, recipients)
        reason = REASON_MAY_HAVE_GONE if may_have_gone else str(err.translation_key)
        if (
            not stuck
            or (
                fallback := await async_fail_over(
                    self.hass, self.entry, stuck, message, title, reason=reason, critical=critical
                )
            )
            is None
        ):
            raise err
        sent = failure.sent if isinstance(failure, PartialSendError) else None
        failed = tuple(stuck) if may_have_gone else ()
        return Delivery(sent, None, failed, str(err), fallback)

    async def async_fail_over_expired(self, queued: QueuedSms) -> None:
        """Hand an SMS too old to wait for OVH any longer to the account's fallbacks, once."""
        await async_fail_over(
            self.hass,
            self.entry,
            queued.recipients,
            queued.message,
            queued.title,
            reason=REASON_EXPIRED,
            critical=bool(queued.options.critical),
        )

    async def async_send_queued(self, queued: QueuedSms) -> Retry | None:
        """Try a queued SMS again; a Retry with the recipients OVH still could not be reached for.

        A failure that proves OVH can be reached but refuses, or that the SMS
        may have gone, ends its wait: it is reported and never sent again.
        """
        try:
            await self.async_send(
                queued.recipients,
                queued.message,
                queued.options,
                queued.title,
                lenient=True,
                queued_at=queued.queued_at,
            )
        except HomeAssistantError as err:
            failure = err.__cause__
            if not isinstance(failure, OvhSmsError):
                return Retry(queued.recipients)  # the hourly limit: later
            if left := unreached(failure, queued.recipients):
                return Retry(left)
            may_have_gone = isinstance(failure, OutcomeUnknownError) or (
                isinstance(failure, PartialSendError) and failure.unknown
            )
            self.outbox.report_dropped(queued, "may_have_gone" if may_have_gone else "refused")
            LOGGER.warning("An SMS of the outbox of %s was given up: %s", self.entry.title, err)
        return None
