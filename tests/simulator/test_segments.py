"""The simulator counts SMS parts by OVH's guides on its own, so it can witness the integration."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

from simulator.segments import (
    CONCATENATED_PART,
    ESCAPE,
    GSM_BASIC_TABLE,
    GSM_EXTENSION_TABLE,
    MAX_PARTS,
    SINGLE_SMS,
    STOP_MENTION_LENGTH,
    SmsCoding,
    coding_for,
    count_parts,
    encode,
    is_gsm,
    split_into_parts,
)

GSM7, UCS2 = SmsCoding.GSM7, SmsCoding.UCS2
SIMULATOR = Path(__file__).parents[2] / "simulator"


def test_the_basic_table_is_gsm_03_38() -> None:
    """128 codes, 127 characters and the escape, each character at its GSM 03.38 code."""
    assert len(GSM_BASIC_TABLE) == 128
    assert len(set(GSM_BASIC_TABLE)) == 128
    assert {code: GSM_BASIC_TABLE[code] for code in (0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x20)} == {
        0x00: "@",
        0x09: "\N{LATIN CAPITAL LETTER C WITH CEDILLA}",
        0x0A: "\n",
        0x0D: "\r",
        0x1B: "\x1b",
        0x20: " ",
    }
    assert GSM_BASIC_TABLE[0x10:0x1B] == "Δ_ΦΓΛΩΠΨΣΘΞ"
    assert GSM_BASIC_TABLE[0x24] + GSM_BASIC_TABLE[0x40] == "¤¡"
    assert GSM_BASIC_TABLE[0x5B:0x61] == "ÄÖÑÜ§¿"
    assert GSM_BASIC_TABLE[0x7B:] == "äöñüà"
    assert GSM_BASIC_TABLE[0x41:0x5B] + GSM_BASIC_TABLE[0x61:0x7B] == (
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    )
    assert GSM_BASIC_TABLE[0x30:0x3A] == "0123456789"


def test_the_extension_table_is_gsm_03_38() -> None:
    r"""^ { } \ [ ~ ] | € and form feed, each an escape then its own code."""
    assert GSM_EXTENSION_TABLE == {
        "\f": 0x0A,
        "^": 0x14,
        "{": 0x28,
        "}": 0x29,
        "\\": 0x2F,
        "[": 0x3C,
        "~": 0x3D,
        "]": 0x3E,
        "|": 0x40,
        "€": 0x65,
    }
    assert encode("€^", GSM7) == (ESCAPE, 0x65, ESCAPE, 0x14)


def test_french_letters_that_are_gsm_and_those_that_are_not() -> None:
    """é è ù ì ò à É Ç Ä Ö Ñ Ü ä ö ñ ü Å å Æ æ ß Ø ø are GSM; ê â î ô û ç ë each make Unicode."""
    assert is_gsm("éèùìòàÉÇÄÖÑÜäöñüÅåÆæßØø")
    assert [coding_for(char) for char in "êâîôûçë"] == [UCS2] * 7
    assert coding_for("Porte ouverte à 12h, [cave] 5 € ~ ^ | {ok}\\\f\r\n") is GSM7
    assert coding_for("Fenêtre ouverte") is UCS2


def test_the_escape_code_is_not_a_character() -> None:
    """A raw ESC in the text is no GSM character: it makes the SMS Unicode, not an extension."""
    assert coding_for("\x1b") is UCS2
    assert encode("\x1b", GSM7) == (GSM_BASIC_TABLE.index("?"),)


def test_the_sizes_are_the_guides() -> None:
    """160 / 70 for one SMS (http2sms guide), 153 per concatenated part (REST guide), 67 in UCS-2.

    The STOP mention takes 11 characters: 149 and 59 are left in one
    commercial SMS (the REST guide's table); OVH joins at most 6 parts (918).
    """
    assert SINGLE_SMS == {GSM7: 160, UCS2: 70}
    assert CONCATENATED_PART == {GSM7: 153, UCS2: 67}
    assert STOP_MENTION_LENGTH == 11
    assert [SINGLE_SMS[coding] - STOP_MENTION_LENGTH for coding in SmsCoding] == [149, 59]
    assert MAX_PARTS * CONCATENATED_PART[GSM7] == 918


@pytest.mark.parametrize(
    ("text", "coding", "parts"),
    [
        ("a" * 160, GSM7, 1),
        ("a" * 161, GSM7, 2),
        ("a" * 306, GSM7, 2),
        ("a" * 307, GSM7, 3),
        ("a" * 918, GSM7, 6),
        ("a" * 919, GSM7, 7),
        ("€" * 80, GSM7, 1),
        ("€" * 81, GSM7, 2),
        ("a" * 158 + "{", GSM7, 1),
        ("a" * 159 + "{", GSM7, 2),
        ("a" * 151 + "€" + "a" * 153, GSM7, 2),
        ("a" * 152 + "€" + "a" * 152, GSM7, 3),  # the € moves whole to part 2
        ("ê" * 70, UCS2, 1),
        ("ê" * 71, UCS2, 2),
        ("ê" * 134, UCS2, 2),
        ("ê" * 135, UCS2, 3),
        ("😀" * 35, UCS2, 1),
        ("😀" * 36, UCS2, 2),
        ("a" * 68 + "😀", UCS2, 1),
        ("a" * 69 + "😀", UCS2, 2),
        ("😀" * 67, UCS2, 3),  # 134 units, but no part may end inside an emoji
        ("a" * 70, UCS2, 1),  # smsCoding=2 forced on a GSM text
        ("ê" * 160, GSM7, 1),  # smsCoding=1 forced: ê goes out as one septet
    ],
)
def test_parts_of_a_message(text: str, coding: SmsCoding, parts: int) -> None:
    """Each message costs the parts OVH's rules give: what a user pays per recipient."""
    assert count_parts(text, coding) == parts


@pytest.mark.parametrize(
    ("text", "coding", "parts"),
    [
        ("a" * 149, GSM7, 1),
        ("a" * 150, GSM7, 2),
        ("€" * 74 + "a", GSM7, 1),
        ("€" * 75, GSM7, 2),
        ("a" * 295, GSM7, 2),
        ("a" * 296, GSM7, 3),
        ("a" * 448, GSM7, 3),
        ("a" * 449, GSM7, 4),
        ("ê" * 59, UCS2, 1),
        ("ê" * 60, UCS2, 2),
        ("😀" * 29 + "ê", UCS2, 1),
        ("😀" * 30, UCS2, 2),
        ("ê" * 123, UCS2, 2),
        ("ê" * 124, UCS2, 3),
    ],
)
def test_parts_of_a_commercial_message(text: str, coding: SmsCoding, parts: int) -> None:
    """Without noStop the 11-character STOP mention ends the message and is paid for too."""
    assert count_parts(text, coding, stop_mention=True) == parts


def test_the_stop_mention_is_at_the_end() -> None:
    """The mention goes after the text (the http2sms guide): it fills the last part."""
    assert [len(part) for part in split_into_parts("a" * 150, GSM7, stop_mention=True)] == [
        153,
        8,
    ]
    assert split_into_parts("ab", GSM7, stop_mention=True) == (
        (0x61, 0x62, *[0x53] * STOP_MENTION_LENGTH),
    )


def test_a_character_is_never_cut_between_two_parts() -> None:
    """An extension character's escape and an emoji's two halves travel in the same part."""
    parts = split_into_parts("a" * 152 + "€" + "a" * 152, GSM7)
    assert [len(part) for part in parts] == [152, 153, 1]
    assert parts[1][:2] == (ESCAPE, 0x65)
    parts = split_into_parts("a" * 66 + "😀" + "a" * 4, UCS2)
    assert parts == ((0x61,) * 66, (0xD83D, 0xDE00, 0x61, 0x61, 0x61, 0x61))


def test_text_is_coded_like_an_sms_centre_does() -> None:
    """GSM septets by the tables (@ is 0), UCS-2 in UTF-16 code units (an emoji is two)."""
    assert encode("@A\r", GSM7) == (0x00, 0x41, 0x0D)
    assert encode("Aê😀", UCS2) == (0x41, 0xEA, 0xD83D, 0xDE00)


def test_the_simulator_imports_nothing_from_the_integration() -> None:
    """No module of the simulator imports custom_components, so it stays an independent witness."""
    modules = sorted(SIMULATOR.glob("*.py"))
    assert {path.name for path in modules} >= {"__init__.py", "server.py", "segments.py"}
    imported: set[str] = set()
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "custom_components" not in node.value, path.name
    assert "aiohttp" in imported
    assert sorted(name for name in imported if name.split(".")[0] == "custom_components") == []


def test_no_module_of_the_simulator_imports_one_that_imports_it_back() -> None:
    """The simulator's modules import each other in one direction (TYPE_CHECKING ones too)."""
    imports: dict[str, set[str]] = {}
    for path in sorted(SIMULATOR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        imports[path.stem] = {
            name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1
            for name in ([node.module] if node.module else [alias.name for alias in node.names])
        }
    assert imports["server"] >= {"account", "api", "http2sms", "page"}
    order = list(graphlib.TopologicalSorter(imports).static_order())
    assert order.index("account") < order.index("api") < order.index("page")
