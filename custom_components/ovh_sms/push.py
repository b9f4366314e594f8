"""Push (API keys, option "push"): OVH calls a Home Assistant webhook with reports and replies.

Polling works everywhere and stays on; when OVH can reach Home Assistant (a
Home Assistant Cloud cloudhook, as core's twilio and mailgun make one, or the
external URL: never the internal one), the webhook's URL set as the account's
callback URLs at OVH (delivery reports, and the replies' cgi URL) tells both at
once. Anyone who has the URL can call it, so a call only says
which SMS or reply to look at: each is read at OVH by its id, in a task of the
entry (OVH is answered at once), and what OVH says is told; what it does not
hold, or an SMS no longer followed, is dropped. OVH sends its parameters in the
query string or a form; every call is answered 200, so the URL tells nothing
to a prober, and nothing a call holds can make the handler fail (Home Assistant
would then log the webhook's id).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any, Final
from urllib.parse import parse_qsl

from aiohttp import hdrs, web

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util

from .const import CONF_ACCOUNT, CONF_CLOUDHOOK, CONF_WEBHOOK_ID, DOMAIN, LOGGER
from .delivery import DeliveryTracker
from .ovhsms import OvhApiClient, OvhSmsError, delivery_from_callback, reply_from_callback
from .replies import ReplyPoller
from .virtual_numbers import number_digits

# OVH's calls are a few short parameters: a larger body is no call of OVH's.
MAX_BODY: Final = 16 * 1024
MAX_FIELDS: Final = 50
# Calls being confirmed at OVH at once, at most: a flood of calls makes no flood of reads.
MAX_CONFIRMING: Final = 10


async def async_push_url(hass: HomeAssistant, webhook_id: str) -> tuple[str, bool] | None:
    """Give the URL OVH can call and whether it is a cloudhook; None when OVH cannot reach us.

    A Home Assistant Cloud subscription gives a cloudhook (made once, then the
    same); else the external URL is used. The internal URL is useless to OVH.
    """
    if "cloud" in hass.config.components:
        from hass_nabucasa import CloudError  # noqa: PLC0415 - only with cloud loaded

        from homeassistant.components import cloud  # noqa: PLC0415

        if cloud.async_active_subscription(hass):
            try:
                return await cloud.async_get_or_create_cloudhook(hass, webhook_id), True
            # Not connected; or, from Nabu Casa's library, its API failing, out of
            # time, or disconnected meanwhile (ValueError).
            except (cloud.CloudNotAvailable, CloudError, TimeoutError, ValueError) as err:
                LOGGER.debug("Home Assistant Cloud made no cloudhook: %s", type(err).__name__)
    try:
        return webhook.async_generate_url(hass, webhook_id, allow_internal=False), False
    except NoURLAvailableError:
        return None


async def async_delete_cloudhook(hass: HomeAssistant, options: Mapping[str, Any]) -> None:
    """Delete the cloudhook these options made, if any: push is off, or the entry is gone."""
    if not options.get(CONF_CLOUDHOOK) or "cloud" not in hass.config.components:
        return
    from homeassistant.components import cloud  # noqa: PLC0415 - only with cloud loaded

    try:
        await cloud.async_delete_cloudhook(hass, options[CONF_WEBHOOK_ID])
    except cloud.CloudNotAvailable:
        LOGGER.debug("Home Assistant Cloud is not available: the cloudhook stays")
    except ValueError:  # deleted already, from Home Assistant Cloud's settings
        LOGGER.debug("The cloudhook was deleted already")


async def _read_params(request: web.Request) -> dict[str, str] | None:
    """Give the call's parameters (query string and form), or None for a body not read.

    A body larger than MAX_BODY, or not a form in UTF-8, is not read.
    """
    params = dict(request.query)
    if request.method != hdrs.METH_POST:
        return params
    # Taken once: a cloudhook's MockRequest gives a new reader, from the start, each time.
    content = request.content
    body = b""
    while chunk := await content.read(MAX_BODY + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY:
            return None
    try:
        form = parse_qsl(
            body.decode(), keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS
        )
    except ValueError:  # UnicodeDecodeError among them
        return None
    return params | dict(form)


class PushedCalls:
    """What the entry's webhook is told: each call confirmed at OVH before anything fires."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: OvhApiClient,
        tracker: DeliveryTracker,
        replies: ReplyPoller | None,
        *,
        number_replies: Mapping[str, ReplyPoller],
    ) -> None:
        """Confirm with this client; tell reports to the tracker, replies to the poller.

        number_replies: the pollers of the virtual numbers read, by number as OVH
        lists it; a reply whose shortcode is one of them goes to its poller.
        """
        self.hass = hass
        self.entry = entry
        self._client = client
        self._tracker = tracker
        self._replies = replies
        self._number_replies = {
            number_digits(number): poller for number, poller in number_replies.items()
        }
        self._confirming: set[tuple[str, str]] = set()

    @callback
    def async_register(self) -> None:
        """Listen on the entry's webhook until it unloads."""
        webhook_id: str = self.entry.options[CONF_WEBHOOK_ID]
        webhook.async_register(
            self.hass,
            DOMAIN,
            f"OVH SMS {self.entry.title}",
            webhook_id,
            self.async_handle,
            # PUT too: Home Assistant logs the webhook's id as a warning of a method not allowed.
            allowed_methods=(hdrs.METH_GET, hdrs.METH_POST, hdrs.METH_PUT),
        )
        self.entry.async_on_unload(lambda: webhook.async_unregister(self.hass, webhook_id))

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer OVH at once; confirm in the background what the call names."""
        if request.method == hdrs.METH_PUT:  # never OVH's
            return web.Response(status=200)
        params = await _read_params(request)
        if params is None:
            LOGGER.debug("A call of the webhook of %s was too large or not UTF-8", self.entry.title)
        elif (report := delivery_from_callback(params)) is not None:
            if report.sms_id in self._tracker.followed:
                self._confirm("report", report.sms_id, partial(self._confirm_report, report.sms_id))
            else:
                LOGGER.debug("Pushed report of SMS %s dropped: not followed", report.sms_id)
        elif (poller := self._poller_of(params)) is not None and (
            reply := reply_from_callback(params)
        ) is not None:
            confirm = partial(poller.async_confirm, reply.reply_id, dt_util.utcnow())
            self._confirm("reply", reply.reply_id, confirm)
        else:
            LOGGER.debug(
                "A call of the webhook of %s was neither a report nor a reply", self.entry.title
            )
        return web.Response(status=200)

    @callback
    def _poller_of(self, params: Mapping[str, str]) -> ReplyPoller | None:
        """Give the poller of the number a reply names (shortcode, +33...), else the replies'."""
        return self._number_replies.get(number_digits(params.get("shortcode", "")), self._replies)

    def _confirm(self, kind: str, sms_id: str, confirm: Callable[[], Awaitable[None]]) -> None:
        """Confirm a call in a task of the entry; one at a time for each SMS or reply."""
        key = (kind, sms_id)
        if key in self._confirming or len(self._confirming) >= MAX_CONFIRMING:
            LOGGER.debug("Pushed %s %s dropped: being confirmed, or too many calls", kind, sms_id)
            return
        self._confirming.add(key)

        async def run() -> None:
            try:
                await confirm()
            finally:
                self._confirming.discard(key)

        self.entry.async_create_background_task(self.hass, run(), f"{DOMAIN} pushed {kind}")

    async def _confirm_report(self, sms_id: str) -> None:
        """Tell where the SMS stands as OVH says when read, naming its receiver."""
        try:
            report = await self._client.delivery(self.entry.data[CONF_ACCOUNT], sms_id)
        except OvhSmsError as err:
            LOGGER.debug("Pushed report of SMS %s not confirmed at OVH: %s", sms_id, err)
            return
        self._tracker.report(report)
