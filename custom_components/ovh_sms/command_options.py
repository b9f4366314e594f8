"""The options of commands by SMS, read in one place, and the PIN kept out of what is shown.

The options live in the "commands" section of the entry's options (their
defaults in const.DEFAULT_COMMANDS). The PIN is masked wherever an SMS holds it,
in every event and in the event entity, and the options form never suggests it
back: it is shown nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
import re
from types import MappingProxyType
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers.selector import (
    BooleanSelector,
    ConversationAgentSelector,
    LanguageSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .const import (
    CONF_AGENT,
    CONF_COMMANDS,
    CONF_DAILY_ANSWERS,
    CONF_KEYWORDS,
    CONF_LANGUAGE,
    CONF_MAY_COMMAND,
    CONF_PIN,
    CONF_SENDER_HOURLY,
    DEFAULT_COMMANDS,
    MODE_API,
    entry_mode,
)
from .notices import ReceivedSms

# What a PIN shows as in the events and the event entity.
PIN_MASK: Final = "****"
# A keyword or a PIN: one word of letters and digits.
WORD: Final = re.compile(r"[^\W_]+")
PIN_LENGTH: Final = range(4, 13)
MAX_KEYWORDS: Final = 20
# An SMS's first word (what a PIN is compared with), and the text after it.
_STARTING_WORD: Final = re.compile(r"\W*(\w+)\W*(.*)", re.DOTALL)
# OVH's opt-out: the sender is on the account's STOP list now, and hears nothing more.
OPT_OUT: Final = "STOP"
# The event type every SMS fires, and the opt-out (never a command): no keyword may take them.
RESERVED_KEYWORDS: Final = frozenset({"received", OPT_OUT.lower()})
# The form's "remove the PIN" switch: an order, never saved.
REMOVE_PIN: Final = "remove_pin"

# The "commands" section of the options form (API keys).
COMMANDS_FORM: Final[Mapping[vol.Marker, Any]] = MappingProxyType(
    {
        vol.Optional(CONF_AGENT): ConversationAgentSelector(),
        vol.Optional(CONF_PIN): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
        vol.Optional(REMOVE_PIN, default=False): BooleanSelector(),
        vol.Optional(CONF_KEYWORDS): TextSelector(TextSelectorConfig(multiple=True)),
        vol.Required(CONF_SENDER_HOURLY): NumberSelector(
            NumberSelectorConfig(min=1, max=100, step=1, mode=NumberSelectorMode.BOX)
        ),
        vol.Required(CONF_DAILY_ANSWERS): NumberSelector(
            NumberSelectorConfig(min=0, max=1000, step=1, mode=NumberSelectorMode.BOX)
        ),
    }
)

# A recipient's part of commands by SMS, in the recipient form.
RECIPIENT_FORM: Final[Mapping[vol.Marker, Any]] = MappingProxyType(
    {
        vol.Optional(CONF_MAY_COMMAND, default=False): BooleanSelector(),
        vol.Optional(CONF_LANGUAGE): LanguageSelector(),
    }
)


def recipient_form(entry: ConfigEntry) -> Mapping[vol.Marker, Any]:
    """Give the recipient form's commands part: only an API-keys entry reads incoming SMS."""
    return RECIPIENT_FORM if entry_mode(entry) == MODE_API else {}


def recipient_command_data(
    entry: ConfigEntry, user_input: Mapping[str, Any], saved: Mapping[str, Any]
) -> dict[str, Any]:
    """Give what a recipient saves of the recipient form's commands part.

    An SMS-user entry's form has none: what the recipient had saved stays.
    """
    if entry_mode(entry) != MODE_API:
        return {key: saved[key] for key in (CONF_MAY_COMMAND, CONF_LANGUAGE) if key in saved}
    data: dict[str, Any] = {CONF_MAY_COMMAND: bool(user_input.get(CONF_MAY_COMMAND))}
    if language := user_input.get(CONF_LANGUAGE):
        data[CONF_LANGUAGE] = language
    return data


def pin_change(
    user_input: dict[str, Any], earlier: tuple[str, bool] | None
) -> tuple[str, bool] | None:
    """Keep the PIN typed or removed across a form shown again for another field's error.

    The form never shows a PIN back, nor the "remove the PIN" switch once read:
    a submit that leaves both untouched takes the change the earlier one made.
    Gives the change to remember (the PIN typed, whether it is removed).
    """
    if (commands := user_input.get(CONF_COMMANDS)) is None:
        return earlier
    pin = str(commands.get(CONF_PIN) or "").strip()
    if pin or commands.get(REMOVE_PIN):
        return pin, bool(commands.get(REMOVE_PIN))
    if earlier is not None:
        commands[CONF_PIN], commands[REMOVE_PIN] = earlier
    return earlier


def commands_form_errors(user_input: dict[str, Any], entry: ConfigEntry) -> dict[str, str]:
    """Check and normalise the commands section of the options (keywords in lower case).

    The form never shows the saved PIN: left empty, it is kept, unless the
    "remove the PIN" switch is on; a PIN typed replaces it.
    """
    if (commands := user_input.get(CONF_COMMANDS)) is None:
        return {}
    errors: dict[str, str] = {}
    remove_pin = bool(commands.pop(REMOVE_PIN, False))
    pin = str(commands.get(CONF_PIN) or "").strip()
    if pin and not (WORD.fullmatch(pin) and len(pin) in PIN_LENGTH):
        errors[CONF_PIN] = "invalid_pin"
    if not pin and not remove_pin:
        pin = command_settings(entry).pin
    keywords = list(dict.fromkeys(k.strip().lower() for k in commands.get(CONF_KEYWORDS, [])))
    keywords = [keyword for keyword in keywords if keyword]
    if len(keywords) > MAX_KEYWORDS or any(
        not WORD.fullmatch(keyword) or keyword in RESERVED_KEYWORDS for keyword in keywords
    ):
        errors[CONF_KEYWORDS] = "invalid_keywords"
    user_input[CONF_COMMANDS] = {
        **commands,
        CONF_PIN: pin,
        CONF_KEYWORDS: keywords,
        CONF_SENDER_HOURLY: int(commands[CONF_SENDER_HOURLY]),
        CONF_DAILY_ANSWERS: int(commands[CONF_DAILY_ANSWERS]),
    }
    return errors


@dataclass(frozen=True, slots=True)
class CommandSettings:
    """The options of commands by SMS; repr() leaves the PIN out."""

    agent_id: str | None
    pin: str = field(repr=False)
    keywords: tuple[str, ...]
    per_sender_hourly: int
    daily_answers: int

    @property
    def on(self) -> bool:
        """Whether any SMS may be acted on: an agent or keywords are set."""
        return bool(self.agent_id or self.keywords)


def command_settings(entry: ConfigEntry) -> CommandSettings:
    """Read the entry's options of commands by SMS, each one not set taking its default."""
    options = {**DEFAULT_COMMANDS, **entry.options.get(CONF_COMMANDS, {})}
    return CommandSettings(
        agent_id=options.get(CONF_AGENT) or None,
        pin=options[CONF_PIN],
        keywords=tuple(options[CONF_KEYWORDS]),
        per_sender_hourly=int(options[CONF_SENDER_HOURLY]),
        daily_answers=int(options[CONF_DAILY_ANSWERS]),
    )


def without_saved_pin(options: Mapping[str, Any]) -> dict[str, Any]:
    """Give the options the form suggests: the PIN left out, so it never reaches a browser."""
    if (commands := options.get(CONF_COMMANDS)) is None:
        return dict(options)
    return {**options, CONF_COMMANDS: {k: v for k, v in commands.items() if k != CONF_PIN}}


def without_pin(pin: str, text: str) -> str | None:
    """Give the text after the PIN it starts with; None when it does not start with it.

    White space or punctuation ends the PIN: "1234, turn on", or a PIN on a line of its own.
    """
    found = _STARTING_WORD.match(text)
    if found is None or found[1] != pin:
        return None
    return found[2].strip()


def masked(entry: ConfigEntry, received: ReceivedSms) -> dict[str, Any]:
    """Give an SMS as events and the event entity show it: the PIN masked wherever it is."""
    data = asdict(received)
    if pin := command_settings(entry).pin:
        data["message"] = received.message.replace(pin, PIN_MASK)
    return data
