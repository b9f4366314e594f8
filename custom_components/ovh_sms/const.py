"""Constants of the OVH SMS integration: names, defaults and ids, importing nothing of ours."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import CONF_PASSWORD

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

DOMAIN: Final = "ovh_sms"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "OVHcloud"
MODEL: Final = "SMS (http2sms)"
MODEL_API: Final = "SMS (OVHcloud API)"
MODEL_RECIPIENT: Final = "SMS recipient"

# Entry data. CONF_MODE is absent from entries made before the API mode: http2sms.
CONF_MODE: Final = "mode"
MODE_HTTP2SMS: Final = "http2sms"
MODE_API: Final = "api"
CONF_APPLICATION_KEY: Final = "application_key"
CONF_APPLICATION_SECRET: Final = "application_secret"  # noqa: S105 - a key's name
CONF_CONSUMER_KEY: Final = "consumer_key"
CONF_ACCOUNT: Final = "account"
CONF_LOGIN: Final = "login"
CONF_SENDER: Final = "sender"
CONF_ENDPOINT: Final = "endpoint"
SECTION_CONNECTION: Final = "connection"

# Entry options (an SMS option's default is in sms_options.py)
CONF_SERVICE_NAME: Final = "service_name"
CONF_HOURLY_LIMIT: Final = "hourly_limit"
# Entry options of the API keys mode: replies read, read replies deleted, push webhook.
CONF_REPLIES: Final = "replies"
CONF_DELETE_REPLIES: Final = "delete_replies"
CONF_PUSH: Final = "push"
# The options' section of the virtual numbers read (virtual_numbers.py).
CONF_VIRTUAL_NUMBERS: Final = "virtual_numbers"
CONF_NUMBERS: Final = "numbers"
CONF_WEBHOOK_ID: Final = "webhook_id"
# Whether the webhook is reached through a Home Assistant Cloud cloudhook.
CONF_CLOUDHOOK: Final = "cloudhook"
# Entry options of the drill (drill.py), one section: a test SMS on a schedule.
CONF_DRILL: Final = "drill"
CONF_DRILL_ENABLED: Final = "enabled"
CONF_DRILL_WEEKDAY: Final = "weekday"
CONF_DRILL_TIME: Final = "time"
CONF_DRILL_RECIPIENT: Final = "recipient"
CONF_DRILL_REPLY: Final = "require_reply"

# The readiness section of the options (readiness.py).
CONF_READINESS: Final = "readiness"

DEFAULT_SERVICE_NAME: Final = "ovh_sms"
# The spending guard's section of the options (spending.py): credits a month, 0 = no budget.
CONF_SPENDING: Final = "spending"
CONF_MONTHLY_BUDGET: Final = "monthly_budget"

# Recipient subentries
SUBENTRY_RECIPIENT: Final = "recipient"
CONF_PHONE_NUMBER: Final = "phone_number"
# Whether the recipient may give the house commands by SMS (off when absent), and in which language.
CONF_MAY_COMMAND: Final = "may_command"
CONF_LANGUAGE: Final = "language"

# Options section of commands by SMS (commands.py): the Assist agent, the PIN, the keywords, limits.
CONF_COMMANDS: Final = "commands"
CONF_AGENT: Final = "agent_id"
CONF_PIN: Final = "pin"
CONF_KEYWORDS: Final = "keywords"
CONF_SENDER_HOURLY: Final = "commands_per_sender_hourly"
CONF_DAILY_ANSWERS: Final = "answers_daily"
DEFAULT_COMMANDS: Final[Mapping[str, Any]] = MappingProxyType(
    {CONF_PIN: "", CONF_KEYWORDS: [], CONF_SENDER_HOURLY: 10, CONF_DAILY_ANSWERS: 20}
)

# Every entry option's default, the one place it is defined (an SMS option's: sms_options.py).
DEFAULT_OPTIONS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        CONF_SERVICE_NAME: DEFAULT_SERVICE_NAME,
        CONF_HOURLY_LIMIT: 30,
        CONF_REPLIES: False,
        CONF_DELETE_REPLIES: False,
        CONF_PUSH: False,
        CONF_COMMANDS: DEFAULT_COMMANDS,
        CONF_DRILL: MappingProxyType(
            {
                CONF_DRILL_ENABLED: False,
                CONF_DRILL_WEEKDAY: "mon",
                CONF_DRILL_TIME: "10:00:00",
                # No recipient until one is picked: the form suggests none it would refuse.
                CONF_DRILL_REPLY: False,
            }
        ),
        CONF_VIRTUAL_NUMBERS: {CONF_NUMBERS: []},
        CONF_SPENDING: {CONF_MONTHLY_BUDGET: 0},
        # readiness.py: a repair below this credit (0: off), or below this many days of credit.
        CONF_READINESS: MappingProxyType({"credit_threshold": 0, "runway_days": 14}),
    }
)

EVENT_SMS_SENT: Final = "ovh_sms_sent"
EVENT_DELIVERY: Final = "ovh_sms_delivery"
EVENT_RECEIVED: Final = "ovh_sms_received"
# One event per step of an alarm (alarms.py); its data keys are ALARM_EVENT_KEYS.
EVENT_ALARM: Final = "ovh_sms_alarm"
# One event per incoming SMS taken as a command, acted on or not (commands.py).
EVENT_COMMAND: Final = "ovh_sms_command"
# One event per step of a drill (drill.py).
EVENT_DRILL: Final = "ovh_sms_drill"

# Repair issues, one of each per entry at most.
ISSUE_IP_NOT_AUTHORIZED: Final = "ip_not_authorized"
ISSUE_NOTIFY_ACTION_TAKEN: Final = "notify_action_taken"
ISSUE_FOREIGN_ENTRY: Final = "foreign_entry"
# The text of that issue when its Fix can convert the entry.
ISSUE_FOREIGN_ENTRY_FIXABLE: Final = "foreign_entry_fixable"
ISSUE_ACCESS_DENIED: Final = "access_denied"
ISSUE_CREDIT_EXHAUSTED: Final = "credit_exhausted"
ISSUE_OUTBOX_WAITING: Final = "outbox_waiting"
# The last drill failed; its text (drill_<reason>) says why.
ISSUE_DRILL_FAILED: Final = "drill_failed"
ENTRY_ISSUES: Final = (
    ISSUE_IP_NOT_AUTHORIZED,
    ISSUE_NOTIFY_ACTION_TAKEN,
    ISSUE_FOREIGN_ENTRY,
    ISSUE_ACCESS_DENIED,
    ISSUE_CREDIT_EXHAUSTED,
    ISSUE_OUTBOX_WAITING,
    ISSUE_DRILL_FAILED,
)


def entry_issue_id(issue: str, entry_id: str) -> str:
    """Id of an entry's repair issue."""
    return f"{issue}_{entry_id}"


def cleaned_account_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Strip the spaces typed or pasted around names and endpoint (a password's may be meant).

    The account is lowered too: OVH's names are lower case.
    """
    return {
        **data,
        CONF_ACCOUNT: data[CONF_ACCOUNT].strip().lower(),
        CONF_LOGIN: data[CONF_LOGIN].strip(),
        CONF_SENDER: (data.get(CONF_SENDER) or "").strip(),
        CONF_ENDPOINT: (data.get(CONF_ENDPOINT) or "").strip(),
    }


def account_unique_id(data: Mapping[str, Any]) -> str:
    """Give the unique id of an entry's cleaned data: one entry per SMS user, whatever its case."""
    return f"{data[CONF_ACCOUNT]}_{data[CONF_LOGIN].lower()}"


# The way in, in an API entry's title (a title is data: it is not translated).
API_KEYS_TITLE: Final = "API keys"


def entry_title(data: Mapping[str, Any]) -> str:
    """Title an entry with its account and way in: one account's two entries differ."""
    way = API_KEYS_TITLE if data.get(CONF_MODE) == MODE_API else data[CONF_LOGIN]
    return f"{data[CONF_ACCOUNT]} · {way}"


def api_unique_id(account: str) -> str:
    """Give the unique id of an API-keys entry: one per SMS account."""
    return f"{MODE_API}_{account}"


def entry_mode(entry: ConfigEntry) -> str:
    """Tell how the entry reaches OVH: MODE_HTTP2SMS or MODE_API."""
    return str(entry.data.get(CONF_MODE, MODE_HTTP2SMS))


def is_own_entry(entry: ConfigEntry) -> bool:
    """Tell this integration's entries from those another one left under the same domain.

    kinsoi/ha-ovh-sms-plugin also uses the domain ovh_sms, with API keys but no mode.
    """
    if entry.data.get(CONF_MODE) == MODE_API:
        keys: tuple[str, ...] = (CONF_ACCOUNT, CONF_APPLICATION_KEY, CONF_APPLICATION_SECRET)
        return all(key in entry.data for key in (*keys, CONF_CONSUMER_KEY))
    return all(key in entry.data for key in (CONF_ACCOUNT, CONF_LOGIN, CONF_PASSWORD))


def entry_options(entry: ConfigEntry) -> dict[str, Any]:
    """Give the entry's options, each one not set taking its default."""
    return {**DEFAULT_OPTIONS, **entry.options}
