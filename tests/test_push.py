"""Push with API keys: the options give a URL OVH can reach; each call is confirmed at OVH."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
import logging
import sys
from types import ModuleType
from typing import Any
from unittest.mock import AsyncMock, MagicMock, patch

from freezegun.api import FrozenDateTimeFactory
from hass_nabucasa import CloudError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.ovh_sms.const import CONF_PHONE_NUMBER, DOMAIN, SUBENTRY_RECIPIENT
from custom_components.ovh_sms.diagnostics import async_get_config_entry_diagnostics
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.aiohttp import MockRequest

from .conftest import (
    ACCOUNT,
    ALICE,
    API_ENDPOINT,
    API_ENTRY_DATA,
    API_JOB,
    DEFAULT_OPTIONS,
    api_calls,
    set_up_api_entry,
)

API_OPTIONS = DEFAULT_OPTIONS | {"replies": True, "delete_replies": False, "push": True}
EXTERNAL_URL = "https://home.example.org"
INTERNAL_URL = "http://192.168.1.20:8123"
INCOMING = f"{API_ENDPOINT}/sms/{ACCOUNT}/incoming"
OUTGOING = f"{API_ENDPOINT}/sms/{ACCOUNT}/outgoing"
BOB = "0033698765432"
CLOUDHOOK = "https://hooks.nabu.casa/ovh-sms-cloudhook"


def incoming(reply_id: int, message: str = "1", **fields: Any) -> dict[str, Any]:
    """OVH's /incoming/{id} answer: a reply from Alice."""
    return {
        "id": reply_id,
        "creationDatetime": "2026-11-22T03:01:00+00:00",
        "sender": "+33612345678",
        "message": message,
        "tag": "alarm",
        "credits": 1,
    } | fields


async def turn_push_on(hass: HomeAssistant, entry: MockConfigEntry, **options: Any) -> str:
    """Turn push (and replies) on in the options; give the URL shown."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | options
    )
    if result["step_id"] == "replies_sender":  # replies turned on: the account has a sender
        result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["step_id"] == "push"
    url: str = result["description_placeholders"]["url"]
    assert result["description_placeholders"]["account"] == ACCOUNT
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return url


async def set_up_with_push(
    hass: HomeAssistant, entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> str:
    """Set the entry up, reachable at EXTERNAL_URL, and turn push on; give the URL shown."""
    hass.config.external_url = EXTERNAL_URL
    ovh_api.get(INCOMING, json=[])
    await set_up_api_entry(hass, entry)
    return await turn_push_on(hass, entry)


@pytest.fixture
async def webhook_id(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> str:
    """Set the entry up with replies and push on, Home Assistant reachable at EXTERNAL_URL."""
    assert await async_setup_component(hass, "http", {})
    hass.config.internal_url = INTERNAL_URL
    url = await set_up_with_push(hass, mock_api_entry, ovh_api)
    webhook_id: str = mock_api_entry.options["webhook_id"]
    assert url == f"{EXTERNAL_URL}/api/webhook/{webhook_id}"
    return webhook_id


async def test_a_pushed_reply_tells_what_ovh_holds(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """The call names the reply; the event tells it as OVH gives it when read by its id."""
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/12", json=incoming(12, message="1"))
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{webhook_id}",
        data={"id": "12", "senderid": "+33698765432", "message": "0", "shortcode": "38xxx"},
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [
        (e.data["sms_id"], e.data["sender"], e.data["recipient"], e.data["message"])
        for e in replies
    ] == [("12", ALICE, "Alice", "1")]


async def test_a_reply_pushed_through_the_cloudhook_tells_what_ovh_holds(
    hass: HomeAssistant, webhook_id: str, ovh_api: AiohttpClientMocker
) -> None:
    """Home Assistant Cloud hands the call over as a MockRequest: its form is read as well."""
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/12", json=incoming(12, message="1"))
    response = await webhook.async_handle_webhook(
        hass,
        webhook_id,
        MockRequest(
            content=b"id=12&senderid=%2B33612345678&message=1&shortcode=38xxx",
            mock_source="cloud",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [(e.data["sms_id"], e.data["message"]) for e in replies] == [("12", "1")]


async def test_a_pushed_reply_ovh_does_not_hold_is_dropped(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Anyone with the URL can call it: a reply OVH does not hold fires nothing."""
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/99", status=404, json={"message": "The requested object is absent"})
    client = await hass_client_no_auth()
    for reply_id in ("99", "not-an-id"):
        response = await client.get(
            f"/api/webhook/{webhook_id}",
            params={"id": reply_id, "senderid": "+33612345678", "message": "1"},
        )
        assert response.status == 200
    await hass.async_block_till_done()
    assert replies == []
    assert [path for _, path in api_calls(ovh_api) if "/incoming/" in path] == [
        f"/sms/{ACCOUNT}/incoming/99"
    ]


async def test_a_pushed_reply_is_deleted_when_the_option_is_on(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Like a reply read, a pushed one is deleted at OVH once told."""
    await turn_push_on(hass, mock_api_entry, delete_replies=True)
    ovh_api.get(f"{INCOMING}/14", json=incoming(14))
    ovh_api.delete(f"{INCOMING}/14", text="null")
    client = await hass_client_no_auth()
    await client.get(
        f"/api/webhook/{webhook_id}",
        params={"id": "14", "senderid": "+33612345678", "message": "1"},
    )
    await hass.async_block_till_done()
    assert ("DELETE", f"/sms/{ACCOUNT}/incoming/14") in api_calls(ovh_api)


async def test_a_pushed_reply_without_a_date_at_ovh_is_dated_by_its_arrival(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """received_at is OVH's creationDatetime, else when the push came: never unknown."""
    freezer.move_to("2026-11-22T03:05:00+00:00")
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/15", json=incoming(15, creationDatetime=None))
    client = await hass_client_no_auth()
    await client.get(
        f"/api/webhook/{webhook_id}",
        params={"id": "15", "senderid": "+33612345678", "message": "1"},
    )
    await hass.async_block_till_done()
    assert [e.data["received_at"] for e in replies] == ["2026-11-22T03:05:00+00:00"]


async def test_a_pushed_reply_is_not_told_again_by_the_next_read(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Pushed, then listed by OVH at the next read: told once, read once."""
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/12", json=incoming(12))
    client = await hass_client_no_auth()
    await client.get(
        f"/api/webhook/{webhook_id}",
        params={"id": "12", "senderid": "+33612345678", "message": "1"},
    )
    await hass.async_block_till_done()
    ovh_api.clear_requests()
    ovh_api.get(INCOMING, json=[12])
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [e.data["sms_id"] for e in replies] == ["12"]
    assert ("GET", f"/sms/{ACCOUNT}/incoming/12") not in api_calls(ovh_api)


async def test_a_reply_pushed_twice_is_read_and_told_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """OVH may call again (a retry), even while the first call is being confirmed."""
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/13", json=incoming(13))
    client = await hass_client_no_auth()
    for _ in range(2):
        await client.get(
            f"/api/webhook/{webhook_id}",
            params={"id": "13", "senderid": "+33612345678", "message": "2"},
        )
    await hass.async_block_till_done()
    await client.get(
        f"/api/webhook/{webhook_id}",
        params={"id": "13", "senderid": "+33612345678", "message": "2"},
    )
    await hass.async_block_till_done()
    assert [e.data["sms_id"] for e in replies] == ["13"]
    assert api_calls(ovh_api).count(("GET", f"/sms/{ACCOUNT}/incoming/13")) == 1


@pytest.fixture
def mock_api_entry() -> MockConfigEntry:
    """Give the API keys account with two recipients, Alice and Bob."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=ACCOUNT,
        unique_id=f"api_{ACCOUNT}",
        minor_version=2,
        data=dict(API_ENTRY_DATA),
        subentries_data=[
            ConfigSubentryData(
                data={CONF_PHONE_NUMBER: number},
                subentry_id=f"{name.lower()}_id",
                subentry_type=SUBENTRY_RECIPIENT,
                title=name,
                unique_id=number,
            )
            for name, number in (("Alice", ALICE), ("Bob", BOB))
        ],
    )


async def test_a_pushed_report_names_the_recipient_ovh_names(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """An SMS sent to two: the report is read at OVH, which names Bob; Bob's entity shows it."""
    ovh_api.clear_requests()
    ovh_api.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    ovh_api.post(
        f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs",
        json=API_JOB | {"ids": [1001, 1002], "validReceivers": ["+33612345678", "+33698765432"]},
    )
    ovh_api.get(
        f"{OUTGOING}/1002",
        json={"id": 1002, "receiver": "+33698765432", "ptt": 4, "deliveryReceipt": 1},
    )
    deliveries = async_capture_events(hass, "ovh_sms_delivery")
    await hass.services.async_call(
        DOMAIN, "send_sms", {"recipients": [ALICE, BOB], "message": "Leak!"}, blocking=True
    )
    client = await hass_client_no_auth()
    # OVH may leave the number out, and the call's ptt is not taken on its word.
    response = await client.get(
        f"/api/webhook/{webhook_id}", params={"id": "1002", "ptt": "5", "date": "1800000009"}
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [(e.data["sms_id"], e.data["status"], e.data["recipient"]) for e in deliveries] == [
        ("1002", "delivered", BOB)
    ]
    bob = hass.states.get("notify.bob")
    alice = hass.states.get("notify.alice")
    assert bob is not None
    assert alice is not None
    assert bob.attributes["delivery_status"] == "delivered"
    assert "delivery_status" not in alice.attributes


async def test_a_pushed_report_of_an_sms_not_followed_is_dropped(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """A report of an SMS this account does not follow reads nothing and tells nothing."""
    deliveries = async_capture_events(hass, "ovh_sms_delivery")
    client = await hass_client_no_auth()
    response = await client.get(f"/api/webhook/{webhook_id}", params={"id": "555", "ptt": "4"})
    assert response.status == 200
    await hass.async_block_till_done()
    assert deliveries == []
    assert not [path for _, path in api_calls(ovh_api) if "/outgoing/" in path]


@pytest.mark.parametrize(
    "body",
    [
        b"id=12&senderid=%2B33612345678&message=Caf\xe9",
        b"id=12&senderid=%2B33612345678&message=Caf%E9",
        b"id=12&senderid=%2B33612345678&message=" + b"x" * 20000,
        b"&".join(b"k%d=v" % n for n in range(100)),
    ],
    ids=["latin-1", "latin-1-escaped", "too-large", "too-many-fields"],
)
async def test_a_call_that_cannot_be_read_is_answered_and_dropped(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
    *,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    """A body not in UTF-8, too large or of too many fields: 200, nothing read, no id in logs."""
    caplog.set_level(logging.DEBUG)
    replies = async_capture_events(hass, "ovh_sms_received")
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{webhook_id}",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert replies == []
    assert not [path for _, path in api_calls(ovh_api) if "/incoming/" in path]
    # asyncio's slow-callback notice tells the machine's load, not the integration's behaviour.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name != "asyncio"]
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("custom_components")]
    assert f"A call of the webhook of {ACCOUNT} was too large or not UTF-8" in ours
    assert not [line for line in ours if webhook_id in line]


async def test_a_body_sent_in_chunks_is_read_up_to_the_bound(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """Without a Content-Length, a form is read in chunks: a small one is read, a large one not."""
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.get(f"{INCOMING}/16", json=incoming(16))

    async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    client = await hass_client_no_auth()
    for reply_id, padding in ((17, b"x" * 20000), (16, b"")):
        response = await client.post(
            f"/api/webhook/{webhook_id}",
            data=chunks(b"id=%d&senderid=%%2B33612345678" % reply_id, b"&message=1" + padding),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status == 200
    await hass.async_block_till_done()
    assert [e.data["sms_id"] for e in replies] == ["16"]
    assert not [path for _, path in api_calls(ovh_api) if path.endswith("/incoming/17")]


async def test_a_flood_of_calls_makes_no_flood_of_reads(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """At most 10 calls are confirmed at a time; the others are dropped (polling reads on)."""
    release = asyncio.Event()

    async def slow_ovh(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        await release.wait()
        return AiohttpClientMockResponse(method, url, status=404, json={"message": "absent"})

    for reply_id in range(100, 111):
        ovh_api.get(f"{INCOMING}/{reply_id}", side_effect=slow_ovh)
    client = await hass_client_no_auth()
    for reply_id in range(100, 111):
        await client.get(
            f"/api/webhook/{webhook_id}",
            params={"id": str(reply_id), "senderid": "+33612345678", "message": "1"},
        )
    release.set()
    await hass.async_block_till_done()
    reads = [path for _, path in api_calls(ovh_api) if "/incoming/" in path]
    assert len(reads) == 10
    assert f"/sms/{ACCOUNT}/incoming/110" not in reads


async def test_a_pushed_report_ovh_cannot_confirm_waits_for_the_next_read(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """OVH out of reach when the report is confirmed: nothing is told on the call's word."""
    ovh_api.get(f"{OUTGOING}/26929925", status=503, text="Service Unavailable")
    deliveries = async_capture_events(hass, "ovh_sms_delivery")
    await hass.services.async_call(
        DOMAIN, "send_sms", {"recipients": [ALICE], "message": "Leak!"}, blocking=True
    )
    client = await hass_client_no_auth()
    await client.get(f"/api/webhook/{webhook_id}", params={"id": "26929925", "ptt": "4"})
    await hass.async_block_till_done()
    assert deliveries == []
    assert ("GET", f"/sms/{ACCOUNT}/outgoing/26929925") in api_calls(ovh_api)


async def test_anything_else_is_ignored(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
) -> None:
    """A call that is neither a report nor a reply is answered 200 and reads nothing."""
    deliveries = async_capture_events(hass, "ovh_sms_delivery")
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.clear_requests()
    client = await hass_client_no_auth()
    response = await client.get(f"/api/webhook/{webhook_id}", params={"hello": "world"})
    assert response.status == 200
    await hass.async_block_till_done()
    assert (deliveries, replies, api_calls(ovh_api)) == ([], [], [])


async def test_a_put_is_answered_like_any_call_and_logs_no_id(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    webhook_id: str,
    ovh_api: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Home Assistant warns with the id of a method not allowed: a PUT gets 200, reads nothing."""
    replies = async_capture_events(hass, "ovh_sms_received")
    ovh_api.clear_requests()
    client = await hass_client_no_auth()
    response = await client.put(
        f"/api/webhook/{webhook_id}",
        params={"id": "12", "senderid": "+33612345678", "message": "1"},
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert (replies, api_calls(ovh_api)) == ([], [])
    assert not [
        r for r in caplog.records if r.levelno >= logging.WARNING and webhook_id in r.getMessage()
    ]


async def test_push_off_keeps_the_url_for_later(
    hass: HomeAssistant, webhook_id: str, mock_api_entry: MockConfigEntry
) -> None:
    """Turning push off saves at once and keeps the webhook id, so the URL set at OVH stays."""
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"push": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_api_entry.options["push"] is False
    assert mock_api_entry.options["webhook_id"] == webhook_id


async def test_the_webhook_id_is_not_in_diagnostics(
    hass: HomeAssistant, webhook_id: str, mock_api_entry: MockConfigEntry
) -> None:
    """Whoever has the webhook's id can call it: diagnostics redact it."""
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_api_entry)
    assert diagnostics["options"]["webhook_id"] == "**REDACTED**"
    assert webhook_id not in str(diagnostics)
    assert diagnostics["replies_read"] is True


class CloudNotAvailable(HomeAssistantError):  # noqa: N818 - the cloud component's name
    """Home Assistant Cloud's own error: no cloud."""


class CloudNotConnected(CloudNotAvailable):
    """Home Assistant Cloud's own error: subscribed, not connected."""


@pytest.fixture
def cloud(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> AsyncMock:
    """Home Assistant Cloud loaded, subscribed and connected; give its async_delete_cloudhook.

    The test environment cannot import the cloud component (it lacks hassil,
    turbojpeg...): its four names the integration uses stand in for it.
    """
    cloud = ModuleType("homeassistant.components.cloud")
    cloud.async_active_subscription = MagicMock(return_value=True)
    cloud.async_get_or_create_cloudhook = AsyncMock(return_value=CLOUDHOOK)
    cloud.async_delete_cloudhook = AsyncMock()
    cloud.CloudNotAvailable = CloudNotAvailable
    monkeypatch.setitem(sys.modules, cloud.__name__, cloud)
    hass.config.components.add("cloud")
    return cloud.async_delete_cloudhook


async def test_without_an_external_url_push_is_refused(
    hass: HomeAssistant, mock_api_entry: MockConfigEntry, ovh_api: AiohttpClientMocker
) -> None:
    """Only an internal URL: OVH could not call it, so the form says so and push stays off."""
    hass.config.internal_url = INTERNAL_URL
    await set_up_api_entry(hass, mock_api_entry)
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"replies": False}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert result["errors"] == {"push": "push_unreachable"}
    assert "push" not in mock_api_entry.options


async def test_with_home_assistant_cloud_push_uses_a_cloudhook(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    cloud: AsyncMock,
) -> None:
    """A Cloud subscription gives the URL, even beside an external URL; push off deletes it."""
    assert await set_up_with_push(hass, mock_api_entry, ovh_api) == CLOUDHOOK
    assert mock_api_entry.options["cloudhook"] is True
    cloud.assert_not_called()
    webhook_id = mock_api_entry.options["webhook_id"]
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"push": False}
    )
    cloud.assert_awaited_once_with(hass, webhook_id)
    assert "cloudhook" not in mock_api_entry.options


async def test_deleting_the_entry_deletes_its_cloudhook(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    cloud: AsyncMock,
) -> None:
    """The cloudhook goes with the entry; with the cloud out of reach, the entry goes anyway."""
    await set_up_with_push(hass, mock_api_entry, ovh_api)
    webhook_id = mock_api_entry.options["webhook_id"]
    cloud.side_effect = CloudNotAvailable
    assert await hass.config_entries.async_remove(mock_api_entry.entry_id)
    cloud.assert_awaited_once_with(hass, webhook_id)
    assert hass.config_entries.async_get_entry(mock_api_entry.entry_id) is None


async def test_deleting_the_entry_whose_cloudhook_is_gone_forgets_everything(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    cloud: AsyncMock,
) -> None:
    """Its cloudhook deleted in Home Assistant Cloud's settings: the entry still goes whole."""
    await set_up_with_push(hass, mock_api_entry, ovh_api)
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    replies = f"ovh_sms.{mock_api_entry.entry_id}.replies"
    assert replies in hass_storage
    cloud.side_effect = ValueError("Hook is not enabled for the cloud.")
    assert await hass.config_entries.async_remove(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    assert replies not in hass_storage


@pytest.mark.parametrize(
    "error",
    [CloudError("webhook_generate failed"), TimeoutError(), ValueError("Cloud is not connected")],
    ids=["cloud api", "timeout", "disconnected meanwhile"],
)
async def test_a_cloudhook_that_cannot_be_made_falls_back_to_the_external_url(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    cloud: AsyncMock,
    error: Exception,
) -> None:
    """Home Assistant Cloud fails to make the cloudhook: the options show the external URL."""
    with patch("homeassistant.components.cloud.async_get_or_create_cloudhook", side_effect=error):
        url = await set_up_with_push(hass, mock_api_entry, ovh_api)
    assert url == f"{EXTERNAL_URL}/api/webhook/{mock_api_entry.options['webhook_id']}"
    assert mock_api_entry.options["cloudhook"] is False


async def test_cloud_out_of_reach_falls_back_to_the_external_url(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    cloud: AsyncMock,
) -> None:
    """Cloud not connected: the external URL is shown, and the old cloudhook is deleted."""
    await set_up_with_push(hass, mock_api_entry, ovh_api)
    webhook_id = mock_api_entry.options["webhook_id"]
    with patch(
        "homeassistant.components.cloud.async_get_or_create_cloudhook",
        side_effect=CloudNotConnected,
    ):
        url = await turn_push_on(hass, mock_api_entry)
    assert url == f"{EXTERNAL_URL}/api/webhook/{webhook_id}"
    assert mock_api_entry.options["cloudhook"] is False
    cloud.assert_awaited_once_with(hass, webhook_id)


@pytest.mark.parametrize(("sender", "warned"), [("HomeAlarm", True), ("", False)])
async def test_turning_replies_on_with_a_named_sender_warns(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    sender: str,
    *,
    warned: bool,
) -> None:
    """Replies come only to the short number: a named sender is told it gets none."""
    ovh_api.get(INCOMING, json=[])
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, data=mock_api_entry.data | {"sender": sender}
    )
    await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(mock_api_entry.entry_id)
    assert result["description_placeholders"] == {"account": ACCOUNT}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], API_OPTIONS | {"push": False}
    )
    if warned:
        assert result["step_id"] == "replies_sender"
        assert result["description_placeholders"] == {"sender": "HomeAlarm"}
        result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_api_entry.options["replies"] is True


async def test_cloud_without_a_subscription_uses_the_external_url(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    ovh_api: AiohttpClientMocker,
    cloud: AsyncMock,
) -> None:
    """Home Assistant Cloud loaded but not subscribed: no cloudhook, the external URL."""
    with patch("homeassistant.components.cloud.async_active_subscription", return_value=False):
        url = await set_up_with_push(hass, mock_api_entry, ovh_api)
    assert url == f"{EXTERNAL_URL}/api/webhook/{mock_api_entry.options['webhook_id']}"
    assert mock_api_entry.options["cloudhook"] is False
