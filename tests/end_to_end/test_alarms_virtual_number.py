"""End to end, an alarm while the entry reads a virtual number.

The alarm goes from a number whose SMS are read, with the line that says how to
acknowledge it: the entry's sender when it is that virtual number, else the
short number when its replies are read, else the virtual number. Alice texting
"OK <code>" to it acknowledges the alarm at the next read, 15 s at most, since
that number is read often while the alarm is open.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from homeassistant.core import HomeAssistant
from tests.conftest import BOB, LoopbackSimulator, add_recipient

from .conftest import api_entry_on, set_up_api_entry_at, wait
from .test_alarms import MESSAGE, send_alarm, sent, trail

NUMBER = "33644000001"
ALICE_PHONE = "+33612345678"


async def alarm_from_the_number(
    hass: HomeAssistant, simulator: LoopbackSimulator, *, sender: str, replies: bool
) -> None:
    """Set the account up reading its virtual number, with this sender, Alice and Bob."""
    entry = api_entry_on(simulator, replies=replies, virtual_numbers={"numbers": [NUMBER]})
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "sender": sender})
    add_recipient(hass, entry, BOB, "Bob")
    await set_up_api_entry_at(hass, entry)


@pytest.mark.parametrize(
    ("sender", "replies"),
    [(f"+{NUMBER}", True), (f"+{NUMBER}", False), ("", False)],
    ids=["sender_with_short_replies", "sender_alone", "short_number_not_read"],
)
async def test_alice_acknowledges_by_texting_the_number(
    hass: HomeAssistant,
    simulator: LoopbackSimulator,
    freezer: FrozenDateTimeFactory,
    sender: str,
    replies: bool,  # noqa: FBT001 - a parameter of the test
) -> None:
    """The alarm from the virtual number, its line; Alice's "OK <code>" to it read within 15 s."""
    await alarm_from_the_number(hass, simulator, sender=sender, replies=replies)
    events = async_capture_events(hass, "ovh_sms_alarm")

    response: dict[str, Any] = await send_alarm(hass)
    code = response["code"]
    text = f"{MESSAGE}\rReply OK {code} to acknowledge"  # OVH takes \r for a new line
    assert sent(simulator) == [((ALICE_PHONE,), f"+{NUMBER}", text)]

    await wait(hass, freezer, 30)
    simulator.ovh.api.text(NUMBER, ALICE_PHONE, f"OK {code}")
    await wait(hass, freezer, 15)
    assert trail(events) == [
        ("started", "Alice", None, None),
        ("sent", "Alice", None, None),
        ("acknowledged", "Alice", "Alice", "sms"),
    ]
    assert len(simulator.ovh.sent) == 1


async def test_the_short_number_when_the_sender_is_not_read(
    hass: HomeAssistant, simulator: LoopbackSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An alpha sender, the short number's replies read: the alarm goes from the short number."""
    await alarm_from_the_number(hass, simulator, sender="", replies=True)
    response = await send_alarm(hass)
    text = f"{MESSAGE}\rReply OK {response['code']} to acknowledge"
    assert sent(simulator) == [((ALICE_PHONE,), "", text)]


async def test_from_the_number_even_when_sms_carry_the_stop_mention(
    hass: HomeAssistant, simulator: LoopbackSimulator
) -> None:
    """The entry asks for OVH's STOP mention, which a virtual number cannot add: the alarm goes."""
    entry = api_entry_on(
        simulator, replies=False, virtual_numbers={"numbers": [NUMBER]}, no_stop=False
    )
    await set_up_api_entry_at(hass, entry)
    response = await send_alarm(hass, recipients=["notify.alice"])
    text = f"{MESSAGE}\rReply OK {response['code']} to acknowledge"
    assert sent(simulator) == [((ALICE_PHONE,), f"+{NUMBER}", text)]
