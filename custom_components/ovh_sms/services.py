"""The ovh_sms.send_sms and ovh_sms.cancel_sms actions."""

from __future__ import annotations

import asyncio
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, ATTR_ENTITY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
    valid_entity_id,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er, service

from .const import DOMAIN, is_own_entry
from .coordinator import OvhSmsConfigEntry, OvhSmsRuntimeData
from .errors import async_react_to_failure
from .gateway import retrieve_failure
from .ovhsms import AccessDeniedError, OvhSmsError, SendResult
from .sms_options import (
    OUTBOX_OPTIONS_SCHEMA,
    SMS_OPTIONS_SCHEMA,
    SmsOptions,
    outbox_max_delay,
)

SERVICE_SEND_SMS = "send_sms"
SERVICE_CANCEL_SMS = "cancel_sms"
ATTR_SMS_IDS = "sms_ids"
ATTR_RECIPIENTS = "recipients"
ATTR_MESSAGE = "message"
ATTR_TITLE = "title"
ATTR_DRY_RUN = "dry_run"


SEND_SMS_SCHEMA = SMS_OPTIONS_SCHEMA.extend(OUTBOX_OPTIONS_SCHEMA.schema).extend(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_RECIPIENTS, default=list): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_ENTITY_ID, default=list): cv.entity_ids,
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_TITLE): cv.string,
        vol.Optional(ATTR_DRY_RUN, default=False): cv.boolean,
    }
)


CANCEL_SMS_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SMS_IDS): vol.All(
            cv.ensure_list,
            [vol.All(vol.Coerce(str), vol.Strip, vol.Length(min=1))],
            vol.Length(min=1),
        ),
    }
)


def called_entry(hass: HomeAssistant, entry_id: str | None) -> OvhSmsConfigEntry:
    """Find the entry the action targets; it may be left out only when there is one account.

    With several accounts the caller must choose, even if only one is loaded:
    sending from another account than meant is worse than not sending.
    """
    if entry_id is None:
        entries = [e for e in hass.config_entries.async_entries(DOMAIN) if is_own_entry(e)]
        if not entries:
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_account")
        if len(entries) > 1:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="config_entry_required"
            )
        if entries[0].state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="account_not_loaded",
                translation_placeholders={"title": entries[0].title},
            )
        entry_id = entries[0].entry_id
    entry: OvhSmsConfigEntry = service.async_get_config_entry(hass, DOMAIN, entry_id)
    return entry


def recipient_numbers(
    hass: HomeAssistant, entry: OvhSmsConfigEntry, recipients: list[str]
) -> list[str]:
    """Numbers as given, and the numbers behind this entry's notify entities; blanks left out."""
    registry = er.async_get(hass)
    numbers = []
    for recipient in filter(str.strip, recipients):
        if not valid_entity_id(recipient):
            numbers.append(recipient)
            continue
        entity = registry.async_get(recipient)
        subentry_id = (
            entity.config_subentry_id
            if entity is not None and entity.config_entry_id == entry.entry_id
            else None
        )
        if subentry_id is None or subentry_id not in entry.subentries:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_recipient_entity",
                translation_placeholders={"entity_id": recipient},
            )
        numbers.append(entry.runtime_data.gateway.recipient_number(subentry_id))
    return numbers


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    """Send an SMS with every option; answer with what OVH returned and what waits.

    What OVH accepted comes with its estimate beside what OVH charged. A dry
    run validates the SMS as a send does and answers its estimate only.
    """
    entry = called_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    gateway = entry.runtime_data.gateway
    numbers = recipient_numbers(
        call.hass, entry, [*call.data[ATTR_RECIPIENTS], *call.data[ATTR_ENTITY_ID]]
    )
    message, title = call.data[ATTR_MESSAGE], call.data.get(ATTR_TITLE)
    options = SmsOptions.from_data(call.data)
    if call.data[ATTR_DRY_RUN]:
        estimate = await gateway.async_dry_run(numbers, message, options, title)
        return {"dry_run": True, "estimate": estimate.as_dict()}
    delivery = await gateway.async_send_or_queue(
        numbers, message, options, title, max_delay=outbox_max_delay(entry, call.data)
    )
    queued = delivery.queued
    result = delivery.result or _NOTHING_SENT
    return {
        **_accepted(result),
        "queued": list(queued.recipients) if queued else [],
        "queued_until": queued.expires_at.isoformat() if queued else None,
        "failed": list(delivery.failed),
        "failure": delivery.failure,
        "path": delivery.fallback or entry.title,
    }


# What a response says of OVH's answer when every recipient waits in the outbox.
_NOTHING_SENT = SendResult(
    sms_ids=(), credits_left=None, segments=0, recipients=(), requests=0, deferred=None
)


def _accepted(result: SendResult) -> dict[str, Any]:
    """Tell what OVH answered, as send_sms has always told it, and the estimate made for it."""
    return {
        "sms_ids": list(result.sms_ids),
        "credits_left": float(result.credits_left) if result.credits_left is not None else None,
        "segments": result.segments,
        "recipients": list(result.recipients),
        "requests": result.requests,
        "deferred": result.deferred.isoformat() if result.deferred else None,
        "credits_removed": (
            float(result.credits_removed) if result.credits_removed is not None else None
        ),
        "credits_estimated": (
            float(result.credits_estimated) if result.credits_estimated is not None else None
        ),
    }


async def _async_cancel_sms(call: ServiceCall) -> ServiceResponse:
    """Cancel deferred SMS by the ids send_sms answered; say which had already gone."""
    entry = called_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    runtime = entry.runtime_data
    if not runtime.account.cancels:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="cancel_needs_api_keys"
        )
    cancelled: list[str] = []
    gone: list[str] = []
    failure: OvhSmsError | None = None
    for sms_id in dict.fromkeys(call.data[ATTR_SMS_IDS]):
        # Once on its way, a cancel finishes and is recorded even if the caller is
        # cancelled: OVH may have cancelled the SMS, which must never show as sent.
        cancelling = call.hass.async_create_background_task(
            _async_cancel_and_record(runtime, sms_id), f"{DOMAIN} cancel"
        )
        cancelling.add_done_callback(retrieve_failure)
        try:
            (cancelled if await asyncio.shield(cancelling) else gone).append(sms_id)
        except OvhSmsError as err:
            failure = err  # OVH out of reach or refusing: the others would fail too
            break
    if cancelled:
        await runtime.coordinator.async_request_refresh()  # OVH gives the credit back
    if failure is None and not gone:
        return {"cancelled": list(cancelled)}
    raise _cancel_error(call.hass, entry, failure, cancelled, gone) from failure


async def _async_cancel_and_record(runtime: OvhSmsRuntimeData, sms_id: str) -> bool:
    """Cancel one deferred SMS; once cancelled, the ledger no longer schedules it."""
    if not await runtime.account.async_cancel(sms_id):
        return False
    runtime.gateway.ledger.cancel([sms_id])
    return True


def _cancel_error(
    hass: HomeAssistant,
    entry: OvhSmsConfigEntry,
    failure: OvhSmsError | None,
    cancelled: list[str],
    gone: list[str],
) -> HomeAssistantError:
    """Say what was cancelled, what had gone, and why the rest was not; ask for a right missing."""
    placeholders = {"cancelled": ", ".join(cancelled) or "-", "gone": ", ".join(gone) or "-"}
    if failure is None:
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="sms_already_gone",
            translation_placeholders=placeholders,
        )
    async_react_to_failure(hass, entry, failure)
    if isinstance(failure, AccessDeniedError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cancel_access_denied",
            translation_placeholders=placeholders | {"rule": failure.rule},
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="cancel_failed",
        translation_placeholders=placeholders | {"reason": str(failure)},
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register ovh_sms.send_sms and ovh_sms.cancel_sms."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_SMS,
        _async_send_sms,
        schema=SEND_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_CANCEL_SMS,
        _async_cancel_sms,
        schema=CANCEL_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
