"""End to end, an alarm with API keys: the simulator plays OVH and Alice's and Bob's phones.

Alice gets the alarm SMS, from the short number, with the line that says how to
acknowledge it; nobody answers, so Bob gets it 2 minutes later; Bob presses the
simulator's "Answer OK <code>" button; the next read of replies acknowledges the
alarm and turns its alert off, and nothing is sent after that. A delivery report
"failed" for Alice's SMS escalates to Bob at once.
"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession
from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ovh_sms.const import DOMAIN
from homeassistant.core import Event, HomeAssistant
from homeassistant.setup import async_setup_component
from simulator import ENDPOINT_PATH
from tests.conftest import BOB, LoopbackSimulator, add_recipient, state_of

from .conftest import api_entry_on, set_up_api_entry_at, wait

MESSAGE = "Water leak in the cellar"
LEAK = "binary_sensor.cellar_leak"
ALERT = "alert.cellar_leak"


async def alice_and_bob(hass: HomeAssistant, simulator: LoopbackSimulator) -> MockConfigEntry:
    """Set up an API keys account on the simulator, replies on, with Alice and Bob."""
    entry = api_entry_on(simulator)
    entry.add_to_hass(hass)
    add_recipient(hass, entry, BOB, "Bob")
    return await set_up_api_entry_at(hass, entry)


async def leak_alert(hass: HomeAssistant) -> None:
    """Set up Home Assistant's alert on the leak sensor, as YAML does, and make it fire."""
    assert await async_setup_component(
        hass,
        "alert",
        {
            "alert": {
                "cellar_leak": {
                    "name": "Cellar leak",
                    "entity_id": LEAK,
                    "repeat": 30,
                    "can_acknowledge": True,
                }
            }
        },
    )
    hass.states.async_set(LEAK, "on")
    await hass.async_block_till_done()
    assert state_of(hass, ALERT) == "on"


async def send_alarm(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Alarm Alice then Bob, escalating after 2 minutes; give the action's response."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_alarm",
        {"message": MESSAGE, "recipients": ["notify.alice", "notify.bob"], "escalate_after": 120}
        | data,
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


def trail(events: list[Event[Any]]) -> list[tuple[str, str | None, str | None, str | None]]:
    """Each ovh_sms_alarm's step, recipient, and who acknowledged and how."""
    return [
        (
            e.data["step"],
            e.data["recipient"],
            e.data["acknowledged_by"],
            e.data["acknowledged_via"],
        )
        for e in events
    ]


def sent(simulator: LoopbackSimulator) -> list[tuple[tuple[str, ...], str, str]]:
    """Each SMS the simulator sent: its recipients, its sender ("": the short number), its text."""
    return [(sms.recipients, sms.sender, sms.message) for sms in simulator.ovh.sent]


async def answer_from_the_page(simulator: LoopbackSimulator, sms_id: str, answer: str) -> None:
    """Press the page's one-click answer of an SMS, which the page must offer."""
    base = simulator.endpoint.removesuffix(ENDPOINT_PATH)
    async with ClientSession() as browser:
        async with browser.get(f"{base}/") as page:
            html = await page.text()
        form = f'name=id value={sms_id}><input type=hidden name=message value="{answer}">'
        assert f"{form}<button>Answer {answer}</button>" in html
        async with browser.post(
            f"{base}/api/reply",
            data={"id": sms_id, "message": answer},
            allow_redirects=False,
        ) as posted:
            assert posted.status == 303


async def test_escalated_to_bob_whose_reply_acknowledges(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Alice, then Bob after 2 minutes; Bob's "OK <code>" ends it and the alert, and all SMS."""
    await alice_and_bob(hass, simulator)
    await leak_alert(hass)
    events = async_capture_events(hass, "ovh_sms_alarm")

    response = await send_alarm(hass, alert_entity=ALERT)
    code = response["code"]
    text = f"{MESSAGE}\rReply OK {code} to acknowledge"  # OVH takes \r for a new line
    assert sent(simulator) == [(("+33612345678",), "", text)]
    assert response["sms_ids"] == list(simulator.ovh.sent[0].sms_ids)

    await wait(hass, freezer, 119)
    assert len(simulator.ovh.sent) == 1
    await wait(hass, freezer, 1)
    assert sent(simulator)[1:] == [(("+33698765432",), "", text)]
    [bob_sms_id] = simulator.ovh.sent[1].sms_ids

    await answer_from_the_page(simulator, bob_sms_id, f"OK {code}")
    assert trail(events)[-1] == ("sent", "Bob", None, None)
    await wait(hass, freezer, 15)  # replies are read every 15 s while an alarm is open
    assert trail(events) == [
        ("started", "Alice", None, None),
        ("sent", "Alice", None, None),
        ("escalated", "Bob", None, None),
        ("sent", "Bob", None, None),
        ("acknowledged", "Bob", "Bob", "sms"),
    ]
    assert {e.data["alarm_id"] for e in events} == {response["alarm_id"]}
    assert state_of(hass, ALERT) == "off"

    for _ in range(10):
        await wait(hass, freezer, 60)
    assert len(simulator.ovh.sent) == 2
    assert len(events) == 5
    hass.states.async_set(LEAK, "off")  # the leak mended: the alert stops its own timer
    await hass.async_block_till_done()


async def test_a_failed_delivery_escalates_at_once(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Alice's phone reports failed: Bob gets the SMS at the next read, long before 2 minutes."""
    await alice_and_bob(hass, simulator)
    events = async_capture_events(hass, "ovh_sms_alarm")
    response = await send_alarm(hass)
    [alice_sms_id] = response["sms_ids"]

    simulator.ovh.api.set_delivery(int(alice_sms_id), "failed")
    await wait(hass, freezer, 20)  # the first read of an SMS's delivery
    assert [sms.recipients for sms in simulator.ovh.sent] == [("+33612345678",), ("+33698765432",)]
    assert trail(events) == [
        ("started", "Alice", None, None),
        ("sent", "Alice", None, None),
        ("escalated", "Bob", None, None),
        ("sent", "Bob", None, None),
    ]
    assert [e.data["elapsed"] for e in events[2:]] == [20, 20]
