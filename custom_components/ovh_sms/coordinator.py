"""What the account's sensors show, and the entry's runtime data.

http2sms cannot read the credit without sending, so nothing is polled: each
accepted send updates the account's ledger, and the ledger's change sets the
coordinator's data (async_set_updated_data), which the sensors show. A send
still in flight during a reload records in the same ledger, so its answer
reaches the new coordinator too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import DOMAIN, LOGGER
from .gateway import OvhSmsGateway
from .ledger import AccountLedger


@dataclass(frozen=True, slots=True)
class AccountState:
    """The credit left and the time of the last accepted SMS, as last known."""

    credits_left: Decimal | None
    last_sent: datetime | None


class OvhSmsCoordinator(DataUpdateCoordinator[AccountState]):
    """Holds the account's state, set after each change of its ledger."""

    config_entry: ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, ledger: AccountLedger) -> None:
        """Start from what the ledger knows; follow it until the entry unloads."""
        super().__init__(hass, LOGGER, config_entry=entry, name=DOMAIN, update_interval=None)
        self._ledger = ledger
        self.data = self._state()
        entry.async_on_unload(ledger.async_add_listener(self._async_ledger_changed))

    def _state(self) -> AccountState:
        return AccountState(self._ledger.credits_left, self._ledger.last_sent)

    @callback
    def _async_ledger_changed(self) -> None:
        self.async_set_updated_data(self._state())

    async def _async_update_data(self) -> AccountState:
        """Read the ledger again (a refresh asked for from the UI)."""
        return self._state()


@dataclass(slots=True)
class OvhSmsRuntimeData:
    """What a loaded account holds: the gateway that sends, the coordinator that shows."""

    gateway: OvhSmsGateway
    coordinator: OvhSmsCoordinator


type OvhSmsConfigEntry = ConfigEntry[OvhSmsRuntimeData]
