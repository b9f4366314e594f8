"""What the http2sms client's tests share: the account's credentials, an SMS, the client."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ovh_sms.ovhsms import Credentials, Http2SmsClient, build_sms
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from tests.conftest import ACCOUNT, ALICE, ENDPOINT, LOGIN, PASSWORD

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
CREDENTIALS = Credentials(ACCOUNT, LOGIN, PASSWORD)


def sms(message: str = "Leak in the kitchen", **kwargs: Any) -> Any:
    """Build an SMS to Alice with the given options."""
    kwargs.setdefault("now", NOW)
    return build_sms(kwargs.pop("recipients", [ALICE]), message, **kwargs)


@pytest.fixture
async def client(hass: HomeAssistant, aioclient_mock: AiohttpClientMocker) -> Http2SmsClient:
    """Return a client on Home Assistant's session, which aioclient_mock answers."""
    return Http2SmsClient(async_get_clientsession(hass), CREDENTIALS, endpoint=ENDPOINT)
