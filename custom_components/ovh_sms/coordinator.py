"""What the account's sensors show, and the entry's runtime data.

Each accepted send updates the account's ledger, and the ledger's change sets
the coordinator's data (async_set_updated_data), which the sensors show. A send
still in flight during a reload records in the same ledger, so its answer
reaches the new coordinator too. http2sms cannot read the credit without
sending, so nothing is polled; with API keys the credit is also read every
CREDIT_INTERVAL, and the sensors go unavailable while OVH cannot be reached.
In both modes a repair issue says when the credit cannot pay for one more SMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .account import SmsAccount
from .const import (
    CONF_ACCOUNT,
    DOMAIN,
    ISSUE_CREDIT_EXHAUSTED,
    LOGGER,
)
from .errors import async_react_to_failure, translated
from .gateway import OvhSmsGateway
from .issues import async_create_entry_issue, async_delete_entry_issue
from .ledger import AccountLedger
from .ovhsms import OvhSmsError

# 4 reads an hour: the credit only drops when this integration (or another
# user of the account) sends, and each send of ours answers with it anyway.
CREDIT_INTERVAL: Final = timedelta(minutes=15)
# An SMS to a French number costs one credit: below, the next one cannot go out.
CREDITS_FOR_ONE_SMS: Final = Decimal(1)


@dataclass(frozen=True, slots=True)
class AccountState:
    """The credit left, the time of the last SMS sent and of the next scheduled one."""

    credits_left: Decimal | None
    last_sent: datetime | None
    next_scheduled: datetime | None = None


class OvhSmsCoordinator(DataUpdateCoordinator[AccountState]):
    """Holds the account's state, set after each change of its ledger (and each credit read)."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        ledger: AccountLedger,
        account: SmsAccount,
    ) -> None:
        """Start from what the ledger knows; follow it until the entry unloads.

        An account that can read the credit without sending is read every CREDIT_INTERVAL.
        """
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=CREDIT_INTERVAL if account.polls_credit else None,
        )
        self._ledger = ledger
        self._account = account
        self.data = self._state()
        self._check_credit()
        entry.async_on_unload(ledger.async_add_listener(self._async_ledger_changed))

    def _state(self) -> AccountState:
        return AccountState(
            self._ledger.credits_left, self._ledger.last_sent, self._ledger.next_scheduled()
        )

    @callback
    def _async_ledger_changed(self) -> None:
        self.async_set_updated_data(self._state())

    async def _async_update_data(self) -> AccountState:
        """Read the credit from OVH if the account can, else the ledger again."""
        try:
            credits_left = await self._account.async_read_credits()
        except OvhSmsError as err:
            # Raising ConfigEntryAuthFailed is how a coordinator starts reauthentication.
            if async_react_to_failure(self.hass, self.config_entry, err, reauth=False).reauth:
                raise ConfigEntryAuthFailed(**translated(err)) from err
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="credit_unavailable"
            ) from err
        if credits_left is not None:
            self._ledger.keep_credits(credits_left)
        return self._state()

    @callback
    def async_update_listeners(self) -> None:
        """Tell the sensors, and say in Repairs whether the credit pays for one more SMS."""
        super().async_update_listeners()
        self._check_credit()

    @callback
    def _check_credit(self) -> None:
        credits_left = self.data.credits_left
        entry_id = self.config_entry.entry_id
        if credits_left is None:
            return
        if credits_left < CREDITS_FOR_ONE_SMS:
            async_create_entry_issue(
                self.hass,
                entry_id,
                ISSUE_CREDIT_EXHAUSTED,
                {
                    "account": self.config_entry.data[CONF_ACCOUNT],
                    "credits_left": str(credits_left),
                },
            )
        else:
            async_delete_entry_issue(self.hass, entry_id, ISSUE_CREDIT_EXHAUSTED)


@dataclass(slots=True)
class OvhSmsRuntimeData:
    """What a loaded entry holds: its way in, the gateway that sends, the coordinator that shows."""

    account: SmsAccount
    gateway: OvhSmsGateway
    coordinator: OvhSmsCoordinator


type OvhSmsConfigEntry = ConfigEntry[OvhSmsRuntimeData]
