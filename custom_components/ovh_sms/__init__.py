"""Send SMS through OVHcloud: an SMS user on http2sms, or API keys on the OVHcloud API."""

from __future__ import annotations

from yarl import URL

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv, discovery
from homeassistant.helpers.typing import ConfigType

from .account import async_get_account
from .alarm_services import async_setup_alarm_services
from .alarms import async_forget_alarms, async_get_alarms
from .command_guard import async_forget_guard, async_get_guard
from .commands import CommandListener
from .const import (
    CONF_ACCOUNT,
    CONF_ENDPOINT,
    CONF_SERVICE_NAME,
    DOMAIN,
    ISSUE_FOREIGN_ENTRY,
    ISSUE_FOREIGN_ENTRY_FIXABLE,
    account_unique_id,
    cleaned_account_data,
    entry_options,
    is_own_entry,
)
from .coordinator import OvhSmsConfigEntry, OvhSmsCoordinator, OvhSmsRuntimeData
from .cost import SmsCosts, async_get_rate_book
from .delivery import async_forget_deliveries
from .drill import async_forget_drill, async_get_drill
from .drill_service import async_setup_drill_service
from .errors import async_clear_fixed_failures
from .gateway import OvhSmsGateway
from .issues import async_create_entry_issue, async_delete_entry_issue
from .ledger import async_forget_ledger, async_get_ledger, async_pop_setup_send
from .notices import Accepted
from .outbox import async_forget_outbox, async_get_outbox
from .ovhsms import (
    DEFAULT_ENDPOINT,
    InsecureEndpointError,
    SmsValidationError,
    load_metadata,
    validate_endpoint,
)
from .push import async_delete_cloudhook
from .readiness import async_forget_readiness, async_setup_readiness
from .repairs import convertible_foreign_entry
from .replies import async_forget_replies
from .services import async_setup_services
from .spending import async_forget_spending, async_get_spending
from .virtual_numbers import async_forget_numbers

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.EVENT,
    Platform.NOTIFY,
    Platform.SENSOR,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the ovh_sms actions once, for every entry; load the numbering plans.

    The plans are loaded in a worker thread now, so that no send ever imports
    one inside the event loop.
    """
    async_setup_services(hass)
    async_setup_alarm_services(hass)
    async_setup_drill_service(hass)
    await hass.async_add_import_executor_job(load_metadata)
    return True


def _safe_endpoint(endpoint: str) -> str:
    """Make an endpoint saved before 0.2 safe for the password: https, no user:password@.

    What is not a URL at all is kept: setup then says the endpoint is invalid.
    """
    try:
        url = URL(endpoint.strip()).with_user(None)
    except ValueError:
        return endpoint
    try:
        validate_endpoint(str(url))
    except InsecureEndpointError:
        url = url.with_scheme("https")
    except SmsValidationError:
        return endpoint
    return str(url)


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Clean entries saved before 0.2: names stripped, the endpoint made safe.

    Another integration's entries are left as they are: their setup says what
    to do with them.
    """
    if not is_own_entry(entry):
        return True
    if entry.version > 1:
        return False  # saved by a newer version of this integration
    if entry.minor_version < 2:  # noqa: PLR2004
        data = cleaned_account_data(entry.data)
        data[CONF_ENDPOINT] = _safe_endpoint(data[CONF_ENDPOINT] or DEFAULT_ENDPOINT)
        # Entries made with pasted spaces got them in their unique id too: without
        # them, adding the same SMS user again is found to be a duplicate.
        unique_id = account_unique_id(data)
        if hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, unique_id) is not None:
            unique_id = entry.unique_id or unique_id
        hass.config_entries.async_update_entry(
            entry, data=data, unique_id=unique_id, minor_version=2
        )
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> bool:
    """Set up an account: its gateway, its entities and its legacy notify action.

    http2sms cannot check credentials without sending an SMS, so nothing is sent
    here: bad credentials are found by the first send, which starts reauth. The
    config flow's test SMS, if one was sent, gives the first credit. An account
    that can read the credit reads it now (bad keys start reauth, OVH out of
    reach retries), then starts its two-way parts.
    """
    if not is_own_entry(entry):
        placeholders = {"title": entry.title}
        fixable = convertible_foreign_entry(entry.data)
        async_create_entry_issue(
            hass,
            entry.entry_id,
            ISSUE_FOREIGN_ENTRY,
            placeholders,
            fixable=fixable,
            translation_key=ISSUE_FOREIGN_ENTRY_FIXABLE if fixable else None,
        )
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key=ISSUE_FOREIGN_ENTRY,
            translation_placeholders=placeholders,
        )
    account = await async_get_account(hass, entry)
    ledger = await async_get_ledger(hass, entry.entry_id)
    if (setup_send := async_pop_setup_send(hass, entry.unique_id)) is not None:
        ledger.record(Accepted(setup_send, frozenset()))
    coordinator = OvhSmsCoordinator(hass, entry, ledger, account)
    if account.polls_credit:
        await coordinator.async_config_entry_first_refresh()
        async_clear_fixed_failures(hass, entry)
    account.async_start()
    outbox = await async_get_outbox(hass, entry.entry_id)
    costs = SmsCosts(hass, await async_get_rate_book(hass), account.async_read_rate)
    spending = await async_get_spending(hass, entry.entry_id)
    entry.runtime_data = OvhSmsRuntimeData(
        account,
        OvhSmsGateway(hass, entry, account, ledger, outbox, costs=costs, spending=spending),
        coordinator,
    )
    # Before the entities: its sensors show it; its first check runs in the background.
    await async_setup_readiness(hass, entry, account, coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # The entities listen: a deferred SMS whose time passed meanwhile reaches them now.
    ledger.async_start()
    entry.async_on_unload(ledger.async_stop)
    # The SMS left waiting (before a reload or a restart) go at their stored deadline.
    gateway = entry.runtime_data.gateway
    outbox.async_start(
        gateway.async_send_queued, entry.data[CONF_ACCOUNT], gateway.async_fail_over_expired
    )
    entry.async_on_unload(outbox.async_stop)
    # The open alarms resume, and the sensor, listening now, hears of them.
    alarms = await async_get_alarms(hass, entry)
    alarms.async_start(entry.runtime_data.gateway, account)
    entry.async_on_unload(alarms.async_stop)
    # Incoming SMS may be commands: each is acted on once, whatever reads it again.
    guard = await async_get_guard(hass, entry)
    drill = await async_get_drill(hass, entry)
    commands = CommandListener(
        hass, entry, entry.runtime_data.gateway, guard, alarms=alarms, drill=drill
    )
    entry.async_on_unload(commands.async_start())
    # The running drill's deadline and the next scheduled drill, armed again.
    drill.async_start(entry.runtime_data.gateway, account)
    entry.async_on_unload(drill.async_stop)
    await discovery.async_load_platform(
        hass,
        Platform.NOTIFY,
        DOMAIN,
        {
            "entry_id": entry.entry_id,
            "name": entry_options(entry)[CONF_SERVICE_NAME],
        },
        {},
    )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> bool:
    """Unload the entities; the legacy action goes with the entry's unload callbacks."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> None:
    """Delete the account's repair issues, what it saved, what it followed, its cloudhook."""
    async_delete_entry_issue(hass, entry.entry_id)
    await async_delete_cloudhook(hass, entry.options)
    await async_forget_deliveries(hass, entry)
    await async_forget_replies(hass, entry)
    await async_forget_numbers(hass, entry)
    await async_forget_ledger(hass, entry.entry_id)
    await async_forget_outbox(hass, entry.entry_id)
    await async_forget_spending(hass, entry.entry_id)
    await async_forget_alarms(hass, entry)
    await async_forget_guard(hass, entry)
    await async_forget_drill(hass, entry)
    await async_forget_readiness(hass, entry)
