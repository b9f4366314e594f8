"""Send SMS through OVHcloud's http2sms service."""

from __future__ import annotations

from homeassistant.const import CONF_PASSWORD, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, discovery
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_ACCOUNT,
    CONF_ENDPOINT,
    CONF_LOGIN,
    CONF_SERVICE_NAME,
    DEFAULT_SERVICE_NAME,
    DOMAIN,
)
from .gateway import OvhSmsConfigEntry, OvhSmsGateway
from .http2sms import DEFAULT_ENDPOINT, Credentials, Http2SmsClient, load_metadata
from .ledger import DATA_LEDGERS, AccountLedger, async_get_ledger, async_pop_setup_send
from .services import async_setup_services

PLATFORMS: list[Platform] = [Platform.NOTIFY, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the ovh_sms actions once, for every entry; load the numbering plans.

    The plans are loaded in a worker thread now, so that no send ever imports
    one inside the event loop.
    """
    async_setup_services(hass)
    await hass.async_add_import_executor_job(load_metadata)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> bool:
    """Set up an account: its gateway, its entities and its legacy notify action.

    http2sms cannot check credentials without sending an SMS, so nothing is sent
    here: bad credentials are found by the first send, which starts reauth. The
    config flow's test SMS, if one was sent, gives the first credit.
    """
    client = Http2SmsClient(
        async_get_clientsession(hass),
        Credentials(entry.data[CONF_ACCOUNT], entry.data[CONF_LOGIN], entry.data[CONF_PASSWORD]),
        endpoint=entry.data.get(CONF_ENDPOINT) or DEFAULT_ENDPOINT,
    )
    ledger = await async_get_ledger(hass, entry.entry_id)
    if (setup_send := async_pop_setup_send(hass, entry.unique_id)) is not None:
        ledger.record(setup_send)
    entry.runtime_data = OvhSmsGateway(hass, entry, client, ledger)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    await discovery.async_load_platform(
        hass,
        Platform.NOTIFY,
        DOMAIN,
        {
            "entry_id": entry.entry_id,
            "name": entry.options.get(CONF_SERVICE_NAME, DEFAULT_SERVICE_NAME),
        },
        {},
    )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> bool:
    """Unload the entities; the legacy action goes with the entry's unload callbacks."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: OvhSmsConfigEntry) -> None:
    """Delete the account's saved credit, last SMS and hourly budget."""
    ledger = hass.data.get(DATA_LEDGERS, {}).pop(entry.entry_id, None)
    await (ledger or AccountLedger(hass, entry.entry_id)).async_remove()
