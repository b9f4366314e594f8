"""Replies (API keys, option "replies"): each SMS received fires once, none is lost.

OVH keeps the replies to SMS sent from the short number, without an "unread"
mark: the list of ids is read every REPLY_INTERVAL and each new one is read and
told (ovh_sms_received, and the account's event entity). The ids already told
are saved, so a restart tells neither twice nor forgets one; the replies at OVH
when the option is turned on (again) are taken as already seen. With the option
"delete_replies" each reply is deleted at OVH once told. A push from OVH (see
push.py) tells a reply at once; the next read then knows it. The poller outlives
reloads of its entry, so a read in flight during a reload tells nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_ACCOUNT,
    CONF_PHONE_NUMBER,
    DOMAIN,
    EVENT_RECEIVED,
    LOGGER,
    SUBENTRY_RECIPIENT,
)
from .kept import async_get_kept, async_pop_kept
from .ovhsms import OvhApiClient, OvhSmsError, Reply

STORAGE_VERSION = 1
# One list read a minute: 60 calls an hour, plus one per reply.
REPLY_INTERVAL: Final = timedelta(minutes=1)
# Replies read in one run at most; the others wait for the next.
READS_PER_RUN: Final = 10
# Ids remembered, the newest: far more than OVH keeps unless replies pile up for weeks.
SEEN_KEPT: Final = 5000

DATA_POLLERS: HassKey[dict[str, ReplyPoller]] = HassKey(f"{DOMAIN}_pollers")


def signal_received(entry_id: str) -> str:
    """Dispatcher signal of an entry's replies: (event data)."""
    return f"{DOMAIN}_{entry_id}_received"


class StoredReplies(TypedDict):
    """What is saved: the ids already told, oldest first, and whether OVH was read once."""

    seen: list[str]
    first_read_done: bool


class ReplyPoller:
    """Reads one API keys entry's replies and tells each new one once."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Nothing is read until started."""
        self.hass = hass
        self.entry = entry
        self._delete_read = False
        self.store: Store[StoredReplies] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.replies"
        )
        # Ids told (or found at the very first read), oldest first.
        self._seen: dict[str, None] = {}
        self._first_read_done = False
        self._unsub: CALLBACK_TYPE | None = None
        self._failing = False

    async def async_load(self) -> None:
        """Take up what was told before a restart."""
        if (stored := await self.store.async_load()) is not None:
            self._seen = dict.fromkeys(stored["seen"])
            self._first_read_done = stored["first_read_done"]

    @callback
    def async_start(self, client: OvhApiClient, *, delete_read: bool) -> None:
        """Read with this client now, then every REPLY_INTERVAL."""
        self._delete_read = delete_read

        async def poll(now: datetime | None = None) -> None:
            await self._async_poll(client)

        self._unsub = async_track_time_interval(self.hass, poll, REPLY_INTERVAL)
        # Cancelled if the entry unloads before it ran.
        self.entry.async_create_background_task(self.hass, poll(), f"{DOMAIN} first reply read")

    @callback
    def async_stop(self) -> None:
        """Stop reading: the entry unloads."""
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
            ids = await client.reply_ids(account)
            if not self._first_read_done:  # what is there already is old news
                self._seen.update(dict.fromkeys(ids))
                self._first_read_done = True
            else:
                for reply_id in [i for i in ids if i not in self._seen][:READS_PER_RUN]:
                    self.tell(await client.reply(account, reply_id))
                    if self._delete_read:
                        await client.delete_reply(account, reply_id)
        except OvhSmsError as err:
            if not self._failing:
                LOGGER.warning("The replies of %s could not be read: %s", account, err)
            self._failing = True
        else:
            if self._failing:
                LOGGER.info("The replies of %s can be read again", account)
            self._failing = False
        self._save()

    @callback
    def tell(self, reply: Reply) -> None:
        """Tell a reply (read or pushed) once: the event and the account's event entity."""
        if reply.reply_id in self._seen:
            return
        self._seen[reply.reply_id] = None
        data: dict[str, Any] = {
            "config_entry_id": self.entry.entry_id,
            "sms_id": reply.reply_id,
            "sender": reply.sender,
            "recipient": self._recipient_name(reply.sender),
            "message": reply.message,
            "tag": reply.tag,
            "received_at": reply.received_at.isoformat() if reply.received_at else None,
        }
        self.hass.bus.async_fire(EVENT_RECEIVED, data)
        async_dispatcher_send(self.hass, signal_received(self.entry.entry_id), data)
        self._save()

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

    @callback
    def _save(self) -> None:
        stored: StoredReplies = {
            "seen": list(self._seen)[-SEEN_KEPT:],
            "first_read_done": self._first_read_done,
        }
        self.store.async_delay_save(lambda: stored, 1)


async def async_get_poller(hass: HomeAssistant, entry: ConfigEntry) -> ReplyPoller:
    """Give the entry's poller, loading it the first time in this run of Home Assistant."""
    return await async_get_kept(
        hass, DATA_POLLERS, entry.entry_id, lambda: ReplyPoller(hass, entry)
    )


async def async_forget_replies(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Stop reading the entry's replies and delete what it saved: it was deleted."""
    poller = async_pop_kept(hass, DATA_POLLERS, entry.entry_id) or ReplyPoller(hass, entry)
    poller.async_stop()
    await poller.store.async_remove()
