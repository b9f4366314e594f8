"""What HACS and Home Assistant read from the repository: versions, brand images, quality scale."""

from __future__ import annotations

import json
from pathlib import Path
import re
import struct
import tomllib

import pytest
import yaml

from homeassistant.const import __version__ as HA_VERSION  # noqa: N812

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "ovh_sms"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QUALITY_RULES = {
    "bronze": "action-setup appropriate-polling brands common-modules config-flow-test-coverage "
    "config-flow dependency-transparency docs-actions docs-high-level-description "
    "docs-installation-instructions docs-removal-instructions entity-event-setup "
    "entity-unique-id has-entity-name runtime-data test-before-configure test-before-setup "
    "unique-config-entry",
    "silver": "action-exceptions config-entry-unloading docs-configuration-parameters "
    "docs-installation-parameters entity-unavailable integration-owner log-when-unavailable "
    "parallel-updates reauthentication-flow test-coverage",
    "gold": "devices diagnostics discovery-update-info discovery docs-data-update docs-examples "
    "docs-known-limitations docs-supported-devices docs-supported-functions docs-troubleshooting "
    "docs-use-cases dynamic-devices entity-category entity-device-class "
    "entity-disabled-by-default entity-translations exception-translations icon-translations "
    "reconfiguration-flow repair-issues stale-devices",
    "platinum": "async-dependency inject-websession strict-typing",
}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_versions_agree() -> None:
    """The manifest, pyproject and hacs.json agree; the oldest tested HA is hacs.json's minimum."""
    manifest = json.loads((INTEGRATION / "manifest.json").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert manifest["version"] == pyproject["project"]["version"]
    oldest = re.search(r"HA (\d+\.\d+\.\d+)", (ROOT / "requirements_test_oldest.txt").read_text())
    assert oldest is not None
    assert hacs["homeassistant"] == oldest[1]
    assert _version(HA_VERSION) >= _version(hacs["homeassistant"])


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons(name: str, size: int) -> None:
    """Home Assistant (2026.3+) shows brand/icon.png and its 2x twin: square PNGs of 256 and 512."""
    data = (INTEGRATION / "brand" / name).read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (size, size)


def test_quality_scale_names_every_rule_and_explains_exemptions() -> None:
    """Every rule of the Integration Quality Scale is there; each exemption says why."""
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    assert set(rules) == {rule for tier in QUALITY_RULES.values() for rule in tier.split()}
    for rule, value in rules.items():
        status = value if isinstance(value, str) else value["status"]
        assert status in {"done", "exempt"}, rule
        if status == "exempt":
            assert value["comment"].strip(), rule


def test_action_form_keeps_alerts_non_commercial_and_picks_recipients() -> None:
    """Ticking no_stop in the UI starts at true; recipients are picked among our notify entities."""
    fields = yaml.safe_load((INTEGRATION / "services.yaml").read_text())["send_sms"]["fields"]
    assert fields["no_stop"]["default"] is True
    assert fields["entity_id"]["selector"] == {
        "entity": {"multiple": True, "filter": {"integration": "ovh_sms", "domain": "notify"}}
    }
