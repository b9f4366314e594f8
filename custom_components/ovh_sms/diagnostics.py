"""Diagnostics: the entry, its options and the last answer, secrets and numbers redacted."""

from __future__ import annotations

from typing import Any

from yarl import URL

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .alarms import async_get_alarms
from .const import (
    CONF_ENDPOINT,
    CONF_LOGIN,
    CONF_NUMBERS,
    CONF_PHONE_NUMBER,
    CONF_PIN,
    CONF_SENDER,
    CONF_WEBHOOK_ID,
)
from .coordinator import OvhSmsConfigEntry
from .drill import async_get_drill
from .readiness import loaded_readiness
from .spending import monthly_budget

# Beside ours, the keys and numbers an entry of kinsoi/ha-ovh-sms-plugin (same
# domain) holds, so that its diagnostics leak nothing either.
TO_REDACT = {
    CONF_LOGIN,
    CONF_PASSWORD,
    CONF_PHONE_NUMBER,
    "title",
    "application_key",
    "application_secret",
    "consumer_key",
    "recipients",
}
# The readiness details that name recipients.
_RECIPIENT_LISTS = {"restricted_recipients", "stopped_recipients", "failing_recipients"}


def _redact_endpoint(endpoint: object) -> object:
    """Drop a user:password@ from an endpoint (an entry refused at setup may hold one).

    What is not a readable URL is redacted whole: it might hide one.
    """
    if not isinstance(endpoint, str) or "@" not in endpoint:
        return endpoint
    try:
        return str(URL(endpoint.strip()).with_user(None))
    except ValueError:
        return REDACTED


def _redact_entry_data(data: dict[str, Any]) -> dict[str, Any]:
    """Redact secrets, the endpoint's user:password@, and a sender that is a phone number."""
    redacted: dict[str, Any] = async_redact_data(data, TO_REDACT)
    sender = redacted.get(CONF_SENDER)
    if isinstance(sender, str) and sender.lstrip("+").isdigit():
        redacted[CONF_SENDER] = REDACTED
    if CONF_ENDPOINT in redacted:
        redacted[CONF_ENDPOINT] = _redact_endpoint(redacted[CONF_ENDPOINT])
    return redacted


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OvhSmsConfigEntry
) -> dict[str, Any]:
    """Describe the entry without the login, password or any phone number.

    An entry that did not load (another integration's, or one whose setup
    failed) has no gateway: its data is still described, redacted.
    """
    diagnostics: dict[str, Any] = {
        "data": _redact_entry_data(dict(entry.data)),
        # The webhook's id is its secret: whoever has it can push fake reports.
        # The virtual numbers read are the account's phone numbers.
        "options": async_redact_data(
            dict(entry.options), {CONF_WEBHOOK_ID, CONF_PIN, CONF_NUMBERS}
        ),
        "recipients": [
            async_redact_data(subentry.as_dict(), TO_REDACT | {"unique_id"})
            for subentry in entry.subentries.values()
        ],
    }
    if (runtime := getattr(entry, "runtime_data", None)) is None:
        return diagnostics
    state = runtime.coordinator.data
    account = runtime.account
    return diagnostics | {
        "credits_left": str(state.credits_left) if state.credits_left is not None else None,
        "last_sent": state.last_sent.isoformat() if state.last_sent else None,
        "endpoint": _redact_endpoint(entry.data[CONF_ENDPOINT]),
        "credit_read_ok": runtime.coordinator.last_update_success,
        "deliveries_followed": account.deliveries_followed if account.reports_delivery else None,
        "replies_read": account.reads_replies,
        "open_alarms": [
            async_redact_data(alarm.as_stored(), {"numbers", "sent_to"})
            for alarm in (await async_get_alarms(hass, entry)).open.values()
        ],
        "drill": (await async_get_drill(hass, entry)).diagnostics(),
        "readiness": _readiness(hass, entry.entry_id),
        "spending": {
            "credits_this_month": str(runtime.gateway.spending.credits),
            "monthly_budget": None if (budget := monthly_budget(entry)) is None else str(budget),
        },
    }


def _readiness(hass: HomeAssistant, entry_id: str) -> dict[str, Any]:
    """Each readiness check and its details, the recipients' names redacted."""
    readiness = loaded_readiness(hass, entry_id)
    return {
        "ready": readiness.data.ready,
        "last_check_ok": readiness.last_update_success,
        "checks": async_redact_data(readiness.data.attributes(), _RECIPIENT_LISTS),
    }
