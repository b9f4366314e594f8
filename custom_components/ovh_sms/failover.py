"""Failover: an SMS this account certainly could not send goes once by another way out.

The account's options list its fallbacks in order: another entry of this
integration (its entry id), a notify action (notify.<name>) or a notify entity.
The first that takes the SMS sends it; a fallback that may have sent it ends
the search (never twice by the same path). With prefer_duplicate_to_silence,
an SMS that may have gone is also handed to a fallback of another channel
(never an entry of the same OVH account).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Final

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, valid_entity_id
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import CONF_ACCOUNT, DOMAIN, LOGGER, entry_options, is_own_entry
from .ovhsms import (
    OutcomeUnknownError,
    OvhHttpError,
    OvhSmsError,
    PartialSendError,
    SmsNotSentError,
    SmsRefusedError,
)
from .queued_sms import queueable
from .sms_options import SmsOptions

CONF_FALLBACKS: Final = "fallbacks"
CONF_PREFER_DUPLICATE: Final = "prefer_duplicate_to_silence"
EVENT_FAILOVER: Final = "ovh_sms_failover"
REASON_MAY_HAVE_GONE: Final = "may_have_gone"
# Why a queued SMS goes by a fallback: OVH still out of reach at its maximum age.
REASON_EXPIRED: Final = "expired"
# A mobile app's notify action sends to its own phone: it takes no phone numbers as targets.
MOBILE_APP_PREFIX: Final = "mobile_app_"
# What an account of this integration refuses by its own limits (gateway.py), before any request.
_REFUSED_BY_LIMITS: Final = frozenset(
    {"monthly_budget_spent", "hourly_limit_reached", "larger_than_hourly_limit"}
)
# Set while a fallback sends: its own failure never fails over again (no loop
# between two accounts that fall back on each other, or on their own entities).
_IN_FAILOVER: ContextVar[bool] = ContextVar(f"{DOMAIN}_in_failover", default=False)


def stranded(err: OvhSmsError, recipients: list[str]) -> tuple[list[str], bool]:
    """Give the recipients a fallback may take, and whether the SMS may have gone to them.

    This account certainly cannot send now (credentials, credit, sender refused,
    OVH out of reach): the recipients not reached. The SMS may have gone: those
    whose outcome is unknown. Any other refusal (a number, an option): nobody,
    another way out would not fix it.
    """
    cause = err.cause if isinstance(err, PartialSendError) else err
    if isinstance(cause, OutcomeUnknownError):
        unknown = err.unknown if isinstance(err, PartialSendError) else tuple(recipients)
        return list(unknown), True
    if not (
        queueable(cause)
        or isinstance(cause, OvhHttpError)
        or (isinstance(cause, SmsRefusedError) and cause.stops_sending)
    ):
        return [], False
    return (list(err.not_sent) if isinstance(err, PartialSendError) else recipients), False


async def async_fail_over(
    hass: HomeAssistant,
    entry: ConfigEntry,
    recipients: list[str],
    message: str,
    title: str | None,
    *,
    reason: str,
    critical: bool = False,
) -> str | None:
    """Send by the first fallback that takes the SMS; give its name, None if none did.

    reason is why (the failure's translation key, or may_have_gone, which only
    a fallback of another channel takes, and only when the account prefers a
    duplicate to silence). critical: see async_send_by.
    """
    options = entry_options(entry)
    may_have_gone = reason == REASON_MAY_HAVE_GONE
    if _IN_FAILOVER.get() or (may_have_gone and not options.get(CONF_PREFER_DUPLICATE)):
        return None
    fallbacks: list[str] = options.get(CONF_FALLBACKS, [])
    for fallback in fallbacks:
        if may_have_gone and _same_account(hass, entry, fallback):
            continue
        in_failover = _IN_FAILOVER.set(True)
        try:
            await async_send_by(hass, fallback, recipients, message, title, critical=critical)
        except HomeAssistantError as err:
            LOGGER.warning("The fallback %s of %s did not send: %s", fallback, entry.title, err)
            if (
                isinstance(err, ServiceValidationError)
                or isinstance(err.__cause__, SmsNotSentError)
                or (err.translation_domain == DOMAIN and err.translation_key in _REFUSED_BY_LIMITS)
            ):
                continue  # certainly not sent: the next one may
            return None  # it may have sent it: never a second one
        except Exception:
            LOGGER.exception("The fallback %s of %s failed", fallback, entry.title)
            return None  # it may have sent it: never a second one
        finally:
            _IN_FAILOVER.reset(in_failover)
        hass.bus.async_fire(
            EVENT_FAILOVER,
            {
                "config_entry_id": entry.entry_id,
                "path": fallback,
                "reason": reason,
                "recipients": len(recipients),
            },
        )
        return fallback
    return None


def other_account(hass: HomeAssistant, target: str) -> ConfigEntry | None:
    """Give the OVH SMS entry a fallback or an alarm's final action names by its id, if any."""
    entry = hass.config_entries.async_get_entry(target)
    return entry if entry is not None and entry.domain == DOMAIN else None


def _same_account(hass: HomeAssistant, entry: ConfigEntry, fallback: str) -> bool:
    """Tell a fallback that is an entry of the same OVH account: the same channel."""
    other = hass.config_entries.async_get_entry(fallback)
    return other is not None and other.data.get(CONF_ACCOUNT) == entry.data.get(CONF_ACCOUNT)


async def async_send_by(
    hass: HomeAssistant,
    fallback: str,
    recipients: list[str],
    message: str,
    title: str | None,
    *,
    critical: bool = False,
) -> None:
    """Send once by this fallback: its own send, with no outbox and no failover of its own.

    critical (an alarm's SMS, or one sent critical): another account's monthly
    budget does not hold it back either.
    """
    if (other := hass.config_entries.async_get_entry(fallback)) is not None:
        if not is_own_entry(other) or other.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="account_not_loaded",
                translation_placeholders={"title": other.title},
            )
        options = SmsOptions(critical=critical)
        await other.runtime_data.gateway.async_send(recipients, message, options, title)
        return
    data: dict[str, object] = {"message": message}
    if title:
        data["title"] = title
    if valid_entity_id(fallback) and hass.states.get(fallback) is not None:
        data["entity_id"] = fallback
        await hass.services.async_call(NOTIFY_DOMAIN, "send_message", data, blocking=True)
        return
    domain, _, action = fallback.partition(".")
    if not action.startswith(MOBILE_APP_PREFIX):  # the mobile app's targets are its devices
        data["target"] = recipients
    await hass.services.async_call(domain, action, data, blocking=True)
