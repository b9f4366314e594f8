"""The page OVHcloud sends the browser back to once the user validated a consumer key.

As Home Assistant's OAuth2 callback does, it advances the config flow waiting at
its external step (named by the flow id in the URL: unguessable, and all it can
do is make the flow ask OVH about the key), then tells the user to close the tab.
"""

from __future__ import annotations

from html import escape
from http import HTTPStatus

from aiohttp import web

from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import UnknownFlow
from homeassistant.helpers.config_entry_oauth2_flow import HEADER_FRONTEND_BASE
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView, current_request
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

VALIDATED_PATH = f"/api/{DOMAIN}/consumer_key_validated"
# The flow's external step, the one step this page advances.
EXTERNAL_STEP = "api_authorize"
FLOW_ID = "flow_id"
_VIEW_REGISTERED: HassKey[bool] = HassKey(f"{DOMAIN}_validated_view")


@callback
def async_validated_url(hass: HomeAssistant, flow_id: str) -> str | None:
    """Give the URL that brings the browser back to this flow, or None if none is known.

    The address the browser uses for Home Assistant comes first (the frontend
    sends it), then Home Assistant's own configured one.
    """
    request = current_request.get()
    base = request.headers.get(HEADER_FRONTEND_BASE) if request is not None else None
    if base is None:
        try:
            base = get_url(hass)
        except NoURLAvailableError:
            return None
    if not hass.data.get(_VIEW_REGISTERED):
        hass.http.register_view(ConsumerKeyValidatedView())
        hass.data[_VIEW_REGISTERED] = True
    return f"{base.rstrip('/')}{VALIDATED_PATH}?{FLOW_ID}={flow_id}"


class ConsumerKeyValidatedView(HomeAssistantView):
    """Advance the flow OVHcloud's validation page sent back; tell the user to close the tab."""

    requires_auth = False  # OVHcloud's redirection carries no Home Assistant token
    url = VALIDATED_PATH
    name = f"api:{DOMAIN}:consumer_key_validated"

    async def get(self, request: web.Request) -> web.Response:
        """Advance the flow if it waits at its external step; else say what to do."""
        hass = request.app[KEY_HASS]
        flow_id = request.query.get(FLOW_ID, "")
        try:
            flow = hass.config_entries.flow.async_get(flow_id)
        except UnknownFlow:
            return await _page(hass, "validation_flow_gone", HTTPStatus.NOT_FOUND)
        if flow["handler"] != DOMAIN or flow.get("step_id") != EXTERNAL_STEP:
            return await _page(hass, "validation_submit_form")
        await hass.config_entries.flow.async_configure(flow_id=flow_id, user_input={})
        return await _page(hass, "validation_received", close=True)


async def _page(
    hass: HomeAssistant, key: str, status: HTTPStatus = HTTPStatus.OK, *, close: bool = False
) -> web.Response:
    """Answer a page with one translated sentence; close the tab when the frontend opened it."""
    texts = await async_get_translations(hass, hass.config.language, "config", [DOMAIN])
    text = escape(texts[f"component.{DOMAIN}.config.abort.{key}"], quote=False)
    script = "<script>window.close()</script>" if close else ""
    return web.Response(
        status=status,
        content_type="text/html",
        text=f"<!DOCTYPE html><title>OVH SMS</title><p>{text}</p>{script}",
    )
