"""Every option of an SMS, in one place: its name, default, action field, form field and value.

A caller sets an option in ovh_sms.send_sms or in notify data, under the same
name as the entry's default the options flow saves; the caller's value wins.
What OVH receives for each value is the client's (ovhsms) business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypedDict

import voluptuous as vol

from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from .const import CONF_SENDER
from .ovhsms import OvhSmsError, SmsClass, SmsCoding, validate_tag

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

# The options' names, in the action, in notify data and in the entry's options.
CONF_NO_STOP: Final = "no_stop"
CONF_SMS_CLASS: Final = "sms_class"
CONF_CODING: Final = "coding"
CONF_TAG: Final = "tag"
CONF_DEFERRED: Final = "deferred"
CONF_VALIDITY: Final = "validity"
# An SMS the monthly budget never holds back (spending.py); ovh_sms.send_alarm's always are.
CONF_CRITICAL: Final = "critical"
# The outbox (outbox.py): the entry's switch, the per-call one, and the longest
# an SMS may wait for OVH (minutes; the entry's default, or the caller's).
CONF_OUTBOX: Final = "outbox"
CONF_QUEUE: Final = "queue"
CONF_MAX_DELAY: Final = "max_delay"
MAX_DELAY_MINUTES: Final = 1440

# The values the selectors show, and what the client takes for each.
SMS_CLASSES: Final = MappingProxyType(
    {
        "flash": SmsClass.FLASH,
        "phone": SmsClass.PHONE,
        "sim": SmsClass.SIM,
        "toolkit": SmsClass.TOOLKIT,
    }
)
CODINGS: Final[Mapping[str, SmsCoding | None]] = MappingProxyType(
    {"auto": None, "gsm7": SmsCoding.GSM7, "ucs2": SmsCoding.UCS2}
)
# OVH's default validity, 48 hours, is the longest a caller may ask for.
MAX_VALIDITY_MINUTES: Final = 2880

# The default of the options that have one, when the entry sets none. no_stop:
# without it OVH treats an SMS as commercial and holds it at night and on weekends.
SMS_DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        CONF_NO_STOP: True,
        CONF_SMS_CLASS: "phone",
        CONF_CODING: "auto",
        CONF_OUTBOX: True,
        CONF_MAX_DELAY: 30,
    }
)

# The options of an action or of notify data.
SMS_OPTIONS_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(CONF_SENDER): cv.string,
        vol.Optional(CONF_SMS_CLASS): vol.In(SMS_CLASSES),
        vol.Optional(CONF_CODING): vol.In(CODINGS),
        # A naive time is read in Home Assistant's time zone when the SMS is built.
        vol.Optional(CONF_DEFERRED): cv.datetime,
        vol.Optional(CONF_NO_STOP): cv.boolean,
        vol.Optional(CONF_TAG): cv.string,
        vol.Optional(CONF_VALIDITY): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_VALIDITY_MINUTES)
        ),
        vol.Optional(CONF_CRITICAL): cv.boolean,
    }
)

# The outbox's options of ovh_sms.send_sms.
OUTBOX_OPTIONS_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(CONF_QUEUE): cv.boolean,
        vol.Optional(CONF_MAX_DELAY): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_DELAY_MINUTES)
        ),
    }
)

# The options whose default the entry sets, as the options flow shows them.
# The account's sender is the other default, set with the account.
DEFAULTS_FORM: Final[Mapping[vol.Marker, Any]] = MappingProxyType(
    {
        vol.Required(CONF_NO_STOP): BooleanSelector(),
        vol.Required(CONF_SMS_CLASS): SelectSelector(
            SelectSelectorConfig(
                options=list(SMS_CLASSES),
                translation_key=CONF_SMS_CLASS,
                mode=SelectSelectorMode.DROPDOWN,
            )
        ),
        vol.Required(CONF_CODING): SelectSelector(
            SelectSelectorConfig(
                options=list(CODINGS),
                translation_key=CONF_CODING,
                mode=SelectSelectorMode.DROPDOWN,
            )
        ),
        vol.Optional(CONF_TAG): TextSelector(),
        vol.Optional(CONF_OUTBOX): BooleanSelector(),
        vol.Optional(CONF_MAX_DELAY): NumberSelector(
            NumberSelectorConfig(min=1, max=MAX_DELAY_MINUTES, step=1, mode=NumberSelectorMode.BOX)
        ),
    }
)
_ENTRY_DEFAULTS: Final = frozenset(str(marker) for marker in DEFAULTS_FORM)

# The option each refusal of an SMS (its translation key) is about: a caller
# that cannot see an error gets the SMS sent without it.
_REFUSED_OPTIONS: Final = {
    "invalid_tag": CONF_TAG,
    "invalid_sender": CONF_SENDER,
    "deferred_in_past": CONF_DEFERRED,
    "nonexistent_local_time": CONF_DEFERRED,
    "unsupported_characters": CONF_CODING,
    "validity_needs_api_keys": CONF_VALIDITY,
}


def outbox_max_delay(entry: ConfigEntry, data: Mapping[str, Any]) -> timedelta | None:
    """How long an SMS of this call may wait in the outbox; None when it may not queue.

    data is the call's (queue, max_delay); the entry's options give the rest.
    """
    chosen = {**SMS_DEFAULTS, **entry.options, **data}
    if not chosen.get(CONF_QUEUE, chosen[CONF_OUTBOX]):
        return None
    return timedelta(minutes=int(chosen[CONF_MAX_DELAY]))


def defaults_form_errors(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Check the defaults the options flow got: what OVH would refuse in every SMS."""
    if user_input.get(CONF_TAG):
        try:
            validate_tag(user_input[CONF_TAG])
        except OvhSmsError:
            return {CONF_TAG: "invalid_tag"}
    return {}


@dataclass(frozen=True, slots=True)
class SmsOptions:
    """What a caller may set beside recipients and message; None takes the entry's default.

    Each field is named as its option.
    """

    sender: str | None = None
    sms_class: str | None = None
    coding: str | None = None
    no_stop: bool | None = None
    deferred: datetime | None = None
    tag: str | None = None
    # Minutes OVH keeps trying to deliver (OVHcloud API only).
    validity: int | None = None
    # True: the monthly budget does not hold it back (an alarm's SMS).
    critical: bool | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> SmsOptions:
        """Read the options of a validated action or notify data."""
        return cls(**{field.name: data.get(field.name) for field in fields(cls)})


class SmsFields(TypedDict):
    """The options as build_sms takes them."""

    sender: str | None
    sms_class: SmsClass
    coding: SmsCoding | None
    no_stop: bool
    deferred: datetime | None
    tag: str | None
    validity_minutes: int | None


class ChosenOptions:
    """A caller's options over the entry's defaults; an option OVH refuses can be left out.

    Leaving out is for the callers that never see an error (notify.<name> in an
    alert or a notify group, a recipient's notify entity): the caller's value is
    left out first (the entry's default then applies), then the entry's default.
    """

    def __init__(self, options: SmsOptions, entry: ConfigEntry) -> None:
        """Choose between the caller's options and this entry's defaults."""
        self._options = options
        self._defaults: dict[str, Any] = {
            key: value for key, value in entry.options.items() if key in _ENTRY_DEFAULTS
        }
        self._defaults[CONF_SENDER] = entry.data.get(CONF_SENDER)

    def fields(self) -> SmsFields:
        """Give each option's value: the caller's, else the entry's, else the integration's."""
        given = {key: value for key, value in asdict(self._options).items() if value is not None}
        chosen = {**SMS_DEFAULTS, **self._defaults, **given}
        return SmsFields(
            sender=chosen.get(CONF_SENDER),
            sms_class=SMS_CLASSES[chosen[CONF_SMS_CLASS]],
            coding=CODINGS[chosen[CONF_CODING]],
            no_stop=chosen[CONF_NO_STOP],
            deferred=chosen.get(CONF_DEFERRED),
            tag=chosen.get(CONF_TAG),
            validity_minutes=chosen.get(CONF_VALIDITY),
        )

    def leave_out(self, refusal: str | None) -> str | None:
        """Leave out the option a refusal (its translation key) is about; give its name.

        None when the refusal is about no option, or nothing of it is left to leave out.
        """
        option = _REFUSED_OPTIONS.get(refusal or "")
        if option is not None and getattr(self._options, option) is not None:
            self._options = replace(self._options, **{option: None})
            return option
        if option is not None and self._defaults.pop(option, None) is not None:
            return option
        return None
