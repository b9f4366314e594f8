"""Constants of the OVH SMS integration."""

from __future__ import annotations

import logging
from typing import Final

from .http2sms import SmsClass, SmsCoding

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
ISSUE_IP_NOT_AUTHORIZED: Final = "ip_not_authorized"
ISSUE_NOTIFY_ACTION_TAKEN: Final = "notify_action_taken"
