"""How many SMS a message costs at OVH, worked out here from OVH's guides alone.

The simulator is a witness for the integration, so it shares none of its code:
it codes the text the way an SMS centre does (GSM 03.38 septets or UCS-2 code
units), then cuts the coded message into SMS. Sources, in ../shared/seeds/:

- the http2sms guide (000_15b454dd41dca6b1.txt): ``smsCoding`` 1 is 7-bit,
  2 Unicode, "70 caractères maximum contre 160 sur l'encodage 7bit"; without
  ``noStop=1`` OVH shows a STOP mention "à la fin du message";
- the REST guide (002_d09bdd0ccde5f5e5.txt): the STOP mention "contient 11
  caractères", so a commercial SMS holds 149 GSM or 59 Unicode characters, and
  153 per SMS from the second on ("7bits (norme GSM 03.38)").

Not in OVH's guides, taken from GSM 03.38 / 03.40 themselves: the two tables
below, the 6-octet header of a concatenated part, an escape sequence or a
UTF-16 surrogate pair kept whole in one part. Not documented anywhere (the
simulator's assumption): with ``smsCoding=1`` a character outside both tables
goes out as one septet (``?``), as SMS centres substitute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Final


class SmsCoding(IntEnum):
    """OVH's ``smsCoding`` parameter (the http2sms guide: 1 = 7 bit, 2 = Unicode)."""

    GSM7 = 1
    UCS2 = 2


# GSM 03.38 default alphabet, one row per 16 codes (0x00-0x7F). Code 0x1B is not a
# character: it escapes to the extension table.
ESCAPE: Final = 0x1B
GSM_BASIC_TABLE: Final = (
    "@\N{POUND SIGN}$\N{YEN SIGN}\N{LATIN SMALL LETTER E WITH GRAVE}"
    "\N{LATIN SMALL LETTER E WITH ACUTE}\N{LATIN SMALL LETTER U WITH GRAVE}"
    "\N{LATIN SMALL LETTER I WITH GRAVE}\N{LATIN SMALL LETTER O WITH GRAVE}"
    "\N{LATIN CAPITAL LETTER C WITH CEDILLA}\n\N{LATIN CAPITAL LETTER O WITH STROKE}"
    "\N{LATIN SMALL LETTER O WITH STROKE}\r\N{LATIN CAPITAL LETTER A WITH RING ABOVE}"
    "\N{LATIN SMALL LETTER A WITH RING ABOVE}"
    # 0x10
    "\N{GREEK CAPITAL LETTER DELTA}_\N{GREEK CAPITAL LETTER PHI}\N{GREEK CAPITAL LETTER GAMMA}"
    "\N{GREEK CAPITAL LETTER LAMDA}\N{GREEK CAPITAL LETTER OMEGA}\N{GREEK CAPITAL LETTER PI}"
    "\N{GREEK CAPITAL LETTER PSI}\N{GREEK CAPITAL LETTER SIGMA}\N{GREEK CAPITAL LETTER THETA}"
    "\N{GREEK CAPITAL LETTER XI}\x1b\N{LATIN CAPITAL LETTER AE}\N{LATIN SMALL LETTER AE}"
    "\N{LATIN SMALL LETTER SHARP S}\N{LATIN CAPITAL LETTER E WITH ACUTE}"
    # 0x20
    " !\"#\N{CURRENCY SIGN}%&'()*+,-./"
    # 0x30
    "0123456789:;<=>?"
    # 0x40
    "\N{INVERTED EXCLAMATION MARK}ABCDEFGHIJKLMNO"
    # 0x50
    "PQRSTUVWXYZ\N{LATIN CAPITAL LETTER A WITH DIAERESIS}"
    "\N{LATIN CAPITAL LETTER O WITH DIAERESIS}\N{LATIN CAPITAL LETTER N WITH TILDE}"
    "\N{LATIN CAPITAL LETTER U WITH DIAERESIS}\N{SECTION SIGN}"
    # 0x60
    "\N{INVERTED QUESTION MARK}abcdefghijklmno"
    # 0x70
    "pqrstuvwxyz\N{LATIN SMALL LETTER A WITH DIAERESIS}\N{LATIN SMALL LETTER O WITH DIAERESIS}"
    "\N{LATIN SMALL LETTER N WITH TILDE}\N{LATIN SMALL LETTER U WITH DIAERESIS}"
    "\N{LATIN SMALL LETTER A WITH GRAVE}"
)
# GSM 03.38 extension table: each character is ESCAPE then this code (2 septets).
GSM_EXTENSION_TABLE: Final = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "\N{EURO SIGN}": 0x65,
}
_BASIC_CODES: Final = {char: code for code, char in enumerate(GSM_BASIC_TABLE) if code != ESCAPE}
_SUBSTITUTE: Final = _BASIC_CODES["?"]

# One SMS carries 140 octets (GSM 03.40): 160 septets or 70 UCS-2 characters, the
# figures of the http2sms guide. A concatenated part loses 6 octets to its header:
# 153 septets (the REST guide's 153 "from the 2nd SMS on") or 67 UCS-2 characters.
# The REST guide's 70 for the 2nd Unicode SMS is the single-SMS size; a
# concatenated part cannot hold it, so the simulator keeps 67.
_SMS_OCTETS: Final = 140
_HEADER_OCTETS: Final = 6
SINGLE_SMS: Final = {SmsCoding.GSM7: _SMS_OCTETS * 8 // 7, SmsCoding.UCS2: _SMS_OCTETS // 2}
CONCATENATED_PART: Final = {
    SmsCoding.GSM7: (_SMS_OCTETS - _HEADER_OCTETS) * 8 // 7,
    SmsCoding.UCS2: (_SMS_OCTETS - _HEADER_OCTETS) // 2,
}
# The REST guide: the STOP mention "contient 11 caractères" (160 - 11 = 149, 70 - 11 =
# 59); the http2sms guide puts it at the end of the message. Its wording is not
# published, only its length: 11 characters of the basic table.
STOP_MENTION_LENGTH: Final = 11
_STOP_MENTION: Final = "S" * STOP_MENTION_LENGTH
# Not in the seeds; http2sms.md: "OVH documents a maximum of 6 concatenated parts
# (918 GSM characters)" (one source).
MAX_PARTS: Final = 6

_HIGH_SURROGATES: Final = range(0xD800, 0xDC00)


def is_gsm(text: str) -> bool:
    """Tell whether every character is in the basic or the extension table."""
    return all(char in _BASIC_CODES or char in GSM_EXTENSION_TABLE for char in text)


def coding_for(text: str) -> SmsCoding:
    """Choose OVH's coding when the request names none: Unicode once a character needs it."""
    return SmsCoding.GSM7 if is_gsm(text) else SmsCoding.UCS2


def encode(text: str, coding: SmsCoding) -> tuple[int, ...]:
    """Code the text as an SMS centre does: GSM septets, or UCS-2 (UTF-16) code units."""
    if coding is SmsCoding.UCS2:
        data = text.encode("utf-16-be", "surrogatepass")
        return tuple(int.from_bytes(data[i : i + 2]) for i in range(0, len(data), 2))
    septets: list[int] = []
    for char in text:
        if char in GSM_EXTENSION_TABLE:
            septets += (ESCAPE, GSM_EXTENSION_TABLE[char])
        else:
            septets.append(_BASIC_CODES.get(char, _SUBSTITUTE))
    return tuple(septets)


def coded_length(text: str, coding: SmsCoding, *, stop_mention: bool = False) -> int:
    """Count the septets or UCS-2 units of the message as sent, its STOP mention included."""
    return len(_coded(text, coding, stop_mention=stop_mention))


def _coded(text: str, coding: SmsCoding, *, stop_mention: bool) -> tuple[int, ...]:
    return encode(text + (_STOP_MENTION if stop_mention else ""), coding)


def split_into_parts(
    text: str, coding: SmsCoding, *, stop_mention: bool = False
) -> tuple[tuple[int, ...], ...]:
    """Cut the coded message (with the STOP mention at its end) into the SMS it is sent as."""
    units = _coded(text, coding, stop_mention=stop_mention)
    if len(units) <= SINGLE_SMS[coding]:
        return (units,)
    parts: list[tuple[int, ...]] = []
    start = 0
    while start < len(units):
        end = min(start + CONCATENATED_PART[coding], len(units))
        if end < len(units) and _cuts_a_character(units[start:end], coding):
            end -= 1
        parts.append(units[start:end])
        start = end
    return tuple(parts)


def count_parts(text: str, coding: SmsCoding, *, stop_mention: bool = False) -> int:
    """Count the SMS (and so the credits per recipient) the message costs."""
    return len(split_into_parts(text, coding, stop_mention=stop_mention))


def _cuts_a_character(part: Sequence[int], coding: SmsCoding) -> bool:
    """Tell whether the part ends inside an escape sequence or a surrogate pair."""
    if coding is SmsCoding.GSM7:
        return part[-1] == ESCAPE
    return part[-1] in _HIGH_SURROGATES
