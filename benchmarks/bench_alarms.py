"""Alarms: how soon a reply acknowledges one, polled and pushed; what an open alarm costs.

A real Home Assistant against the simulator on loopback, whose every request is
counted; Home Assistant's clock is frozen and moved a second at a time. Polled,
the reply reaches OVH at every second of the read interval in turn (just after
a read, then 1 s later, ...): the seconds until the acknowledged event are
counted on the frozen clock, and the wall time of the run that reads, tells and
acknowledges it is measured. Pushed, the simulator calls the entry's webhook
(Home Assistant's test server on loopback): the clock does not move, and the
wall time from the reply at OVH to the event is measured. Baselines, in the
same run: a reply to a plain SMS (ovh_sms_received, no alarm open: read every
minute), and the API calls an hour with no alarm open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
import logging
import statistics
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from freezegun import api as freezegun_api
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from benchmarks.measure import report
from custom_components.ovh_sms.const import DOMAIN, EVENT_ALARM, EVENT_RECEIVED
from custom_components.ovh_sms.replies import ALARM_REPLY_INTERVAL, REPLY_INTERVAL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component
from simulator import API_PATH, OvhSimulator
from tests.conftest import ACCOUNT, ALICE, PASSWORD, LoopbackSimulator, serving
from tests.end_to_end.conftest import api_entry_on, set_up_api_entry_at, wait

LIST_REPLIES = f"GET {API_PATH}/sms/{ACCOUNT}/incoming"
WEBHOOK_ID = "bench-alarms-webhook"
PUSHES = 20
# An alarm that neither escalates nor ends during the hour it is counted.
NEVER_WITHIN_THE_HOUR = {"hours": 2}
HOUR = 3600
HOUR_STEP = 5
FAIR_USE_PER_HOUR = 60 * 60


def wall_clock() -> float:
    """Give the real time.perf_counter: the frozen clock stops the patched one."""
    return freezegun_api.real_perf_counter()


@dataclass(frozen=True)
class CountedSimulator:
    """The simulator on loopback, and the requests it received, as "METHOD path"."""

    served: LoopbackSimulator
    requests: Counter[str]


@pytest.fixture
async def counted(socket_enabled: None) -> AsyncGenerator[CountedSimulator]:
    """Serve a simulated account with credit for every sample; count its requests."""
    requests: Counter[str] = Counter()

    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        requests[f"{request.method} {request.path}"] += 1
        return await handler(request)

    ovh = OvhSimulator(password=PASSWORD)
    ovh.credits *= 1000
    async with serving(ovh, count) as served:
        yield CountedSimulator(served, requests)


async def set_up(hass: HomeAssistant, counted: CountedSimulator, *, push: bool = False) -> None:
    """Set up an API keys entry on the simulator, replies on (and pushed), no hourly limit."""
    pushed = {"push": True, "webhook_id": WEBHOOK_ID} if push else {}
    await set_up_api_entry_at(hass, api_entry_on(counted.served, hourly_limit=0, **pushed))


def heard(hass: HomeAssistant, event_type: str, step: str | None = None) -> list[float]:
    """Give the list the wall time of each such event (of this alarm step) is appended to."""
    times: list[float] = []

    @callback
    def listener(event: Event[dict[str, Any]]) -> None:
        if step is None or event.data["step"] == step:
            times.append(wall_clock())

    hass.bus.async_listen(event_type, listener)
    return times


async def send_alarm(hass: HomeAssistant) -> dict[str, Any]:
    """Start an alarm to Alice that does not escalate meanwhile; give the action's response."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_alarm",
        {"message": "Leak!", "recipients": [ALICE], "escalate_after": NEVER_WITHIN_THE_HOUR},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def start_alarm(hass: HomeAssistant) -> tuple[str, str]:
    """Start an alarm to Alice; give its SMS id and the answer that acknowledges it."""
    response = await send_alarm(hass)
    [sms_id] = response["sms_ids"]
    return sms_id, f"OK {response['code']}"


async def send_sms(hass: HomeAssistant) -> tuple[str, str]:
    """Send Alice a plain SMS; give its id and what she answers."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"message": "Are you home?", "recipients": [ALICE]},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    [sms_id] = response["sms_ids"]
    return sms_id, "Yes"


type Start = Callable[[HomeAssistant], Awaitable[tuple[str, str]]]


async def tick_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, done: Callable[[], bool]
) -> tuple[int, float]:
    """Move the clock a second at a time until done; give the seconds, the last one's wall time."""
    seconds, wall = 0, 0.0
    while not done():
        assert seconds <= REPLY_INTERVAL.total_seconds()
        start = wall_clock()
        await wait(hass, freezer, 1)
        wall = wall_clock() - start
        seconds += 1
    return seconds, wall


async def polled(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    counted: CountedSimulator,
    start: Start,
    *,
    answered: list[float],
    interval: timedelta,
) -> tuple[list[int], list[float]]:
    """Answer at each second of the read interval in turn; give the seconds and wall times."""
    seconds, walls = [], []
    for phase in range(int(interval.total_seconds())):
        sms_id, answer = await start(hass)
        # The phone has it: once read, no delivery read runs beside the replies'.
        counted.served.ovh.api.set_delivery(int(sms_id), "delivered")
        reads = counted.requests[LIST_REPLIES]
        await tick_until(hass, freezer, lambda n=reads: counted.requests[LIST_REPLIES] > n)
        if phase:
            await wait(hass, freezer, phase)
        counted.served.ovh.api.reply(int(sms_id), answer)
        told = len(answered)
        waited, wall = await tick_until(hass, freezer, lambda n=told: len(answered) > n)
        seconds.append(waited)
        walls.append(wall)
    return seconds, walls


async def bench_a_polled_reply_acknowledges(
    hass: HomeAssistant, counted: CountedSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Seconds from the reply at OVH to the acknowledgement, read every 15 s; its processing."""
    await set_up(hass, counted)
    acknowledged = heard(hass, EVENT_ALARM, "acknowledged")
    received = heard(hass, EVENT_RECEIVED)

    alarm_seconds, alarm_walls = await polled(
        hass, freezer, counted, start_alarm, answered=acknowledged, interval=ALARM_REPLY_INTERVAL
    )
    plain_seconds, plain_walls = await polled(
        hass, freezer, counted, send_sms, answered=received, interval=REPLY_INTERVAL
    )
    mean_alarm, mean_plain = statistics.mean(alarm_seconds), statistics.mean(plain_seconds)
    print(
        f"\nBENCH polled: reply at OVH to acknowledged, simulated: mean {mean_alarm:.1f} s, "
        f"max {max(alarm_seconds)} s vs a plain reply (no alarm open) mean {mean_plain:.1f} s, "
        f"max {max(plain_seconds)} s = {mean_alarm / mean_plain:.2f}x"
    )
    report(
        "polled: the read that acknowledges (median wall time)",
        statistics.median(alarm_walls),
        statistics.median(plain_walls),
        "baseline: the read that tells a plain reply",
    )


async def bench_a_pushed_reply_acknowledges(
    hass: HomeAssistant,
    counted: CountedSimulator,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Wall time from the reply at OVH, pushed to the webhook, to the acknowledgement."""
    # No access log on the webhook's server: its time stamps fail under a frozen clock.
    caplog.set_level(logging.WARNING, logger="aiohttp.access")
    assert await async_setup_component(hass, "http", {})
    await set_up(hass, counted, push=True)
    client = await hass_client_no_auth()
    api = counted.served.ovh.api
    api.set_push("", str(client.make_url(f"/api/webhook/{WEBHOOK_ID}")))
    acknowledged = heard(hass, EVENT_ALARM, "acknowledged")
    received = heard(hass, EVENT_RECEIVED)

    async def pushed(sms_id: str, answer: str, told: list[float]) -> float:
        api.set_delivery(int(sms_id), "delivered")
        before = len(told)
        start = wall_clock()
        api.reply(int(sms_id), answer)
        await api.pusher.wait()
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(told) == before + 1
        return told[-1] - start

    alarm, plain = [], []
    for _ in range(PUSHES):
        alarm.append(await pushed(*await start_alarm(hass), acknowledged))
        plain.append(await pushed(*await send_sms(hass), received))
    assert all(call.ok for call in api.pusher.calls)
    report(
        "pushed: reply at OVH to acknowledged, 0 s simulated (median wall time)",
        statistics.median(alarm),
        statistics.median(plain),
        "baseline: a plain reply pushed, to ovh_sms_received",
    )


async def bench_api_calls_an_hour_while_an_alarm_is_open(
    hass: HomeAssistant, counted: CountedSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Count the requests OVH receives in an hour with one alarm open, and with none open."""
    await set_up(hass, counted)

    async def an_hour() -> Counter[str]:
        before = counted.requests.copy()
        for _ in range(HOUR // HOUR_STEP):
            await wait(hass, freezer, HOUR_STEP)
        return counted.requests - before

    idle = (await an_hour()).total()
    before = counted.requests.copy()
    response = await send_alarm(hass)
    [sms_id] = response["sms_ids"]
    counted.served.ovh.api.set_delivery(int(sms_id), "delivered")  # as most are
    await an_hour()
    with_alarm = counted.requests - before
    total = with_alarm.total()
    print(
        f"\nBENCH API calls an hour, one alarm open: {total} vs none open {idle} = "
        f"{total / idle:.2f}x ({with_alarm[LIST_REPLIES]} reads of the replies; "
        f"OVH's fair use, ~{FAIR_USE_PER_HOUR} an hour: {total / FAIR_USE_PER_HOUR:.3f}x)"
    )
    await hass.services.async_call(
        DOMAIN, "cancel_alarm", {"alarm_id": response["alarm_id"]}, blocking=True
    )
