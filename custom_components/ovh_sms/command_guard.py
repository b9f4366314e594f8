"""What keeps commands by SMS safe, saved at once: each SMS acted on once, and the limits.

An incoming SMS is claimed (in memory, at once) and saved before anything acts
on it, by the number that received it and its id (OVH may number the short
number's and each virtual number's SMS apart), so a restart, a reload, a poll
racing a push or OVH listing it twice never acts on it again. Each sender's
commands of the last hour and the day's answers are saved too, so a restart
resets no limit. One guard per entry, kept across reloads (kept.py); the
conversations go on while Home Assistant runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, NotRequired, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .kept import KeptKind, entry_id_of, kept_store

# Ids remembered, the newest: far more than OVH lists at once.
HANDLED_KEPT: Final = 5000
SENDER_WINDOW: Final = timedelta(hours=1)


class StoredGuard(TypedDict):
    """What is saved: the SMS ids handled, each sender's recent commands, the day's answers.

    handled holds the short number's ids (all there was before virtual numbers),
    handled_by_number the ids of each virtual number.
    """

    handled: list[str]
    handled_by_number: NotRequired[dict[str, list[str]]]
    commands: dict[str, list[str]]
    answers_day: str
    answers: int


class CommandGuard:
    """The SMS of one entry already handled, and what the limits counted."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is handled until loaded."""
        self.store: Store[StoredGuard] = kept_store(hass, entry_id, "commands")
        # (the virtual number that received it, None for the short number; its id)
        self._handled: dict[tuple[str | None, str], None] = {}
        self._commands: dict[str, list[datetime]] = {}
        self._answers_day = ""
        self._answers = 0
        # The Assist conversation of each sender, for follow-up questions.
        self.conversations: dict[str, str] = {}

    async def async_load(self) -> None:
        """Take up what was handled and counted before a restart."""
        if (stored := await self.store.async_load()) is not None:
            self._handled = dict.fromkeys((None, sms_id) for sms_id in stored["handled"])
            self._handled.update(
                dict.fromkeys(
                    (number, sms_id)
                    for number, ids in stored.get("handled_by_number", {}).items()
                    for sms_id in ids
                )
            )
            self._commands = {
                sender: [dt_util.parse_datetime(at) or dt_util.utcnow() for at in times]
                for sender, times in stored["commands"].items()
            }
            self._answers_day = stored["answers_day"]
            self._answers = stored["answers"]

    def claim(self, receiver: str | None, sms_id: str) -> bool:
        """Take an SMS as handled; False when it was already (nothing may act on it again)."""
        if (key := (receiver, sms_id)) in self._handled:
            return False
        self._handled[key] = None
        return True

    def count_command(self, sender: str, limit: int, now: datetime) -> bool:
        """Count a command of this sender; False when the last hour holds limit already."""
        recent = [at for at in self._commands.get(sender, []) if now - at < SENDER_WINDOW]
        if len(recent) >= limit:
            self._commands[sender] = recent
            return False
        self._commands[sender] = [*recent, now]
        return True

    def count_answer(self, cap: int, now: datetime) -> bool:
        """Count an answer of today (local time); False when cap answers went today already."""
        day = dt_util.as_local(now).date().isoformat()
        if day != self._answers_day:
            self._answers_day, self._answers = day, 0
        if self._answers >= cap:
            return False
        self._answers += 1
        return True

    async def async_remove(self) -> None:
        """Delete what was saved: the entry was deleted."""
        await self.store.async_remove()

    async def async_save(self) -> None:
        """Save now, not later: what was claimed or counted must survive a crash."""
        now = dt_util.utcnow()
        short_number: list[str] = []
        by_number: dict[str, list[str]] = {}
        for receiver, sms_id in list(self._handled)[-HANDLED_KEPT:]:
            if receiver is None:
                short_number.append(sms_id)
            else:
                by_number.setdefault(receiver, []).append(sms_id)
        await self.store.async_save(
            {
                "handled": short_number,
                "handled_by_number": by_number,
                "commands": {
                    sender: [at.isoformat() for at in times if now - at < SENDER_WINDOW]
                    for sender, times in self._commands.items()
                },
                "answers_day": self._answers_day,
                "answers": self._answers,
            }
        )


GUARDS: KeptKind[ConfigEntry, CommandGuard] = KeptKind(
    "command_guards", lambda hass, entry: CommandGuard(hass, entry.entry_id), entry_id_of
)
# Give the entry's guard, loading it the first time in this run of Home Assistant.
async_get_guard = GUARDS.async_get
# Delete what the entry's guard saved: the entry was deleted.
async_forget_guard = GUARDS.async_forget
