"""The ovh_sms.send_alarm, ovh_sms.acknowledge_alarm and ovh_sms.cancel_alarm actions.

Everything an alarm needs is checked before its first SMS is spent: the
recipients, the text of every SMS it may send, its alert entity, its final
actions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import voluptuous as vol

from homeassistant.const import ATTR_CONFIG_ENTRY_ID, Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
    split_entity_id,
    valid_entity_id,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from homeassistant.util.ulid import ulid_now

from .alarm_model import Alarm, new_code
from .alarms import ALERT_DOMAIN, AlarmKeeper, async_get_alarms, find_open_alarm
from .const import DOMAIN
from .failover import other_account
from .services import ATTR_MESSAGE, ATTR_RECIPIENTS, ATTR_TITLE, called_entry, recipient_numbers

SERVICE_SEND_ALARM: Final = "send_alarm"
SERVICE_ACKNOWLEDGE_ALARM: Final = "acknowledge_alarm"
SERVICE_CANCEL_ALARM: Final = "cancel_alarm"
ATTR_ALARM_ID: Final = "alarm_id"
ATTR_ESCALATE_AFTER: Final = "escalate_after"
ATTR_ROUNDS: Final = "rounds"
ATTR_THEN: Final = "then"
ATTR_ALERT_ENTITY: Final = "alert_entity"
DEFAULT_ESCALATE_AFTER: Final = timedelta(minutes=5)
# OVH takes replies for 48 hours: waiting longer for one is waiting for none.
MAX_ESCALATE_AFTER: Final = timedelta(hours=48)
# Ten times through the list is more than anyone waits for; more would only spend.
MAX_ROUNDS: Final = 10

SEND_ALARM_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_TITLE): cv.string,
        vol.Required(ATTR_RECIPIENTS): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_ESCALATE_AFTER, default=DEFAULT_ESCALATE_AFTER): vol.All(
            cv.time_period, vol.Range(min=timedelta(seconds=1), max=MAX_ESCALATE_AFTER)
        ),
        vol.Optional(ATTR_ROUNDS, default=1): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_ROUNDS)
        ),
        vol.Optional(ATTR_THEN, default=list): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_ALERT_ENTITY): cv.entity_domain(ALERT_DOMAIN),
    }
)
ALARM_ID_SCHEMA: Final = vol.Schema({vol.Required(ATTR_ALARM_ID): cv.string})


def _check_targets(hass: HomeAssistant, call: ServiceCall) -> None:
    """Refuse an alert entity or a final action that does not exist: it would never answer."""
    if (alert := call.data.get(ATTR_ALERT_ENTITY)) and hass.states.get(alert) is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_alert_entity",
            translation_placeholders={"entity_id": alert},
        )
    for target in call.data[ATTR_THEN]:
        if not (
            other_account(hass, target) is not None
            or (
                valid_entity_id(target)
                and split_entity_id(target)[0] == Platform.NOTIFY
                and (
                    hass.states.get(target) is not None
                    or hass.services.has_service(Platform.NOTIFY, split_entity_id(target)[1])
                )
            )
        ):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_final_action",
                translation_placeholders={"target": target},
            )


async def _async_send_alarm(call: ServiceCall) -> ServiceResponse:
    """Open an alarm and send its first SMS; answer with its id, its code and that SMS's ids."""
    hass = call.hass
    entry = called_entry(hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    gateway = entry.runtime_data.gateway
    keeper = await async_get_alarms(hass, entry)
    numbers = recipient_numbers(hass, entry, call.data[ATTR_RECIPIENTS])
    if not numbers:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_recipients")
    _check_targets(hass, call)
    code = new_code({alarm.code for alarm in keeper.open.values()})
    message: str = call.data[ATTR_MESSAGE]
    title: str | None = call.data.get(ATTR_TITLE)
    text, options = await keeper.async_sms_text(code, message)
    # Each SMS as it will go: a number or a text OVH would refuse is said now, before any.
    normalized = [gateway.build([number], text, options, title).recipients[0] for number in numbers]
    started_at = dt_util.utcnow()
    alarm = Alarm(
        alarm_id=ulid_now(),
        code=code,
        message=message,
        title=title,
        numbers=tuple(normalized),
        escalate_after=call.data[ATTR_ESCALATE_AFTER],
        rounds=call.data[ATTR_ROUNDS],
        then=tuple(call.data[ATTR_THEN]),
        alert_entity=call.data.get(ATTR_ALERT_ENTITY),
        started_at=started_at,
        deadline=started_at + call.data[ATTR_ESCALATE_AFTER],
    )
    sms_ids = await keeper.async_open(alarm, gateway)
    return {"alarm_id": alarm.alarm_id, "code": alarm.code, "sms_ids": list(sms_ids)}


def _open_alarm(call: ServiceCall) -> tuple[AlarmKeeper, Alarm]:
    """Find the open alarm the action names."""
    alarm_id: str = call.data[ATTR_ALARM_ID]
    if (found := find_open_alarm(call.hass, alarm_id)) is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_alarm",
            translation_placeholders={"alarm_id": alarm_id},
        )
    return found


async def _async_acknowledge_alarm(call: ServiceCall) -> None:
    """Acknowledge an alarm from Home Assistant, naming the user who did, if one did."""
    keeper, alarm = _open_alarm(call)
    user_id = call.context.user_id
    user = await call.hass.auth.async_get_user(user_id) if user_id else None
    keeper.acknowledge(alarm, user.name if user else None, "action")


async def _async_cancel_alarm(call: ServiceCall) -> None:
    """Cancel an alarm: no further SMS, no final actions."""
    keeper, alarm = _open_alarm(call)
    keeper.cancel(alarm)


@callback
def async_setup_alarm_services(hass: HomeAssistant) -> None:
    """Register the alarm actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_ALARM,
        _async_send_alarm,
        schema=SEND_ALARM_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_ACKNOWLEDGE_ALARM, _async_acknowledge_alarm, schema=ALARM_ID_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_CANCEL_ALARM, _async_cancel_alarm, schema=ALARM_ID_SCHEMA
    )
