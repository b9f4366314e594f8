"""SMS text: line breaks, coding choice and exact segment counting.

GSM 03.38: the basic table costs 1 unit a character, the extension table 2
(an escape and the character). Any other character makes the whole message
UCS-2, where a character outside the Basic Multilingual Plane costs 2 units.
A single SMS carries 160 GSM or 70 UCS-2 units; a concatenated part 153 or 67,
and a character is never split across two parts.
"""

from __future__ import annotations

from .errors import EmptyMessageError, MessageTooLongError, UnsupportedCharactersError
from .models import EncodedMessage, SmsCoding

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

# OVH concatenates at most this many parts (one source: see the README).
MAX_SEGMENTS = 6
# Without noStop, OVH appends a STOP mention of this many characters.
STOP_MENTION_UNITS = 11


# A character beyond the Basic Multilingual Plane is a UTF-16 surrogate pair.
_BMP_END = 0xFFFF
_SINGLE = {SmsCoding.GSM7: 160, SmsCoding.UCS2: 70}
_PART = {SmsCoding.GSM7: 153, SmsCoding.UCS2: 67}


def normalize_line_breaks(text: str) -> str:
    r"""Turn \r\n and \n into the CR that OVH renders as a line break."""
    return text.replace("\r\n", "\r").replace("\n", "\r")


def is_gsm(text: str) -> bool:
    """Tell whether 7-bit GSM coding can carry the whole text."""
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def _units(char: str, coding: SmsCoding) -> int:
    if coding is SmsCoding.GSM7:
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > _BMP_END else 1


def count_segments(text: str, coding: SmsCoding, *, stop_mention: bool = False) -> int:
    """Count the SMS parts the text needs, never splitting a character.

    With stop_mention, the STOP mention OVH appends to commercial SMS counts too.
    """
    units = [_units(char, coding) for char in text]
    units.extend([1] * (STOP_MENTION_UNITS if stop_mention else 0))
    if sum(units) <= _SINGLE[coding]:
        return 1
    capacity = _PART[coding]
    segments, used = 1, 0
    for cost in units:
        if used + cost > capacity:
            segments, used = segments + 1, 0
        used += cost
    return segments


def encode_message(
    text: str,
    *,
    coding: SmsCoding | None = None,
    stop_mention: bool = False,
    max_segments: int = MAX_SEGMENTS,
) -> EncodedMessage:
    """Normalise the text, choose (or check) the coding and count its parts."""
    text = normalize_line_breaks(text)
    if not text.strip():
        raise EmptyMessageError
    gsm = is_gsm(text)
    if coding is None:
        coding = SmsCoding.GSM7 if gsm else SmsCoding.UCS2
    elif coding is SmsCoding.GSM7 and not gsm:
        unsupported = dict.fromkeys(c for c in text if c not in GSM_BASIC | GSM_EXTENSION)
        raise UnsupportedCharactersError("".join(unsupported))
    segments = count_segments(text, coding, stop_mention=stop_mention)
    if segments > max_segments:
        raise MessageTooLongError(segments, max_segments)
    return EncodedMessage(text=text, coding=coding, segments=segments)
