"""The way an entry reaches OVH, chosen once: an SMS user on http2sms, or API keys on the API.

Each way in is one class: it sends, says what it can do, and owns its two-way
parts (delivery reports, replies, push). async_get_account builds the entry's
from one table; no other module of the integration asks which way an entry
takes, only what its account can do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from functools import partial
from typing import Final, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

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
    CONF_SENDER,
    CONF_WEBHOOK_ID,
    DOMAIN,
    LOGGER,
    MODE_API,
    MODE_HTTP2SMS,
    MODEL,
    MODEL_API,
    entry_mode,
    entry_options,
)
from .delivery import DeliveryTracker, async_get_tracker
from .errors import translation_key
from .ovhsms import (
    ApiKeys,
    Credentials,
    Http2SmsClient,
    OvhApiClient,
    OvhSmsError,
    SendResult,
    Sms,
    SmsNotFoundError,
    SmsValidationError,
    check_from_number,
)
from .push import PushedCalls
from .replies import ReplyPoller, async_get_poller
from .sms_options import SmsOptions
from .virtual_numbers import VirtualNumbers, chosen_numbers, number_digits, sender_numbers


class SmsAccount(Protocol):
    """What the integration asks of a way in to an OVH SMS account."""

    @property
    def model(self) -> str:
        """The model of the account's device: the way in."""

    @property
    def polls_credit(self) -> bool:
        """Whether the credit can be read without sending (else a send's answer tells it)."""

    @property
    def supports_validity(self) -> bool:
        """Whether an SMS may say how long OVH keeps trying it."""

    @property
    def reports_delivery(self) -> bool:
        """Whether each SMS is followed until the phone has it."""

    @property
    def reads_replies(self) -> bool:
        """Whether the replies are read (and fired by the event entity)."""

    @property
    def cancels(self) -> bool:
        """Whether a deferred SMS can be cancelled."""

    @property
    def deliveries_followed(self) -> int:
        """How many SMS are followed until delivered (diagnostics)."""

    @property
    def api_client(self) -> OvhApiClient | None:
        """The OVHcloud API client, for the readiness reads; None when the way in has none."""

    async def async_send(self, sms: Sms) -> SendResult:
        """Send once; raise the client's error."""

    async def async_check(self, sms: Sms) -> None:
        """Raise the client's refusal async_send would raise before sending; send nothing."""

    async def async_read_rate(self, country: str, billing_country: str) -> Decimal:
        """Read the credits one SMS part costs towards a country; raise the client's error."""

    async def async_read_credits(self) -> Decimal | None:
        """Read the credit; None when only a send's answer tells it."""

    @callback
    def async_start(self) -> None:
        """Start the two-way parts, until the entry unloads."""

    async def async_cancel(self, sms_id: str) -> bool:
        """Cancel a deferred SMS; False when it had gone already; raise the client's error."""

    @property
    def reply_number(self) -> str | None:
        """The number an SMS waiting for a reply goes from: "" the short number, None none."""

    @callback
    def async_read_replies_often(
        self, *, often: bool, waiter: str = "alarms", number: str = ""
    ) -> None:
        """Read this number's replies (a virtual number's, else the short number's) more often.

        While this waiter (alarms, drill) waits for one; the other numbers as usual.
        """


class SmsUserAccount:
    """An SMS user on http2sms: it sends, and the answer to each send gives the credit."""

    model = MODEL
    polls_credit = supports_validity = reports_delivery = reads_replies = cancels = False
    deliveries_followed = 0
    api_client = None
    reply_number = None

    def __init__(self, client: Http2SmsClient, rates: OvhApiClient) -> None:
        """Send with this client; read rates with an OVHcloud API client without keys."""
        self._client = client
        self._rates = rates

    @classmethod
    async def async_create(cls, hass: HomeAssistant, entry: ConfigEntry) -> SmsUserAccount:
        """Build the entry's account; raise SmsValidationError for an unsafe endpoint."""
        credentials = Credentials(
            entry.data[CONF_ACCOUNT], entry.data[CONF_LOGIN], entry.data[CONF_PASSWORD]
        )
        session = async_get_clientsession(hass)
        return cls(
            Http2SmsClient(session, credentials, endpoint=entry.data[CONF_ENDPOINT]),
            # The rates need no keys: OVH's public API answers them.
            OvhApiClient(session, ApiKeys("", "")),
        )

    async def async_send(self, sms: Sms) -> SendResult:
        """Send through http2sms."""
        return await self._client.send(sms)

    async def async_check(self, sms: Sms) -> None:
        """http2sms refuses nothing that build_sms let through."""

    async def async_read_rate(self, country: str, billing_country: str) -> Decimal:
        """Read a rate from OVH's public API (eu.api.ovh.com, no keys)."""
        return (await self._rates.destination_rate(country, billing_country)).credits_per_part

    async def async_read_credits(self) -> None:
        """http2sms has no call that reads the credit without sending."""

    @callback
    def async_start(self) -> None:
        """http2sms has no two-way parts."""

    async def async_cancel(self, sms_id: str) -> bool:
        """Never called: cancels is False, http2sms has no call that cancels."""
        raise NotImplementedError

    @callback
    def async_read_replies_often(
        self, *, often: bool, waiter: str = "alarms", number: str = ""
    ) -> None:
        """http2sms reads no replies."""


class ApiKeysAccount:
    """API keys on the OVHcloud API: credit read, validity, deliveries, replies, cancel, push."""

    model = MODEL_API
    polls_credit = supports_validity = reports_delivery = cancels = True

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: OvhApiClient,
        tracker: DeliveryTracker,
        poller: ReplyPoller,
    ) -> None:
        """Call OVH with this client; follow deliveries and replies with the tracker and poller."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._account: str = entry.data[CONF_ACCOUNT]
        self._tracker = tracker
        self._poller = poller
        self._options = entry_options(entry)
        self._numbers = VirtualNumbers(client, self._account)
        # The pollers of the virtual numbers read, by number as OVH lists it.
        self._number_pollers: dict[str, ReplyPoller] = {}

    @classmethod
    async def async_create(cls, hass: HomeAssistant, entry: ConfigEntry) -> ApiKeysAccount:
        """Build the entry's account; raise SmsValidationError for an unsafe endpoint."""
        account = cls(
            hass,
            entry,
            api_client(hass, entry),
            await async_get_tracker(hass, entry),
            await async_get_poller(hass, entry),
        )
        for number in chosen_numbers(account._options):
            account._number_pollers[number] = await async_get_poller(hass, entry, number)
        return account

    @property
    def reads_replies(self) -> bool:
        """Replies are read when the option is on."""
        return bool(self._options[CONF_REPLIES])

    @property
    def deliveries_followed(self) -> int:
        """How many SMS are followed until delivered."""
        return len(self._tracker.followed)

    @property
    def api_client(self) -> OvhApiClient:
        """The client the account calls OVH with."""
        return self._client

    async def async_send(self, sms: Sms) -> SendResult:
        """Send through the API; from a virtual number when the sender is one of the account's."""
        number = await self._numbers.async_number_of(sms.sender)
        return await self._client.send(self._account, sms, virtual_number=number)

    async def async_check(self, sms: Sms) -> None:
        """Refuse the STOP mention from a virtual number, as the send does (reads the list)."""
        check_from_number(sms, await self._numbers.async_number_of(sms.sender))

    async def async_read_rate(self, country: str, billing_country: str) -> Decimal:
        """Read a rate at the keys' endpoint (unsigned)."""
        return (await self._client.destination_rate(country, billing_country)).credits_per_part

    async def async_read_credits(self) -> Decimal:
        """Read the account's credit."""
        return (await self._client.account(self._account)).credits_left

    @callback
    def async_start(self) -> None:
        """Follow deliveries; read replies when on (else pause); listen to pushes when on."""
        entry = self._entry
        self._tracker.async_start(partial(self._client.deliveries, self._account))
        entry.async_on_unload(self._tracker.async_stop)
        replies = self._poller if self.reads_replies else None
        if replies is not None:
            replies.async_start(self._client, delete_read=self._options[CONF_DELETE_REPLIES])
            entry.async_on_unload(replies.async_stop)
        else:
            self._poller.async_pause()
        for poller in self._number_pollers.values():
            poller.async_start(self._client, delete_read=self._options[CONF_DELETE_REPLIES])
            entry.async_on_unload(poller.async_stop)
        if self._options[CONF_PUSH] and self._options.get(CONF_WEBHOOK_ID):
            PushedCalls(
                self._hass,
                entry,
                self._client,
                self._tracker,
                replies,
                number_replies=self._number_pollers,
            ).async_register()

    @property
    def reply_number(self) -> str | None:
        """The number an SMS waiting for a reply goes from, one whose SMS are read.

        The entry's sender when it is a virtual number read; else the short
        number ("") when its replies are read; else the first virtual number
        read (as OVH lists it); None when nothing is read.
        """
        numbers = chosen_numbers(self._options)
        sender = number_digits(self._entry.data.get(CONF_SENDER) or "")
        if (own := next((n for n in numbers if number_digits(n) == sender), None)) is not None:
            return own
        if self.reads_replies:
            return ""
        return numbers[0] if numbers else None

    @callback
    def async_read_replies_often(
        self, *, often: bool, waiter: str = "alarms", number: str = ""
    ) -> None:
        """Have the number's poller read every 15 seconds while anyone waits; the others not."""
        wanted = self._number_pollers.get(number) if number else self._poller
        for poller in (self._poller, *self._number_pollers.values()):
            poller.async_read_often(often=often and poller is wanted, waiter=waiter)

    async def async_cancel(self, sms_id: str) -> bool:
        """Cancel a deferred SMS and stop following it; False when it had gone already."""
        try:
            await self._client.cancel(self._account, sms_id)
        except SmsNotFoundError:
            if not await self._cancelled_before(sms_id):
                return False
        self._tracker.forget([sms_id])
        return True

    async def _cancelled_before(self, sms_id: str) -> bool:
        """Tell whether an SMS OVH no longer holds as pending had been cancelled already.

        A cancel whose answer was lost, made again, finds nothing pending: the
        first one cancelled it, or OVH sent it meanwhile. Only an SMS still
        followed can be either; one read tells them apart: OVH holds a cancelled
        SMS neither as pending nor as sent. A sent one has its state told; an
        unread one stays followed.
        """
        if sms_id not in self._tracker.followed:
            return False
        try:
            report = await self._client.delivery(self._account, sms_id)
        except SmsNotFoundError:
            return True
        except OvhSmsError as err:
            LOGGER.debug("SMS %s not cancelled and not read: %s", sms_id, err)
            return False
        self._tracker.report(report)
        return False


def urgent_sms_options(reply_number: str | None) -> SmsOptions:
    """Give the options of an alarm's or a drill's SMS, sent from the account's reply_number.

    From that number when one is read (else the entry's sender), without OVH's
    STOP mention whatever the entry's default: such an SMS is commercial, OVH may
    hold it at night, and a virtual number refuses it. Critical: no budget stops it.
    """
    if reply_number is None:
        sender = None
    else:
        sender = sender_numbers((reply_number,))[0] if reply_number else ""
    return SmsOptions(sender=sender, no_stop=True, critical=True)


def api_client(hass: HomeAssistant, entry: ConfigEntry) -> OvhApiClient:
    """Give a client of the entry's API keys; raise SmsValidationError for an unsafe endpoint."""
    keys = ApiKeys(
        entry.data[CONF_APPLICATION_KEY],
        entry.data[CONF_APPLICATION_SECRET],
        entry.data[CONF_CONSUMER_KEY],
    )
    return OvhApiClient(async_get_clientsession(hass), keys, endpoint=entry.data[CONF_ENDPOINT])


# Each way in, by the mode the entry's data names.
_WAYS_IN: Final[dict[str, Callable[[HomeAssistant, ConfigEntry], Awaitable[SmsAccount]]]] = {
    MODE_HTTP2SMS: SmsUserAccount.async_create,
    MODE_API: ApiKeysAccount.async_create,
}


async def async_get_account(hass: HomeAssistant, entry: ConfigEntry) -> SmsAccount:
    """Build the entry's account; raise ConfigEntryError for an endpoint secrets must not reach."""
    try:
        return await _WAYS_IN[entry_mode(entry)](hass, entry)
    except SmsValidationError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key=translation_key(err)
        ) from err
