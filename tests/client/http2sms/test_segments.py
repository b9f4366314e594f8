"""Segments: the coding picked from the text, the parts counted exactly, the limits."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.ovh_sms.ovhsms import (
    EmptyMessageError,
    MessageTooLongError,
    SmsCoding,
    UnsupportedCharactersError,
    count_segments,
    encode_message,
)

from .conftest import sms

GSM_PLAIN = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCZÄÖÑÜ§¿azäöñüà"


@pytest.mark.parametrize(
    ("text", "coding", "segments"),
    [
        ("a" * 160, SmsCoding.GSM7, 1),
        ("a" * 161, SmsCoding.GSM7, 2),
        ("a" * 306, SmsCoding.GSM7, 2),
        ("a" * 307, SmsCoding.GSM7, 3),
        ("€" * 80, SmsCoding.GSM7, 1),
        ("€" * 81, SmsCoding.GSM7, 2),
        ("a" * 152 + "€" + "a" * 152, SmsCoding.GSM7, 3),  # the € is not split
        (GSM_PLAIN, SmsCoding.GSM7, 1),
        ("ê" * 70, SmsCoding.UCS2, 1),
        ("ê" * 71, SmsCoding.UCS2, 2),
        ("ê" * 134, SmsCoding.UCS2, 2),
        ("ê" * 135, SmsCoding.UCS2, 3),
        ("😀" * 35, SmsCoding.UCS2, 1),
        ("😀" * 36, SmsCoding.UCS2, 2),
        ("a" * 66 + "😀", SmsCoding.UCS2, 1),
    ],
)
def test_segments(text: str, coding: SmsCoding, segments: int) -> None:
    """Coding is picked from the text and parts are counted exactly."""
    encoded = encode_message(text)
    assert (encoded.coding, encoded.segments) == (coding, segments)


@pytest.mark.parametrize(
    ("text", "segments"),
    [("a" * 149, 1), ("a" * 150, 2), ("ê" * 59, 1), ("ê" * 60, 2)],
)
def test_stop_mention_takes_11_characters(text: str, segments: int) -> None:
    """Commercial SMS (noStop off): 149 GSM or 59 Unicode characters fit in one SMS."""
    assert sms(text, no_stop=False).segments == segments


def test_message_limits() -> None:
    """Six parts at most; empty messages and 7-bit-incompatible forced coding are refused."""
    assert sms("a" * 918).segments == 6
    with pytest.raises(MessageTooLongError) as err:
        sms("a" * 919)
    assert (err.value.segments, err.value.max_segments) == (7, 6)
    with pytest.raises(EmptyMessageError):
        sms(" \n ")
    with pytest.raises(UnsupportedCharactersError) as chars:
        sms("Fenêtre ouverte, fenêtre", coding=SmsCoding.GSM7)
    assert chars.value.characters == "ê"
    assert sms("Hello", coding=SmsCoding.UCS2).message.coding is SmsCoding.UCS2


_GSM_BASIC_ONLY = st.text(
    alphabet=st.sampled_from(sorted(set(GSM_PLAIN))), min_size=1, max_size=918
)
_UCS2_BMP = st.text(
    alphabet=st.characters(min_codepoint=0x100, max_codepoint=0xFFFF, exclude_categories=("Cs",)),
    min_size=1,
    max_size=402,
)


@given(_GSM_BASIC_ONLY)
def test_gsm_segments_property(text: str) -> None:
    """Basic GSM characters: 1 part up to 160, then ceil(n / 153)."""
    expected = 1 if len(text) <= 160 else -(-len(text) // 153)
    assert count_segments(text, SmsCoding.GSM7) == expected


@given(_UCS2_BMP)
def test_ucs2_segments_property(text: str) -> None:
    """BMP characters in UCS-2: 1 part up to 70, then ceil(n / 67)."""
    expected = 1 if len(text) <= 70 else -(-len(text) // 67)
    assert count_segments(text, SmsCoding.UCS2) == expected


@given(st.text(min_size=1, max_size=400), st.text(min_size=1, max_size=5))
def test_segments_never_shrink(text: str, more: str) -> None:
    """Adding text never needs fewer parts, in either coding."""
    for coding in SmsCoding:
        assert count_segments(text + more, coding) >= count_segments(text, coding)
