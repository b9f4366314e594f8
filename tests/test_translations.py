"""English and French translations: complete, identical in keys, covering every error raised."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.ovh_sms import http2sms
from custom_components.ovh_sms.gateway import translation_key
from custom_components.ovh_sms.http2sms import Http2SmsError, Http2SmsValidationError
from homeassistant.helpers import config_validation as cv

COMPONENT = Path(__file__).parent.parent / "custom_components" / "ovh_sms"
TRANSLATIONS = {
    lang: json.loads((COMPONENT / "translations" / f"{lang}.json").read_text(encoding="utf-8"))
    for lang in ("en", "fr")
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def flatten(node: Any, prefix: str = "") -> dict[str, str]:
    """Map each dotted key to its text."""
    if isinstance(node, dict):
        return {
            k: v for key, sub in node.items() for k, v in flatten(sub, f"{prefix}{key}.").items()
        }
    return {prefix.rstrip("."): node}


EN = flatten(TRANSLATIONS["en"])
FR = flatten(TRANSLATIONS["fr"])
CLIENT_ERRORS = [
    cls
    for name in http2sms.__all__
    if isinstance(cls := getattr(http2sms, name), type)
    and issubclass(cls, Http2SmsError)
    and cls not in (Http2SmsError, Http2SmsValidationError)
]


def test_same_keys_and_placeholders() -> None:
    """French has every English text, with the same placeholders, and nothing else."""
    assert FR.keys() == EN.keys()
    for key, text in EN.items():
        assert set(PLACEHOLDER.findall(FR[key])) == set(PLACEHOLDER.findall(text)), key
        assert FR[key].strip(), key


@pytest.mark.parametrize("error", CLIENT_ERRORS, ids=lambda cls: cls.__name__)
def test_every_client_error_is_translated(error: type[Http2SmsError]) -> None:
    """Each error the client can raise has a text for actions; request errors for the flow too."""
    key = translation_key(error.__new__(error))
    assert f"exceptions.{key}.message" in EN
    if not issubclass(error, Http2SmsValidationError):
        assert f"config.error.{key}" in EN


def test_every_key_in_code_is_translated() -> None:
    """Every literal translation key and flow error the code uses has an English text."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in COMPONENT.glob("*.py"))
    for key in re.findall(r'translation_key="(\w+)"', source):
        assert {f"exceptions.{key}.message", f"entity.sensor.{key}.name"} & EN.keys(), key
    for key in re.findall(r'errors\[[^]]+\] = "(\w+)"', source):
        assert any(k.endswith(f"error.{key}") for k in EN), key
    for key in re.findall(r'reason="(\w+)"', source):
        assert f"config.abort.{key}" in EN, key
    assert "issues.ip_not_authorized.description" in EN


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_texts_pass_hassfest(lang: str) -> None:
    """Hassfest refuses anything tag-shaped (notify.<name>) and placeholders in single quotes."""
    for key, text in flatten(TRANSLATIONS[lang]).items():
        cv.string_with_no_html(text)
        assert not re.search(r"'\{\w+\}'", text), key
