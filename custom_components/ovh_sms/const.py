"""Constants of the OVH SMS integration."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

from homeassistant.const import CONF_PASSWORD

from .http2sms import SmsClass, SmsCoding

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

DOMAIN: Final = "ovh_sms"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "OVHcloud"
MODEL: Final = "SMS (http2sms)"
MODEL_RECIPIENT: Final = "SMS recipient"

# Entry data
CONF_ACCOUNT: Final = "account"
CONF_LOGIN: Final = "login"
CONF_SENDER: Final = "sender"
CONF_ENDPOINT: Final = "endpoint"
SECTION_CONNECTION: Final = "connection"

# Entry options
CONF_NO_STOP: Final = "no_stop"
CONF_SMS_CLASS: Final = "sms_class"
CONF_CODING: Final = "coding"
CONF_TAG: Final = "tag"
CONF_SERVICE_NAME: Final = "service_name"
CONF_HOURLY_LIMIT: Final = "hourly_limit"

DEFAULT_SERVICE_NAME: Final = "ovh_sms"
DEFAULT_HOURLY_LIMIT: Final = 30

# Recipient subentries
SUBENTRY_RECIPIENT: Final = "recipient"
CONF_PHONE_NUMBER: Final = "phone_number"

# Option and action values, as shown in selectors, and what OVH receives.
SMS_CLASSES: Final = {
    "flash": SmsClass.FLASH,
    "phone": SmsClass.PHONE,
    "sim": SmsClass.SIM,
    "toolkit": SmsClass.TOOLKIT,
}
CODINGS: Final[dict[str, SmsCoding | None]] = {
    "auto": None,
    "gsm7": SmsCoding.GSM7,
    "ucs2": SmsCoding.UCS2,
}
DEFAULT_SMS_CLASS: Final = "phone"
DEFAULT_CODING: Final = "auto"

EVENT_SMS_SENT: Final = "ovh_sms_sent"

# Repair issues, one of each per entry at most.
ISSUE_IP_NOT_AUTHORIZED: Final = "ip_not_authorized"
ISSUE_NOTIFY_ACTION_TAKEN: Final = "notify_action_taken"
ISSUE_FOREIGN_ENTRY: Final = "foreign_entry"
ENTRY_ISSUES: Final = (ISSUE_IP_NOT_AUTHORIZED, ISSUE_NOTIFY_ACTION_TAKEN, ISSUE_FOREIGN_ENTRY)


def entry_issue_id(issue: str, entry_id: str) -> str:
    """Id of an entry's repair issue."""
    return f"{issue}_{entry_id}"


def is_own_entry(entry: ConfigEntry) -> bool:
    """Tell this integration's entries from those another one left under the same domain.

    kinsoi/ha-ovh-sms-plugin also uses the domain ovh_sms, with other data.
    """
    return all(key in entry.data for key in (CONF_ACCOUNT, CONF_LOGIN, CONF_PASSWORD))
