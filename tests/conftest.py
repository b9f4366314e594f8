"""Fixtures: a config entry with one recipient, the integration set up, OVH's answers."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass
import logging
from types import MappingProxyType
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from syrupy.assertion import SnapshotAssertion

# Imported before Home Assistant puts its own testing custom_components first on sys.path.
import custom_components.ovh_sms  # noqa: F401
from custom_components.ovh_sms.const import (
    CONF_ACCOUNT,
    CONF_ENDPOINT,
    CONF_LOGIN,
    CONF_PHONE_NUMBER,
    CONF_SENDER,
    DOMAIN,
    SUBENTRY_RECIPIENT,
)
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import SOURCE_USER, ConfigSubentry, ConfigSubentryData
from homeassistant.const import CONF_PASSWORD, MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from simulator import ENDPOINT_PATH, OvhSimulator

# Snapshots hold Home Assistant's serialisation of its registries, which changes between
# versions: they are written and checked by the newest (requirements_test.txt). Older
# versions collect no snapshot module (rather than skipping tests): one run alone would
# make syrupy call the other's snapshots unused, an error.
SNAPSHOTS_WRITTEN_BY = (2026, 10)
collect_ignore = (
    []
    if (MAJOR_VERSION, MINOR_VERSION) >= SNAPSHOTS_WRITTEN_BY
    else ["test_diagnostics.py", "test_snapshots.py"]
)

ENDPOINT = "https://www.ovh.com/cgi-bin/sms/http2sms.cgi"
PASSWORD = "s3cr3t-P4ss"  # noqa: S105
ACCOUNT = "sms-ab1234-1"
LOGIN = "homeassistant"
ALICE = "0033612345678"
BOB = "0033698765432"
SUCCESS = {"status": 100, "creditLeft": "1987", "SmsIds": ["10867690"]}
CREDITS = "sensor.sms_ab1234_1_credits_left"
# The options form as a user submits it with every default kept.
DEFAULT_OPTIONS = {
    "no_stop": True,
    "sms_class": "phone",
    "coding": "auto",
    "service_name": "ovh_sms",
    "hourly_limit": 30,
    "outbox": True,
    "max_delay": 30,
}
ENTRY_DATA = {
    CONF_ACCOUNT: ACCOUNT,
    CONF_LOGIN: LOGIN,
    CONF_PASSWORD: PASSWORD,
    CONF_SENDER: "HomeAlarm",
    CONF_ENDPOINT: ENDPOINT,
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialise as core does, into tests/snapshots/.

    The plugin's fixture of the same name is shadowed by syrupy's own, registered after it.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture(autouse=True)
def country(hass: HomeAssistant) -> None:
    """Make Home Assistant French: national numbers are French."""
    hass.config.country = "FR"


@pytest.fixture(autouse=True)
def known_rates(hass_storage: dict[str, Any]) -> None:
    """Start with France's rate kept, as read at an earlier start: setup reads no rate.

    Kept fresh whatever time a test freezes (read at a date no test reaches).
    tests/cost/ starts without it.
    """
    hass_storage["ovh_sms.rates"] = {
        "version": 1,
        "minor_version": 1,
        "key": "ovh_sms.rates",
        "data": {"FR/FR": {"credits": "1", "read_at": "2100-01-01T00:00:00+00:00"}},
    }


def account_with_alice(data: dict[str, Any], unique_id: str, **fields: Any) -> MockConfigEntry:
    """Give an account entry with this data and one recipient, Alice."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=ACCOUNT,
        unique_id=unique_id,
        minor_version=2,
        data=dict(data),
        subentries_data=[
            ConfigSubentryData(
                data={CONF_PHONE_NUMBER: ALICE},
                subentry_id="alice_id",
                subentry_type=SUBENTRY_RECIPIENT,
                title="Alice",
                unique_id=ALICE,
            )
        ],
        **fields,
    )


def add_recipient(
    hass: HomeAssistant, entry: MockConfigEntry, number: str, title: str | None = None
) -> None:
    """Add a recipient to the entry, as the recipient flow saves it (the number normalised)."""
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            data=MappingProxyType({CONF_PHONE_NUMBER: number}),
            subentry_type=SUBENTRY_RECIPIENT,
            title=title or number,
            unique_id=number,
        ),
    )


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """Give an account (an SMS user) with one recipient, Alice."""
    return account_with_alice(ENTRY_DATA, f"{ACCOUNT}_{LOGIN}")


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> MockConfigEntry:
    """Set up the integration with the mock entry (after aioclient_mock took the session)."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def ovh(aioclient_mock: AiohttpClientMocker) -> Generator[AiohttpClientMocker]:
    """OVH answering every request with success."""
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    return aioclient_mock


def answer_rates(aioclient_mock: AiohttpClientMocker) -> None:
    """Make OVH's public API price a part at 1 credit to any country (read in the background)."""
    aioclient_mock.get(RATES, json={"credit": 1, "price": {"value": 0.07}, "vatRate": 20})


def sent_forms(aioclient_mock: AiohttpClientMocker) -> list[dict[str, Any]]:
    """Return the form of every SMS request (http2sms) OVH received, in order; no rate read."""
    return [
        dict(data) for method, _, data, _ in aioclient_mock.mock_calls if method.upper() == "POST"
    ]


# What the client adds to every request itself; tests/client/http2sms/ asserts them.
CLIENT_FIELDS = ("account", "login", "password", "contentType")


def sms_fields(aioclient_mock: AiohttpClientMocker) -> list[dict[str, Any]]:
    """Return the SMS each request carried: its form without the client's own fields."""
    return [
        {key: value for key, value in form.items() if key not in CLIENT_FIELDS}
        for form in sent_forms(aioclient_mock)
    ]


async def send_sms(hass: HomeAssistant, **data: Any) -> Any:
    """Call ovh_sms.send_sms and return its response."""
    return await hass.services.async_call(
        DOMAIN, "send_sms", data, blocking=True, return_response=True
    )


async def notify(hass: HomeAssistant, **data: Any) -> None:
    """Call the legacy notify.ovh_sms."""
    await hass.services.async_call(NOTIFY_DOMAIN, "ovh_sms", data, blocking=True)


@dataclass(frozen=True)
class LoopbackSimulator:
    """The http2sms simulator, serving on a loopback port."""

    ovh: OvhSimulator
    endpoint: str


@asynccontextmanager
async def serving(ovh: OvhSimulator, *middlewares: Middleware) -> AsyncIterator[LoopbackSimulator]:
    """Serve the simulated account on 127.0.0.1, each request going through the middlewares.

    The page is also served on a port of its own (ovh.reachability.page_url),
    which the "unreachable" switch leaves open.
    """
    app = ovh.application()
    app.middlewares.extend(middlewares)
    # No access log: its time stamps fail under a frozen clock.
    runner = web.AppRunner(app, access_log=None)
    port, _ = await ovh.serve("127.0.0.1", 0, 0, runner)
    try:
        yield LoopbackSimulator(ovh, f"http://127.0.0.1:{port}{ENDPOINT_PATH}")
    finally:
        await runner.cleanup()


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncGenerator[LoopbackSimulator]:
    """Serve a fresh simulated OVH account (100 credits) on 127.0.0.1 (sockets allowed)."""
    async with serving(OvhSimulator(password=PASSWORD)) as served:
        yield served


async def set_up_at(hass: HomeAssistant, entry: MockConfigEntry, endpoint: str) -> MockConfigEntry:
    """Set up the integration with this entry, its requests going to this endpoint."""
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data=ENTRY_DATA | {CONF_ENDPOINT: endpoint})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def set_up_second_account(
    hass: HomeAssistant, first: MockConfigEntry, **options: Any
) -> MockConfigEntry:
    """Set up another account (sms-cd5678-1, login ha) with the first one's settings."""
    second = MockConfigEntry(
        domain=DOMAIN,
        title="sms-cd5678-1",
        unique_id="sms-cd5678-1_ha",
        minor_version=2,
        data=dict(first.data) | {CONF_ACCOUNT: "sms-cd5678-1", CONF_LOGIN: "ha"},
        options=options,
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()
    return second


# What kinsoi/ha-ovh-sms-plugin, another integration of domain ovh_sms, leaves behind.
FOREIGN_ENTRY_DATA = {
    "application_key": "AppKey1234",
    "application_secret": "AppSecret5678",
    "consumer_key": "ConsumerKey9012",
    "service_name": "sms-ab1234-1",
    "sender": "",
    "recipients": ["+33698765432"],
    "rate_limit_strategy": "drop",
    "config_validated": True,
}


def foreign_entry() -> MockConfigEntry:
    """Give an entry of kinsoi/ha-ovh-sms-plugin, as its config flow saved it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="OVH SMS - sms-ab1234-1",
        unique_id="sms-ab1234-1",
        data=dict(FOREIGN_ENTRY_DATA),
    )


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return the entity's state, which must exist."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


# The OVHcloud API mode.
API_ENDPOINT = "https://eu.api.ovh.com/1.0"
RATES = f"{API_ENDPOINT}/sms/rates/destinations"
APPLICATION_KEY = "appKey0123456789"
APPLICATION_SECRET = "appSecret-Ab12Cd34Ef56Gh78"  # noqa: S105
CONSUMER_KEY = "consumerKey-Zy98Xw76Vu54Ts32"
API_ENTRY_DATA = {
    "mode": "api",
    "application_key": APPLICATION_KEY,
    "application_secret": APPLICATION_SECRET,
    "consumer_key": CONSUMER_KEY,
    "account": ACCOUNT,
    "sender": "HomeAlarm",
    "endpoint": API_ENDPOINT,
}
API_ACCOUNT = {
    "name": ACCOUNT,
    "creditsLeft": 42.5,
    "creditsHoldByQuota": 0,
    "status": "enable",
    "description": "Home",
}
API_JOB = {
    "ids": [26929925],
    "validReceivers": ["+33612345678"],
    "invalidReceivers": [],
    "totalCreditsRemoved": 1,
    "creditsLeft": 41.5,
    "tag": "",
}


READINESS_ANSWERS: dict[str, Any] = {
    "serviceInfos": {"status": "ok", "expiration": "2099-01-01", "renew": {"automatic": True}},
    "blacklists": [],
    "senders/HomeAlarm": {"sender": "HomeAlarm", "status": "enable", "type": "alpha"},
    "exceptions": [],
}
# The calls the readiness checks make at setup, Alice the only recipient.
READINESS_CALLS = [
    ("GET", f"/sms/{ACCOUNT}/serviceInfos"),
    ("GET", f"/sms/{ACCOUNT}/blacklists"),
    ("GET", f"/sms/{ACCOUNT}/senders/HomeAlarm"),
    ("GET", f"/sms/{ACCOUNT}/exceptions?receiver=%2B33612345678"),
]


@pytest.fixture
def mock_api_entry() -> MockConfigEntry:
    """Give an account set up with OVHcloud API keys, with one recipient, Alice."""
    return account_with_alice(API_ENTRY_DATA, f"api_{ACCOUNT}")


@pytest.fixture
def ovh_api(aioclient_mock: AiohttpClientMocker) -> AiohttpClientMocker:
    """Make the OVHcloud API answer every call of a validated key with success."""
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}", json=API_ACCOUNT)
    aioclient_mock.post(f"{API_ENDPOINT}/sms/{ACCOUNT}/jobs", json=API_JOB)
    # An account without virtual numbers, as most are.
    aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/virtualNumbers", json=[])
    # The readiness checks' reads: a service in order, the sender enabled, no restriction.
    for route, answer in READINESS_ANSWERS.items():
        aioclient_mock.get(f"{API_ENDPOINT}/sms/{ACCOUNT}/{route}", json=answer)
    return aioclient_mock


def api_calls(aioclient_mock: AiohttpClientMocker) -> list[tuple[str, str]]:
    """List the API calls made, as (METHOD, path after the endpoint), in order."""
    return [
        (method.upper(), str(url).removeprefix(API_ENDPOINT))
        for method, url, _, _ in aioclient_mock.mock_calls
    ]


async def set_up_api_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add the API-keys entry and set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


NEW_CONSUMER_KEY = "newConsumerKey-Qp09Rs87"
VALIDATION_URL = "https://eu.api.ovh.com/auth/?credentialToken=abc123"
KEYS = {"application_key": APPLICATION_KEY, "application_secret": APPLICATION_SECRET}
SENDERS = {
    "HomeAlarm": {"status": "enable", "type": "alpha"},
    "Waiting": {"status": "waitingValidation", "type": "alpha"},
    "Refused": {"status": "refused", "type": "alpha"},
    "Disabled": {"status": "disable", "type": "alpha"},
}


def api_answers(
    aioclient_mock: AiohttpClientMocker,
    *,
    state: str = "validated",
    accounts: tuple[str, ...] = (ACCOUNT,),
    senders: dict[str, dict[str, str]] = SENDERS,
    virtual_numbers: tuple[str, ...] = (),
) -> None:
    """Make the API answer a key in this state that sees these accounts, senders and numbers."""
    aioclient_mock.clear_requests()
    aioclient_mock.get(f"{API_ENDPOINT}/auth/time", text="1800000000")
    aioclient_mock.post(
        f"{API_ENDPOINT}/auth/credential",
        json={
            "consumerKey": NEW_CONSUMER_KEY,
            "state": "pendingValidation",
            "validationUrl": VALIDATION_URL,
        },
    )
    aioclient_mock.get(
        f"{API_ENDPOINT}/auth/currentCredential", json={"status": state, "rules": []}
    )
    aioclient_mock.get(f"{API_ENDPOINT}/sms", json=list(accounts))
    for account in accounts:
        aioclient_mock.get(f"{API_ENDPOINT}/sms/{account}", json=API_ACCOUNT | {"name": account})
        aioclient_mock.get(f"{API_ENDPOINT}/sms/{account}/senders", json=list(senders))
        aioclient_mock.get(
            f"{API_ENDPOINT}/sms/{account}/virtualNumbers", json=list(virtual_numbers)
        )
        for name, sender in senders.items():
            aioclient_mock.get(
                f"{API_ENDPOINT}/sms/{account}/senders/{name}",
                json={"sender": name, "comment": "", **sender},
            )


async def start_api(hass: HomeAssistant, user_input: dict[str, Any]) -> Any:
    """Start the user flow, choose API keys and submit them."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "api"}
    )
    assert result["step_id"] == "api"
    assert result["description_placeholders"]["create_app_url"] == (
        "https://eu.api.ovh.com/createApp/"
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input | {"connection": {"endpoint": API_ENDPOINT}}
    )


async def back_from_ovh(hass: HomeAssistant, result: Any) -> Any:
    """Do what OVH's redirection does through the view, then what the frontend does next."""
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.EXTERNAL_STEP_DONE
    return await hass.config_entries.flow.async_configure(result["flow_id"])


def no_sms_sent(aioclient_mock: AiohttpClientMocker) -> bool:
    """Tell that no job was posted."""
    return not any(path.endswith("/jobs") for _, path in api_calls(aioclient_mock))


def assert_unexpected_error_logged(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    """Check a flow logged an unexpected error once, with its traceback, without any secret.

    The tests raise what aiohttp raises on a closed session, which no client error names.
    """
    [record] = [r for r in caplog.records if r.getMessage() == "Unexpected exception"]
    assert (record.levelname, record.name) == ("ERROR", "custom_components.ovh_sms")
    assert record.exc_info is not None
    logged = logging.Formatter().format(record)
    assert "Session is closed" in logged
    for secret in (PASSWORD, APPLICATION_SECRET, CONSUMER_KEY, *secrets):
        assert secret not in logged
