"""What Home Assistant makes of a send's outcome: partial sends, the ledger, the hourly budget.

The requests the client makes are asserted in tests/client/http2sms/; here the
client's outcomes reach the caller (rendered text), the credits sensor, the
ovh_sms_sent event and the hourly budget, across reloads and restarts.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
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

from custom_components.ovh_sms.const import CONF_HOURLY_LIMIT, DOMAIN, EVENT_SMS_SENT
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .conftest import ALICE, CREDITS, DEFAULT_OPTIONS, ENDPOINT, SUCCESS, send_sms, state_of

NUMBERS = [f"+3361234{n:04d}" for n in range(52)]
FIRST_BATCH = [f"003361234{n:04d}" for n in range(50)]
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def hourly_limit_reached(limit: int, count: int, resume: str) -> tuple[str, str]:
    """Give the key and text of a send refused by the hourly limit."""
    return (
        "hourly_limit_reached",
        (
            f"The safety limit of {limit} SMS per hour is reached ({count} more asked); "
            f"sending resumes at {resume}"
        ),
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry, hourly_limit: int) -> None:
    """Set up the entry with this hourly limit."""
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={CONF_HOURLY_LIMIT: hourly_limit})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def answer_by_batch(aioclient_mock: AiohttpClientMocker, later: dict[str, Any]) -> None:
    """Accept the first batch of 50 (credit 40, ids 1..50); answer later batches with later."""

    async def respond(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        if data["to"].split(",") == FIRST_BATCH:
            ids = [str(n) for n in range(1, 51)]
            return AiohttpClientMockResponse(
                method, url, json={"status": 100, "creditLeft": "40", "SmsIds": ids}
            )
        return AiohttpClientMockResponse(method, url, **later)

    aioclient_mock.post(ENDPOINT, side_effect=respond)


async def send_held_back(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, answered: asyncio.Event
) -> asyncio.Task[Any]:
    """Start a send to Alice that OVH has received and answers (success) once answered is set."""
    requested = asyncio.Event()

    async def slow(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        requested.set()
        await answered.wait()
        return AiohttpClientMockResponse(method, url, json=SUCCESS)

    aioclient_mock.post(ENDPOINT, side_effect=slow)
    send = asyncio.create_task(send_sms(hass, recipients=[ALICE], message="Hi"))
    await requested.wait()
    return send


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        (
            {"json": {"status": 202, "message": "Invalid to"}},
            (
                "partially_sent",
                (
                    "The SMS reached 50 of 52 recipients. It was not sent to these 2: "
                    "0033612340050, 0033612340051. Cause: OVH refused the SMS (status 202): "
                    "Invalid to"
                ),
            ),
        ),
        (
            {"status": 503},
            (
                "partially_outcome_unknown",
                (
                    "The SMS reached 50 of 52 recipients. For these 2, it may have been sent (it "
                    "was not sent again): 0033612340050, 0033612340051. Cause: OVH answered HTTP "
                    "503; the SMS may have been sent"
                ),
            ),
        ),
    ],
)
async def test_a_partial_send_keeps_what_was_sent_and_names_the_rest(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    later: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    """50 got it: the caller reads who did not, the sensor and the event show the 50."""
    await set_up(hass, mock_config_entry, hourly_limit=0)
    answer_by_batch(aioclient_mock, later)
    events = async_capture_events(hass, EVENT_SMS_SENT)
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=NUMBERS, message="Storm warning")
    assert (err.value.translation_key, str(err.value)) == expected
    assert state_of(hass, CREDITS) == "40"
    assert [event.data for event in events] == [
        {
            "config_entry_id": mock_config_entry.entry_id,
            "sms_ids": [str(n) for n in range(1, 51)],
            "recipients": 50,
            "segments": 1,
            "credits_left": 40.0,
            "late_by": 0.0,
            "path": mock_config_entry.title,
            "credits_estimated": 50.0,
            "credits_removed": None,
        }
    ]


async def test_a_partial_send_counts_only_what_may_have_gone(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The 2 refused recipients leave the hourly budget; the 50 sent stay in it."""
    freezer.move_to(NOW)
    await hass.config.async_set_time_zone("Europe/Paris")
    await set_up(hass, mock_config_entry, hourly_limit=57)
    answer_by_batch(aioclient_mock, {"json": {"status": 202, "message": "Invalid to"}})
    with pytest.raises(HomeAssistantError):
        await send_sms(hass, recipients=NUMBERS, message="Storm warning")
    aioclient_mock.clear_requests()
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await send_sms(hass, recipients=NUMBERS[:7], message="Storm warning")  # 57: the limit
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="One more")
    assert (err.value.translation_key, str(err.value)) == hourly_limit_reached(57, 1, "12:00")
    assert aioclient_mock.call_count == 1


async def test_a_partial_send_stopped_by_the_credentials_asks_for_them(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A refusal of the credentials after a first accepted batch still starts reauth."""
    await set_up(hass, mock_config_entry, hourly_limit=0)
    answer_by_batch(aioclient_mock, {"json": {"status": 202, "message": "Invalid login"}})
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=NUMBERS, message="Storm warning")
    assert (err.value.translation_key, str(err.value)) == (
        "partially_sent",
        (
            "The SMS reached 50 of 52 recipients. It was not sent to these 2: 0033612340050, "
            "0033612340051. Cause: OVH refused the SMS (status 202): Invalid login"
        ),
    )
    await hass.async_block_till_done()
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert state_of(hass, CREDITS) == "40"


@pytest.mark.parametrize("answer", [{"status": 503}, {"exc": TimeoutError()}])
async def test_a_send_that_may_have_gone_stays_in_the_budget(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    answer: dict[str, Any],
) -> None:
    """A 5xx or a lost answer may hide a sent SMS: it keeps its place in the hourly limit."""
    freezer.move_to(NOW)
    await hass.config.async_set_time_zone("Europe/Paris")
    await set_up(hass, mock_config_entry, hourly_limit=1)
    aioclient_mock.post(ENDPOINT, **answer)
    with pytest.raises(HomeAssistantError):
        await send_sms(hass, recipients=[ALICE], message="Hi")
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == hourly_limit_reached(1, 1, "12:00")
    assert aioclient_mock.call_count == 1


async def test_a_send_larger_than_the_limit_says_so(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """31 parts against a limit of 30 can never pass: the error says that, not a time."""
    await set_up(hass, mock_config_entry, hourly_limit=30)
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=NUMBERS[:31], message="Storm warning")
    assert err.value.translation_key == "larger_than_hourly_limit"
    assert str(err.value) == (
        "This SMS needs 31 SMS (recipients x parts), more than the safety limit of 30 per hour: "
        "it was not sent. Raise the limit in the integration's options, or send to fewer "
        "recipients"
    )
    assert aioclient_mock.call_count == 0


async def test_the_hourly_budget_survives_a_reload(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Changing the options reloads the entry: what was sent in the hour still counts."""
    freezer.move_to(NOW)
    await hass.config.async_set_time_zone("Europe/Paris")
    await set_up(hass, mock_config_entry, hourly_limit=30)
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await send_sms(hass, recipients=NUMBERS[:30], message="Storm warning")
    freezer.tick(600)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], DEFAULT_OPTIONS)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == hourly_limit_reached(30, 1, "12:00")
    assert aioclient_mock.call_count == 1


async def test_credit_and_budget_survive_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """What the last run saved: the credit shows at once and the budget still counts."""
    freezer.move_to(NOW)
    await hass.config.async_set_time_zone("Europe/Paris")
    hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{mock_config_entry.entry_id}",
        "data": {
            "credits_left": "12.5",
            "last_sent": (NOW - timedelta(minutes=50)).isoformat(),
            "spent": [
                [(NOW - timedelta(minutes=70)).isoformat(), 30],
                [(NOW - timedelta(minutes=50)).isoformat(), 29],
            ],
        },
    }
    await set_up(hass, mock_config_entry, hourly_limit=30)
    assert state_of(hass, CREDITS) == "12.5"
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=NUMBERS[:2], message="Hi")
    assert (err.value.translation_key, str(err.value)) == hourly_limit_reached(30, 2, "11:10")
    assert aioclient_mock.call_count == 0


async def test_each_send_is_saved(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The credit, the time and the parts of a send reach the store within seconds."""
    freezer.move_to(NOW)
    await set_up(hass, mock_config_entry, hourly_limit=30)
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await send_sms(hass, recipients=NUMBERS[:3], message="Hi")
    freezer.tick(2)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"]["data"] == {
        "credits_left": "1987",
        "last_sent": NOW.isoformat(),
        "spent": [[NOW.isoformat(), 3]],
        "scheduled": [],
    }

    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{mock_config_entry.entry_id}" not in hass_storage


async def test_a_damaged_store_does_not_stop_the_setup(
    hass: HomeAssistant, hass_storage: dict[str, Any], mock_config_entry: MockConfigEntry
) -> None:
    """An unreadable credit or time is left out; the account still sets up."""
    hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"] = {
        "version": 1,
        "key": f"{DOMAIN}.{mock_config_entry.entry_id}",
        "data": {"credits_left": "lots", "last_sent": "yesterday", "spent": [["never", 3]]},
    }
    await set_up(hass, mock_config_entry, hourly_limit=30)
    assert state_of(hass, CREDITS) == "unknown"


async def test_a_send_in_flight_during_a_reload_reaches_the_new_sensor(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH answers after the entry reloaded: the reloaded sensor shows that credit."""
    await set_up(hass, mock_config_entry, hourly_limit=30)
    answered = asyncio.Event()
    send = await send_held_back(hass, aioclient_mock, answered)
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    assert state_of(hass, CREDITS) == "unknown"
    answered.set()
    await send
    assert state_of(hass, CREDITS) == "1987"


async def test_nobody_reached_some_refused_some_unknown(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Refused for 50, unknown for 2: the caller reads both lists, nothing is recorded."""
    await set_up(hass, mock_config_entry, hourly_limit=0)

    async def respond(method: str, url: Any, data: Any) -> AiohttpClientMockResponse:
        if data["to"].split(",") == FIRST_BATCH:
            return AiohttpClientMockResponse(
                method, url, json={"status": 202, "message": "Invalid to"}
            )
        return AiohttpClientMockResponse(method, url, status=502)

    aioclient_mock.post(ENDPOINT, side_effect=respond)
    events = async_capture_events(hass, EVENT_SMS_SENT)
    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, recipients=NUMBERS, message="Storm warning")
    assert err.value.translation_key == "partially_sent_outcome_unknown"
    assert str(err.value) == (
        f"The SMS reached 0 of 52 recipients. It was not sent to these 50: "
        f"{', '.join(FIRST_BATCH)}. For these 2, it may have been sent (it was not sent again): "
        "0033612340050, 0033612340051. Cause: OVH refused the SMS (status 202): Invalid to"
    )
    assert events == []
    assert state_of(hass, CREDITS) == "unknown"


async def test_an_answer_without_credit_keeps_the_last_one(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """OVH's text answers may leave the credit out: the sensor keeps the last one known."""
    await set_up(hass, mock_config_entry, hourly_limit=0)
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await send_sms(hass, recipients=[ALICE], message="Hi")
    aioclient_mock.clear_requests()
    aioclient_mock.post(ENDPOINT, json={"status": 100, "SmsIds": ["2"]})
    await send_sms(hass, recipients=[ALICE], message="Hi")
    assert state_of(hass, CREDITS) == "1987"


async def test_a_send_that_ends_after_the_entry_was_deleted_leaves_no_file(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The account is gone: its late answer is not saved again."""
    await set_up(hass, mock_config_entry, hourly_limit=30)
    answered = asyncio.Event()
    send = await send_held_back(hass, aioclient_mock, answered)
    freezer.tick(2)  # the send's place in the hourly budget is saved
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=False)
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    assert f"{DOMAIN}.{mock_config_entry.entry_id}" not in hass_storage
    answered.set()
    await send
    freezer.tick(2)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{mock_config_entry.entry_id}" not in hass_storage


LAST_SMS = "sensor.sms_ab1234_1_last_sms"
AT = NOW + timedelta(hours=2)


def scheduled_at(hass: HomeAssistant, entity_id: str) -> Any:
    """Return the entity's scheduled_at attribute, None when it has none."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get("scheduled_at")


async def test_a_deferred_sms_is_scheduled_until_its_time(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Accepted for later: scheduled on Last SMS and the recipient's entity; sent at its time."""
    freezer.move_to(NOW)
    await set_up(hass, mock_config_entry, hourly_limit=30)
    aioclient_mock.post(ENDPOINT, json=SUCCESS)
    await send_sms(hass, recipients=["notify.alice"], message="Hi", deferred=AT.isoformat())
    assert (state_of(hass, "notify.alice"), state_of(hass, LAST_SMS)) == ("unknown", "unknown")
    assert scheduled_at(hass, "notify.alice") == AT
    assert scheduled_at(hass, LAST_SMS) == AT

    freezer.move_to(AT - timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert state_of(hass, LAST_SMS) == "unknown"
    freezer.move_to(AT)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert state_of(hass, "notify.alice") == AT.isoformat()
    assert state_of(hass, LAST_SMS) == AT.isoformat()
    assert scheduled_at(hass, "notify.alice") is None
    assert scheduled_at(hass, LAST_SMS) is None


async def test_a_deferred_sms_whose_time_passed_during_a_restart_is_sent_at_setup(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Saved as scheduled, its time passed while stopped: the entities record it once set up."""
    freezer.move_to(AT + timedelta(hours=1))
    hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"] = {
        "version": 1,
        "key": f"{DOMAIN}.{mock_config_entry.entry_id}",
        "data": {
            "credits_left": "12",
            "last_sent": NOW.isoformat(),
            "spent": [],
            "scheduled": [
                {"at": AT.isoformat(), "recipients": [ALICE], "sms_ids": ["1"]},
                {"at": "someday", "recipients": [ALICE], "sms_ids": ["2"]},
            ],
        },
    }
    await set_up(hass, mock_config_entry, hourly_limit=30)
    await hass.async_block_till_done()
    assert state_of(hass, LAST_SMS) == AT.isoformat()
    assert state_of(hass, "notify.alice") == (AT + timedelta(hours=1)).isoformat()
    assert scheduled_at(hass, "notify.alice") is None
