"""Text your house: SMS of allowed recipients go to Assist, or become keyword events, at most once.

Each incoming SMS (read from OVH, or pushed and confirmed there) is claimed and
saved as handled before anything acts on it (command_guard.py). One that
acknowledges an open alarm, or confirms the drill, is no command. Then, in
this order, it is not acted on when its sender is no recipient allowed to
talk to the house, when it is older than MAX_AGE (an outage, a first read),
when the PIN is set and it does not start with it, when it is OVH's opt-out
(STOP), or when its sender gave the hour's commands already. Else its first
word, if it is one of the keywords, is fired as that event type by the event
entity; any other text goes to the options' Assist agent (one
conversation per sender, in the recipient's language, else Home Assistant's)
and the answer, cut to ANSWER_PARTS SMS parts, goes back to the sender only,
from the number that received it, within the daily cap of answers. Every
outcome fires ovh_sms_command. The PIN is in no event, log or diagnostics.
"""

from __future__ import annotations

from datetime import timedelta
import re
import sys
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceNotFound
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.util import dt as dt_util
from homeassistant.util.signal_type import SignalType

from .alarms import AlarmKeeper
from .command_guard import CommandGuard
from .command_options import OPT_OUT, command_settings, without_pin
from .const import (
    CONF_LANGUAGE,
    CONF_MAY_COMMAND,
    CONF_PHONE_NUMBER,
    DOMAIN,
    EVENT_COMMAND,
    LOGGER,
    SUBENTRY_RECIPIENT,
)
from .drill import DrillKeeper
from .gateway import OvhSmsGateway
from .notices import ReceivedSms, signal_received
from .ovhsms import SmsCoding, count_segments, encode_message
from .sms_options import ChosenOptions, SmsOptions

CONVERSATION: Final = "conversation"
# An SMS older than this when first seen is told (events) but never acted on.
MAX_AGE: Final = timedelta(minutes=5)
ANSWER_PARTS: Final = 2
# A first word, without the punctuation around it: "Disarm!" is disarm.
_FIRST_WORD: Final = re.compile(r"\W*([^\W_]+)")


def signal_keyword(entry_id: str) -> SignalType[str, ReceivedSms]:
    """Dispatcher signal of an SMS that is one of the keywords: the keyword, the SMS."""
    return SignalType(f"{DOMAIN}_{entry_id}_keyword")


def _unusable(text: str) -> str | None:
    """Say why a command's text is none (empty, or OVH's opt-out), else None."""
    if not text:
        return "empty"
    return "opted_out" if text.upper() == OPT_OUT else None


def cut_to_parts(text: str, coding: SmsCoding | None, *, stop_mention: bool) -> str:
    """Cut the text so that it takes ANSWER_PARTS SMS parts at most."""
    encoded = encode_message(
        text, coding=coding, stop_mention=stop_mention, max_segments=sys.maxsize
    )
    text = encoded.text
    while count_segments(text, encoded.coding, stop_mention=stop_mention) > ANSWER_PARTS:
        text = text[:-1]
    return text


class CommandListener:
    """Acts on the incoming SMS of one loaded entry, each at most once."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        gateway: OvhSmsGateway,
        guard: CommandGuard,
        *,
        alarms: AlarmKeeper,
        drill: DrillKeeper,
    ) -> None:
        """Answer through this gateway; claim and count with this guard.

        What answers an open alarm or a drill is theirs (alarms, drill).
        """
        self.hass = hass
        self.entry = entry
        self._gateway = gateway
        self._guard = guard
        self._alarms = alarms
        self._drill = drill
        self._settings = command_settings(entry)

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen to the entry's incoming SMS; give what stops it."""
        return async_dispatcher_connect(
            self.hass, signal_received(self.entry.entry_id), self._received
        )

    @callback
    def _received(self, received: ReceivedSms) -> None:
        """Claim an SMS that may be a command, at once; act on it in a task of its own.

        The task outlives a reload: an agent's answer on its way is sent once.
        """
        if (
            not self._settings.on
            or self._alarms.acknowledges(received)
            or self._drill.confirms(received)
        ):
            return
        if not self._guard.claim(received.receiver, received.sms_id):
            LOGGER.debug("SMS %s was handled already: not acted on again", received.sms_id)
            return
        self.hass.async_create_background_task(
            self._async_handle(received), f"{DOMAIN} command {received.sms_id}"
        )

    async def _async_handle(self, received: ReceivedSms) -> None:
        """Save the SMS as handled, then act on it or say why not."""
        await self._guard.async_save()
        settings = self._settings
        event = _CommandEvent(self.hass, self.entry, received)
        now = dt_util.utcnow()
        received_at = dt_util.parse_datetime(received.received_at) or now
        if (recipient := self._allowed(received.sender)) is None:
            event.fire(not_acted_on="not_allowed")
            return
        event.data["recipient"] = recipient.title
        if now - received_at > MAX_AGE:
            event.fire(not_acted_on="too_old")
            return
        message = received.message
        text = without_pin(settings.pin, message) if settings.pin else message.strip()
        if text is None:
            event.fire(not_acted_on="wrong_pin")
            return
        event.data["text"] = text
        if (unusable := _unusable(text)) is not None:
            event.fire(not_acted_on=unusable)
            return
        counted = self._guard.count_command(received.sender, settings.per_sender_hourly, now)
        await self._guard.async_save()
        if not counted:
            event.fire(not_acted_on="rate_limited")
            return
        if (found := _FIRST_WORD.match(text)) and (word := found[1].lower()) in settings.keywords:
            event.data["keyword"] = word
            async_dispatcher_send(self.hass, signal_keyword(self.entry.entry_id), word, received)
            event.fire()
            return
        await self._async_converse(event, text, recipient.data.get(CONF_LANGUAGE) or None)

    def _allowed(self, sender: str) -> ConfigSubentry | None:
        """Give the recipient whose number sent the SMS, if it may talk to the house."""
        return next(
            (
                subentry
                for subentry in self.entry.subentries.values()
                if subentry.subentry_type == SUBENTRY_RECIPIENT
                and subentry.data.get(CONF_PHONE_NUMBER) == sender
                and subentry.data.get(CONF_MAY_COMMAND, False)
            ),
            None,
        )

    async def _async_converse(self, event: _CommandEvent, text: str, language: str | None) -> None:
        """Have the agent answer, and send the answer to the sender within the daily cap."""
        settings = self._settings
        sender = event.received.sender
        if settings.agent_id is None:
            event.fire(not_acted_on="no_agent")
            return
        counted = self._guard.count_answer(settings.daily_answers, dt_util.utcnow())
        await self._guard.async_save()
        if not counted:
            event.fire(not_acted_on="daily_cap")
            return
        asked = {"text": text, "agent_id": settings.agent_id}
        if language:
            asked["language"] = language
        if conversation_id := self._guard.conversations.get(sender):
            asked["conversation_id"] = conversation_id
        try:
            result = await self.hass.services.async_call(
                CONVERSATION, "process", asked, blocking=True, return_response=True
            )
        except ServiceNotFound:  # Assist is not set up
            event.fire(not_acted_on="no_agent")
            return
        except (HomeAssistantError, vol.Invalid) as err:  # the agent chosen is gone
            LOGGER.warning("Assist did not take SMS %s: %s", event.received.sms_id, err)
            event.fire(not_acted_on="no_agent", error=str(err))
            return
        answer: dict[str, Any] = dict(result or {})
        if conversation_id := answer.get("conversation_id"):
            self._guard.conversations[sender] = conversation_id
        speech = str(
            answer.get("response", {}).get("speech", {}).get("plain", {}).get("speech", "")
        ).strip()
        if not speech:
            event.fire(not_acted_on="no_answer")
            return
        await self._async_answer(event, speech)

    async def _async_answer(self, event: _CommandEvent, speech: str) -> None:
        """Send the answer, cut to ANSWER_PARTS, to the sender from the number that received."""
        received = event.received
        # The short number (empty sender) when OVH's short number received the SMS. An
        # answer asked for is no commercial SMS: no STOP mention (a virtual number refuses it).
        options = SmsOptions(sender=received.receiver or "", no_stop=True)
        fields = ChosenOptions(options, self.entry).fields()
        answer = cut_to_parts(speech, fields["coding"], stop_mention=not fields["no_stop"])
        event.data["answer"] = answer
        try:
            result = await self._gateway.async_send([received.sender], answer, options)
        except HomeAssistantError as err:
            LOGGER.warning("The answer to SMS %s was not sent: %s", received.sms_id, err)
            event.fire(not_acted_on="answer_failed", error=str(err))
            return
        event.fire(
            answer_sms_ids=list(result.sms_ids),
            answer_parts=result.segments,
            credits_removed=float(result.credits_removed)
            if result.credits_removed is not None
            else None,
        )


class _CommandEvent:
    """The ovh_sms_command event of one SMS, filled as it is handled."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, received: ReceivedSms) -> None:
        self.hass = hass
        self.received = received
        self.data: dict[str, Any] = {
            "config_entry_id": entry.entry_id,
            "sms_id": received.sms_id,
            "sender": received.sender,
            "receiver": received.receiver,
            "recipient": None,
            "text": None,
            "keyword": None,
            "answer": None,
            "answer_sms_ids": [],
            "answer_parts": 0,
            "credits_removed": None,
            "not_acted_on": None,
            "error": None,
        }

    def fire(self, **data: object) -> None:
        """Fire the event with what is known."""
        self.hass.bus.async_fire(EVENT_COMMAND, {**self.data, **data})
