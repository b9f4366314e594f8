"""Replies (API keys, option "replies"): each SMS received fires once, none is lost.

OVH keeps the replies to SMS sent from the short number, without an "unread"
mark: the list of ids is read every REPLY_INTERVAL and each new one is read and
told (ovh_sms_received, and the account's event entity). Each reply stands
alone: one OVH cannot serve is tried again at the next reads, after the others,
and given up after MAX_READ_ATTEMPTS. The ids already told are saved, so a
restart tells neither twice nor forgets one; the replies at OVH when the option
is turned on (again) are taken as already seen. With the option
"delete_replies" each reply is deleted at OVH once told; a key without that
right raises the access repair issue and the reading goes on. A push from OVH
(see push.py) has a reply read at once; the next read then knows it. The poller
outlives reloads of its entry, so a read in flight during a reload tells nothing
twice.

A virtual number of the account (virtual_numbers.py) is read by a poller of its
own, the same way: its SMS are told with receiver, the number in the 00 form.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .command_options import masked
from .const import (
    CONF_ACCOUNT,
    CONF_PHONE_NUMBER,
    DOMAIN,
    EVENT_RECEIVED,
    LOGGER,
    SUBENTRY_RECIPIENT,
)
from .errors import async_react_to_failure
from .kept import KeptKind, kept_store
from .notices import ReceivedSms, signal_received
from .ovhsms import (
    AccessDeniedError,
    OvhApiClient,
    OvhSmsError,
    Reply,
    ReplyNotFoundError,
    SmsRefusedError,
)

# One list read a minute: 60 calls an hour, plus one per reply.
REPLY_INTERVAL: Final = timedelta(minutes=1)
# While an alarm waits for a reply: 240 calls an hour, well within OVH's fair use.
ALARM_REPLY_INTERVAL: Final = timedelta(seconds=15)
# Replies read in one run at most; the others wait for the next.
READS_PER_RUN: Final = 10
# Ids remembered, the newest: far more than OVH keeps unless replies pile up for weeks.
SEEN_KEPT: Final = 5000
# Reads of one reply OVH lists but cannot serve, one a minute, before it is given up.
MAX_READ_ATTEMPTS: Final = 10


class StoredReplies(TypedDict):
    """What is saved: the ids already told, oldest first, and whether OVH was read once."""

    seen: list[str]
    first_read_done: bool


class ReplyPoller:
    """Reads one API keys entry's replies (or its virtual number's SMS), tells each new one once."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, number: str | None = None) -> None:
        """Nothing is read until started; number: a virtual number, as OVH lists it."""
        self.hass = hass
        self.entry = entry
        self.number = number
        self._delete_read = False
        self.store: Store[StoredReplies] = kept_store(hass, _poller_key(entry, number), "replies")
        # Ids told (or found at the very first read), oldest first.
        self._seen: dict[str, None] = {}
        self._first_read_done = False
        self._unsub: CALLBACK_TYPE | None = None
        self._interval = REPLY_INTERVAL
        # Who waits for a reply now (the alarms, a drill): read often while any does.
        self._waiters: set[str] = set()
        self._failing = False
        self._client: OvhApiClient | None = None
        # Failed reads of the replies listed but not told yet, by id.
        self._failed_reads: dict[str, int] = {}
        # Replies being read: a push and a read of the same one read it once.
        self._reading: set[str] = set()
        self._delete_denied = False
        self._removed = False

    async def async_load(self) -> None:
        """Take up what was told before a restart."""
        if (stored := await self.store.async_load()) is not None:
            self._seen = dict.fromkeys(stored["seen"])
            self._first_read_done = stored["first_read_done"]

    @callback
    def async_start(self, client: OvhApiClient, *, delete_read: bool) -> None:
        """Read with this client now, then every REPLY_INTERVAL (see async_read_often)."""
        self._client = client
        self._delete_read = delete_read
        self._delete_denied = False
        self._track(client)
        # Cancelled if the entry unloads before it ran.
        self.entry.async_create_background_task(
            self.hass, self._async_poll(client), f"{DOMAIN} first reply read"
        )

    @callback
    def async_read_often(self, *, often: bool, waiter: str = "alarms") -> None:
        """Read every ALARM_REPLY_INTERVAL while an alarm or a drill waits for a reply."""
        if often:
            self._waiters.add(waiter)
        else:
            self._waiters.discard(waiter)
        interval = ALARM_REPLY_INTERVAL if self._waiters else REPLY_INTERVAL
        if interval != self._interval:
            self._interval = interval
            if self._unsub is not None and (client := self._client) is not None:
                self._unsub()
                self._track(client)

    @callback
    def _track(self, client: OvhApiClient) -> None:
        """Read with this client at the current interval."""

        async def poll(now: datetime) -> None:
            await self._async_poll(client)

        self._unsub = async_track_time_interval(self.hass, poll, self._interval)

    @callback
    def async_stop(self) -> None:
        """Stop reading: the entry unloads."""
        self._client = None
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    @callback
    def async_pause(self) -> None:
        """Stop reading: replies are off, and what comes meanwhile will be old news.

        The first read after they are turned on again takes what OVH holds as seen.
        """
        self.async_stop()
        if self._first_read_done:
            self._first_read_done = False
            self._save()

    async def _async_poll(self, client: OvhApiClient) -> None:
        account: str = self.entry.data[CONF_ACCOUNT]
        try:
            ids = await client.reply_ids(account, self.number)
        except OvhSmsError as err:
            if not self._failing:
                LOGGER.warning(
                    "The replies of %s could not be read: %s", self._read_from, _why(err)
                )
            self._failing = True
            return
        if self._failing:
            LOGGER.info("The replies of %s can be read again", self._read_from)
        self._failing = False
        if not self._first_read_done:  # what is there already is old news
            self._seen.update(dict.fromkeys(ids))
            self._first_read_done = True
            self._save()
            return
        self._failed_reads = {i: n for i, n in self._failed_reads.items() if i in ids}
        # An id OVH lists twice is read once.
        new = [i for i in dict.fromkeys(ids) if i not in self._seen and i not in self._reading]
        # Those that failed before wait behind the others: none blocks the rest.
        new.sort(key=lambda reply_id: self._failed_reads.get(reply_id, 0))
        for reply_id in new[:READS_PER_RUN]:
            if not await self._async_read(client, reply_id, dt_util.utcnow()):
                break

    async def async_confirm(self, reply_id: str, arrived: datetime) -> None:
        """Tell a reply OVH pushed as OVH gives it when read by its id; else tell nothing.

        A pushed call proves nothing (anyone with the URL can make one): what
        OVH does not hold is dropped. arrived is when the push came.
        """
        if self._client is None or reply_id in self._seen or reply_id in self._reading:
            return
        await self._async_read(self._client, reply_id, arrived)

    async def _async_read(self, client: OvhApiClient, reply_id: str, arrived: datetime) -> bool:
        """Read one reply and tell it; a failure is counted, and the reply read again later.

        False when every read of the account would fail now (keys refused, a
        right missing, rate limited): that is not the reply's fault, and the
        other reads wait for the next run.
        """
        account: str = self.entry.data[CONF_ACCOUNT]
        self._reading.add(reply_id)
        try:
            reply = await client.reply(account, reply_id, self.number)
        except ReplyNotFoundError:
            LOGGER.debug("Reply %s is not at OVH: nothing is told", reply_id)
            return True
        except OvhSmsError as err:
            if getattr(err, "stops_sending", False):
                LOGGER.debug("Replies of %s not read for now: %s", self._read_from, _why(err))
                return False
            self._read_failed(reply_id, err)
            return True
        finally:
            self._reading.discard(reply_id)
        if self._removed:  # the entry was deleted while OVH answered
            return False
        self._failed_reads.pop(reply_id, None)
        self._tell(reply, arrived)
        if self._delete_read:
            await self._async_delete(client, reply_id)
        return True

    def _read_failed(self, reply_id: str, err: OvhSmsError) -> None:
        """Count a failed read of a reply; give it up, untold, after MAX_READ_ATTEMPTS."""
        failures = self._failed_reads.get(reply_id, 0) + 1
        if failures < MAX_READ_ATTEMPTS:
            self._failed_reads[reply_id] = failures
            LOGGER.debug("Reply %s could not be read (%d): %s", reply_id, failures, _why(err))
            return
        del self._failed_reads[reply_id]
        self._seen[reply_id] = None
        self._save()
        LOGGER.warning(
            "Reply %s of %s could not be read in %d attempts and is given up: %s",
            reply_id,
            self._read_from,
            failures,
            _why(err),
        )

    async def _async_delete(self, client: OvhApiClient, reply_id: str) -> None:
        """Delete a reply told; a failure leaves it at OVH and stops nothing."""
        account: str = self.entry.data[CONF_ACCOUNT]
        try:
            await client.delete_reply(account, reply_id, self.number)
        except AccessDeniedError as err:
            if self._removed:  # the entry was deleted while OVH answered: nothing to repair
                return
            # Reauthentication is asked for once while loaded; the issue stays said.
            async_react_to_failure(self.hass, self.entry, err, reauth=not self._delete_denied)
            if not self._delete_denied:
                self._delete_denied = True
                LOGGER.warning(
                    "The replies of %s cannot be deleted: %s", self._read_from, _why(err)
                )
        except OvhSmsError as err:
            LOGGER.debug("Reply %s was not deleted at OVH: %s", reply_id, _why(err))

    @callback
    def _tell(self, reply: Reply, arrived: datetime) -> None:
        """Tell a reply once: the event and the account's event entity.

        OVH may not say when it received the reply: then it is when it came here.
        """
        if reply.reply_id in self._seen:
            return
        self._seen[reply.reply_id] = None
        received = ReceivedSms(
            sms_id=reply.reply_id,
            sender=reply.sender,
            recipient=self._recipient_name(reply.sender),
            message=reply.message,
            tag=reply.tag,
            received_at=(reply.received_at or arrived).isoformat(),
            receiver=None if self.number is None else receiver_form(self.number),
        )
        self.hass.bus.async_fire(
            EVENT_RECEIVED, {"config_entry_id": self.entry.entry_id, **masked(self.entry, received)}
        )
        async_dispatcher_send(self.hass, signal_received(self.entry.entry_id), received)
        self._save()

    @property
    def _read_from(self) -> str:
        """Name what is read, in the log: the account, or one of its virtual numbers."""
        account: str = self.entry.data[CONF_ACCOUNT]
        return account if self.number is None else f"{account} (+{self.number})"

    def _recipient_name(self, number: str) -> str | None:
        """Name the recipient whose number sent the reply, if it is one of the account's."""
        return next(
            (
                subentry.title
                for subentry in self.entry.subentries.values()
                if subentry.subentry_type == SUBENTRY_RECIPIENT
                and subentry.data.get(CONF_PHONE_NUMBER) == number
            ),
            None,
        )

    async def async_remove(self) -> None:
        """Stop reading and delete what was saved: the entry was deleted.

        A read still in flight then tells nothing, and saves nothing again.
        """
        self._removed = True
        self.async_stop()
        await self.store.async_remove()

    @callback
    def _save(self) -> None:
        if self._removed:
            return
        stored: StoredReplies = {
            "seen": list(self._seen)[-SEEN_KEPT:],
            "first_read_done": self._first_read_done,
        }
        self.store.async_delay_save(lambda: stored, 1)


def _why(err: OvhSmsError) -> str:
    """Say why a call about replies failed; a refusal's own text speaks of an SMS sent."""
    if isinstance(err, AccessDeniedError):
        return f"the consumer key does not allow {err.rule}"
    if isinstance(err, SmsRefusedError):
        return f"OVH refused the call (HTTP {err.status}): {err.reason}"
    return str(err)


def receiver_form(number: str) -> str:
    """Write a virtual number as OVH lists it (33644000001) in the 00 form, as senders are."""
    return "00" + number


def _poller_key(entry: ConfigEntry, number: str | None) -> str:
    return entry.entry_id if number is None else f"{entry.entry_id}.{number}"


# Pollers are kept per entry and number (None: the account's own replies).
POLLERS: KeptKind[tuple[ConfigEntry, str | None], ReplyPoller] = KeptKind(
    "pollers", lambda hass, owner: ReplyPoller(hass, *owner), lambda owner: _poller_key(*owner)
)


async def async_get_poller(
    hass: HomeAssistant, entry: ConfigEntry, number: str | None = None
) -> ReplyPoller:
    """Give the entry's poller (of a virtual number), loading it the first time in this run."""
    return await POLLERS.async_get(hass, (entry, number))


async def async_forget_replies(
    hass: HomeAssistant, entry: ConfigEntry, number: str | None = None
) -> None:
    """Stop reading the entry's replies (a virtual number's) and delete what it saved."""
    await POLLERS.async_forget(hass, (entry, number))
