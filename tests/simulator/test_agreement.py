"""The integration and the simulator, written apart from OVH's guides, agree on what an SMS costs.

Only this file imports both: the simulator itself imports nothing from the
integration, so a disagreement here is a bug in one of the two counters.
"""

from __future__ import annotations

from decimal import Decimal
import sys

from hypothesis import assume, given, settings, strategies as st
import pytest

from custom_components.ovh_sms.ovhsms import (
    SmsCoding,
    count_segments,
    encode_message,
    parse_answer,
)
from simulator import SimulatorAnswer
from simulator.segments import (
    GSM_BASIC_TABLE,
    GSM_EXTENSION_TABLE,
    SmsCoding as SimulatorCoding,
    coding_for,
    count_parts,
)

_GSM_BASIC = [char for char in GSM_BASIC_TABLE if char != "\x1b"]
# Characters where two GSM tables could differ: look-alikes of GSM characters that are
# not GSM (ê ç, the Ohm and increment signs, a backtick, a no-break space), the escape
# code, emoji (two UCS-2 units).
_TRICKY = "êâîôûçë\N{OHM SIGN}\N{INCREMENT}`\N{NO-BREAK SPACE}\x1b😀🇫🇷"
_CHARACTERS = st.one_of(
    st.sampled_from(_GSM_BASIC),
    st.sampled_from(sorted(GSM_EXTENSION_TABLE)),
    st.sampled_from(_TRICKY),
    st.characters(),
)
# The lengths where a count changes: one SMS (160, 70), k parts (153k, 67k), each less
# the 11-character STOP mention; and the edges of parts, where a character of two units
# (€, an emoji) must move whole to the next part.
_LIMITS = sorted(
    {
        limit - stop + delta
        for limit in (160, 70, *(153 * k for k in range(2, 8)), *(67 * k for k in range(2, 8)))
        for stop in (0, 11)
        for delta in range(-2, 3)
    }
)
_EDGES = sorted(
    {edge - shift for k in range(1, 7) for edge in (153 * k, 67 * k) for shift in (0, 1)}
)


@st.composite
def _near_a_limit(draw: st.DrawFn) -> str:
    """Draw one character repeated to near a limit, a few others put in, often at an edge."""
    text = list(draw(st.sampled_from("aê")) * draw(st.sampled_from(_LIMITS)))
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.one_of(st.sampled_from(_EDGES), st.integers(0, len(text))))
        text.insert(min(where, len(text)), draw(_CHARACTERS))
    return "".join(text)


_TEXTS = st.one_of(
    _near_a_limit(),
    st.text(_CHARACTERS, max_size=1000),
    st.text(st.sampled_from(_GSM_BASIC), max_size=1000),
)


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, stop_mention=st.booleans())
def test_the_simulator_charges_what_the_integration_counts(
    text: str, *, stop_mention: bool
) -> None:
    """For any text, in either coding, with or without STOP, both count the same parts.

    And the coding the integration chooses is the one OVH would choose, so the
    parts it announces are the credits the simulator takes.
    """
    for coding in SmsCoding:
        simulator = count_parts(text, SimulatorCoding(coding), stop_mention=stop_mention)
        assert simulator == count_segments(text, coding, stop_mention=stop_mention)
    assume(text.strip())
    encoded = encode_message(text, stop_mention=stop_mention, max_segments=sys.maxsize)
    chosen = coding_for(encoded.text)
    charged = count_parts(encoded.text, chosen, stop_mention=stop_mention)
    assert (SmsCoding(chosen), charged) == (encoded.coding, encoded.segments)


def test_every_character_is_coded_and_charged_alike() -> None:
    """Each character of the BMP (and emoji beyond it) picks the same coding and costs the same.

    This compares the two GSM tables whole: a character missing from one, or
    counted twice in only one, would make an SMS cost differently than announced.
    """
    bmp = [chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000]
    chosen = {char: coding_for(char) for char in bmp}
    assert {
        char: SmsCoding(coding)
        for char, coding in chosen.items()
        if SmsCoding(coding) is not encode_message("a" + char).coding
    } == {}
    gsm = [char for char, coding in chosen.items() if coding is SimulatorCoding.GSM7]
    assert len(gsm) == 137
    assert [
        char
        for char in gsm
        if count_parts(char * 81, SimulatorCoding.GSM7) != count_segments(char * 81, SmsCoding.GSM7)
    ] == []
    beyond = [chr(code) for code in range(0x10000, 0x110000, 0x3FF)] + ["😀", "🇫"]
    assert [
        char
        for char in ["ê", *beyond]
        if count_parts(char * 36, SimulatorCoding.UCS2) != count_segments(char * 36, SmsCoding.UCS2)
        or coding_for(char) is not SimulatorCoding.UCS2
    ] == []


@pytest.mark.parametrize(
    ("coding", "filler", "two_units", "part"),
    [
        (SmsCoding.GSM7, "a", "€", 153),
        (SmsCoding.GSM7, "a", "\f", 153),
        (SmsCoding.UCS2, "ê", "😀", 67),
        (SmsCoding.UCS2, "a", "😀", 67),
    ],
)
def test_a_character_at_a_part_edge(
    coding: SmsCoding, filler: str, two_units: str, part: int
) -> None:
    """A two-unit character just before, on or after a part's edge: the same parts.

    The text then ends near the next part's end (less the STOP mention), where
    moving the character whole to the next part can cost one more.
    """
    disagreements = [
        (before, after, stop_mention)
        for parts in (1, 2, 5)
        for before in range(parts * part - 3, parts * part + 2)
        for after in range(part - 16, part + 2)
        for stop_mention in (False, True)
        if count_parts(
            text := filler * before + two_units + filler * after,
            SimulatorCoding(coding),
            stop_mention=stop_mention,
        )
        != count_segments(text, coding, stop_mention=stop_mention)
    ]
    assert disagreements == []


def test_the_integration_reads_a_fractional_credit() -> None:
    """Outside metropolitan France credits are fractional: "230.50" reads as 230.50."""
    answer = SimulatorAnswer(status=100, credits_left=Decimal("230.5"), sms_ids=("1",))
    assert parse_answer(answer.render("application/json")).credits_left == Decimal("230.50")
