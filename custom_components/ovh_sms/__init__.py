"""Send SMS through OVHcloud: an SMS user on http2sms, or API keys on the OVHcloud API."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from yarl import URL

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv, discovery
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_ACCOUNT,
    CONF_APPLICATION_KEY,
    CONF_APPLICATION_SECRET,
    CONF_CONSUMER_KEY,
    CONF_DELETE_REPLIES,
    CONF_ENDPOINT,
    CONF_LOGIN,
    CONF_PUSH,
    CONF_REPLIES,
    CONF_SERVICE_NAME,
    CONF_WEBHOOK_ID,
    DOMAIN,
    ISSUE_FOREIGN_ENTRY,
    ISSUE_FOREIGN_ENTRY_FIXABLE,
    MODE_API,
    account_unique_id,
    cleaned_account_data,
    entry_mode,
    entry_options,
    is_own_entry,
)
from .coordinator import OvhSmsConfigEntry, OvhSmsCoordinator, OvhSmsRuntimeData
from .delivery import async_forget_deliveries, async_get_tracker
from .errors import async_clear_fixed_failures, translation_key
from .gateway import OvhSmsGateway
from .issues import async_create_entry_issue, async_delete_entry_issue
from .ledger import AccountLedger, async_forget_ledger, async_get_ledger, async_pop_setup_send
from .notices import Accepted
from .ovhsms import (
    DEFAULT_ENDPOINT,
    ApiKeys,
    Credentials,
    Http2SmsClient,
    InsecureEndpointError,
    OvhApiClient,
    SmsValidationError,
    load_metadata,
    validate_endpoint,
)
from .push import PushedCalls, async_delete_cloudhook
from .repairs import convertible_foreign_entry
from .replies import async_forget_replies, async_get_poller
from .services import async_setup_services

PLATFORMS: list[Platform] = [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the ovh_sms actions once, for every entry; load the numbering plans.

    The plans are loaded in a worker thread now, so that no send ever imports
    one inside the event loop.
    """
    async_setup_services(hass)
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


def _client(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> Http2SmsClient | OvhApiClient:
    """Build the entry's client; raise ConfigEntryError for an endpoint secrets must not reach."""
    session = async_get_clientsession(hass)
    try:
        if entry_mode(entry) == MODE_API:
            return OvhApiClient(
                session,
                ApiKeys(
                    entry.data[CONF_APPLICATION_KEY],
                    entry.data[CONF_APPLICATION_SECRET],
                    entry.data[CONF_CONSUMER_KEY],
                ),
                endpoint=entry.data[CONF_ENDPOINT],
            )
        return Http2SmsClient(
            session,
            Credentials(
                entry.data[CONF_ACCOUNT], entry.data[CONF_LOGIN], entry.data[CONF_PASSWORD]
            ),
            endpoint=entry.data[CONF_ENDPOINT],
        )
    except SmsValidationError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key=translation_key(err)
        ) from err


async def _async_api_runtime(
    hass: HomeAssistant, entry: OvhSmsConfigEntry, client: OvhApiClient, ledger: AccountLedger
) -> OvhSmsRuntimeData:
    """Read the credit now (bad keys start reauth, OVH out of reach retries), follow deliveries.

    Replies are read when the option is on; the webhook listens when push is on.
    """
    account: str = entry.data[CONF_ACCOUNT]

    async def read_credits() -> Decimal:
        return (await client.account(account)).credits_left

    coordinator = OvhSmsCoordinator(hass, entry, ledger, read_credits)
    await coordinator.async_config_entry_first_refresh()
    async_clear_fixed_failures(hass, entry)
    tracker = await async_get_tracker(hass, entry)
    tracker.async_start(partial(client.deliveries, account))
    entry.async_on_unload(tracker.async_stop)
    options = entry_options(entry)
    poller = await async_get_poller(hass, entry)
    replies = None
    if options[CONF_REPLIES]:
        replies = poller
        replies.async_start(client, delete_read=options[CONF_DELETE_REPLIES])
        entry.async_on_unload(replies.async_stop)
    else:
        poller.async_pause()
    if options[CONF_PUSH] and options.get(CONF_WEBHOOK_ID):
        PushedCalls(hass, entry, client, tracker, replies).async_register()
    gateway = OvhSmsGateway(hass, entry, partial(client.send, account), ledger)
    return OvhSmsRuntimeData(gateway, coordinator, api=client, tracker=tracker, replies=replies)


async def async_setup_entry(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> bool:
    """Set up an account: its gateway, its entities and its legacy notify action.

    http2sms cannot check credentials without sending an SMS, so nothing is sent
    here: bad credentials are found by the first send, which starts reauth. The
    config flow's test SMS, if one was sent, gives the first credit. With API
    keys, the credit is read now: bad keys start reauth, OVH out of reach retries.
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
    client = _client(hass, entry)
    ledger = await async_get_ledger(hass, entry.entry_id)
    if (setup_send := async_pop_setup_send(hass, entry.unique_id)) is not None:
        ledger.record(Accepted(setup_send, frozenset()))
    if isinstance(client, OvhApiClient):
        entry.runtime_data = await _async_api_runtime(hass, entry, client, ledger)
    else:
        entry.runtime_data = OvhSmsRuntimeData(
            OvhSmsGateway(hass, entry, client.send, ledger),
            OvhSmsCoordinator(hass, entry, ledger),
        )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # The entities listen: a deferred SMS whose time passed meanwhile reaches them now.
    ledger.async_start()
    entry.async_on_unload(ledger.async_stop)
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
    await async_forget_ledger(hass, entry.entry_id)
