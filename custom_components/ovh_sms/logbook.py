"""The logbook's lines for alarms: each step of an alarm reads as a line of its trail.

"Alarm 47 sent to Alice", "Alarm 47 escalated to Bob", "Alarm 47 acknowledged
by Bob by SMS after 3 min 12 s". Home Assistant does not translate logbook
entries: they are in English, as core's are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_ALARM
from .notices import AlarmStep

# How an acknowledgement came, by the event's acknowledged_via.
ACKNOWLEDGED_VIA: Mapping[str, str] = {
    "sms": "by SMS",
    "action": "in Home Assistant",
    "alert": "through its alert",
}


def _duration(seconds: float) -> str:
    """Write a duration to the second, as people say it: 3 min 12 s, 1 h 5 s, 0 s."""
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = ((hours, "h"), (minutes, "min"), (rest, "s"))
    return " ".join(f"{value} {unit}" for value, unit in parts if value) or "0 s"


def _acknowledged(data: Mapping[str, Any]) -> str:
    """Who acknowledged, how, and how long after the alarm started."""
    words = ["acknowledged"]
    if who := data.get("acknowledged_by"):
        words.append(f"by {who}")
    if via := ACKNOWLEDGED_VIA.get(data.get("acknowledged_via") or ""):
        words.append(via)
    words.append(f"after {_duration(data['elapsed'])}")
    return " ".join(words)


def _recipient(data: Mapping[str, Any]) -> str:
    """Name the recipient of a step (its number when it is none of the account's), and the round.

    The round is told from the second on only: most alarms have one.
    """
    who = data.get("recipient") or data.get("number")
    round_number = data.get("round") or 1
    return f"{who} (round {round_number})" if round_number > 1 else f"{who}"


# The line of each step, after the alarm's name.
STEP_LINES: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    AlarmStep.STARTED: lambda _: "started",
    AlarmStep.SENT: lambda data: f"sent to {_recipient(data)}",
    AlarmStep.DELIVERED: lambda data: f"delivered to {_recipient(data)}",
    AlarmStep.ESCALATED: lambda data: f"escalated to {_recipient(data)}",
    AlarmStep.ACKNOWLEDGED: _acknowledged,
    AlarmStep.EXHAUSTED: lambda _: "exhausted: nobody acknowledged",
    AlarmStep.CANCELLED: lambda _: "cancelled",
}


def alarm_message(data: Mapping[str, Any]) -> str:
    """Write the line of one step; a step this version does not know reads as its name.

    Events stay in the recorder across versions, so the logbook may show older ones.
    """
    line = STEP_LINES.get(data["step"])
    return str(data["step"]) if line is None else line(data)


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the alarms' events to the logbook."""

    @callback
    def async_describe_alarm(event: Event) -> dict[str, str]:
        """Name the alarm by its code, the one its SMS and replies carry."""
        return {
            LOGBOOK_ENTRY_NAME: f"Alarm {event.data['code']}",
            LOGBOOK_ENTRY_MESSAGE: alarm_message(event.data),
        }

    async_describe_event(DOMAIN, EVENT_ALARM, async_describe_alarm)
