"""Push (API keys, option "push"): OVH calls a Home Assistant webhook with reports and replies.

Polling works everywhere and stays on; when Home Assistant is reachable from
the internet, the webhook's URL set as the account's callback URLs at OVH
(delivery reports, and the replies' cgi URL) tells both at once. OVH sends its
parameters in the query string or a form; anything that is neither a report
nor a reply is answered 200 and ignored, so the URL tells nothing to a prober.
"""

from __future__ import annotations

from aiohttp import web

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from .const import CONF_WEBHOOK_ID, DOMAIN, LOGGER
from .delivery import DeliveryTracker
from .ovhsms import delivery_from_callback, reply_from_callback
from .replies import ReplyPoller


@callback
def async_register_push(
    hass: HomeAssistant,
    entry: ConfigEntry,
    tracker: DeliveryTracker,
    replies: ReplyPoller | None,
) -> None:
    """Listen on the entry's webhook until it unloads."""

    async def handle(hass: HomeAssistant, webhook_id: str, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST":
            params |= {key: str(value) for key, value in (await request.post()).items()}
        if (report := delivery_from_callback(params)) is not None:
            tracker.report(report)
        elif replies is not None and (reply := reply_from_callback(params)) is not None:
            replies.tell(reply)
        else:
            LOGGER.debug(
                "A call of the webhook of %s was neither a report nor a reply", entry.title
            )
        return web.Response(status=200)

    webhook_id: str = entry.options[CONF_WEBHOOK_ID]
    webhook.async_register(
        hass, DOMAIN, f"OVH SMS {entry.title}", webhook_id, handle, allowed_methods=("GET", "POST")
    )
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))
