"""What HACS and Home Assistant read from the repository.

Manifest, versions, brand images, quality scale, licence and the validation workflow.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import struct
import tomllib

from packaging.requirements import Requirement
from packaging.version import Version
import pytest

from custom_components.ovh_sms.sms_options import CODINGS, CONF_NO_STOP, SMS_CLASSES, SMS_DEFAULTS
from homeassistant.const import __version__ as HA_VERSION  # noqa: N812
from homeassistant.util.yaml import load_yaml_dict

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "ovh_sms"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QUALITY_RULES = {
    "bronze": "action-setup appropriate-polling brands common-modules config-flow-test-coverage "
    "config-flow dependency-transparency docs-actions docs-conditions docs-high-level-description "
    "docs-installation-instructions docs-removal-instructions docs-triggers entity-event-setup "
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
# The keys hassfest's CUSTOM_INTEGRATION_MANIFEST_SCHEMA accepts (script/hassfest/manifest.py):
# any other key is an error. hassfest requires the first four, "version" for a custom
# integration and "iot_class" for ours; HACS requires "issue_tracker" and "version" too.
MANIFEST_KEYS = (
    "after_dependencies bluetooth codeowners config_flow dependencies dhcp disabled documentation "
    "domain homekit import_executor integration_type iot_class issue_tracker loggers mqtt name "
    "preview_features quality_scale requirements single_config_entry ssdp usb version zeroconf"
)
MANIFEST_REQUIRED = "domain name documentation codeowners version iot_class issue_tracker"
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text())
WORKFLOW = load_yaml_dict(ROOT / ".github" / "workflows" / "validate.yml")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_versions_agree() -> None:
    """The manifest, pyproject and hacs.json agree; the oldest tested HA is hacs.json's minimum."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert MANIFEST["version"] == pyproject["project"]["version"]
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
    rules = load_yaml_dict(INTEGRATION / "quality_scale.yaml")["rules"]
    assert set(rules) == {rule for tier in QUALITY_RULES.values() for rule in tier.split()}
    for rule, value in rules.items():
        status = value if isinstance(value, str) else value["status"]
        assert status in {"done", "exempt"}, rule
        if status == "exempt":
            assert value["comment"].strip(), rule


def test_action_form_keeps_alerts_non_commercial_and_picks_recipients() -> None:
    """The UI form starts from the options' defaults and offers their values; recipients: ours."""
    fields = load_yaml_dict(INTEGRATION / "services.yaml")["send_sms"]["fields"]
    assert fields["no_stop"]["default"] is SMS_DEFAULTS[CONF_NO_STOP] is True
    assert tuple(fields["sms_class"]["selector"]["select"]["options"]) == tuple(SMS_CLASSES)
    assert tuple(fields["coding"]["selector"]["select"]["options"]) == tuple(CODINGS)
    assert fields["entity_id"]["selector"] == {
        "entity": {"multiple": True, "filter": {"integration": "ovh_sms", "domain": "notify"}}
    }


def test_manifest_has_only_keys_hassfest_accepts_and_all_it_requires() -> None:
    """Hassfest refuses an unknown manifest key; it and HACS refuse a missing required one."""
    assert set(MANIFEST) <= set(MANIFEST_KEYS.split())
    assert set(MANIFEST_REQUIRED.split()) <= set(MANIFEST)
    assert MANIFEST["domain"] == INTEGRATION.name


def test_manifest_keys_in_hassfest_order() -> None:
    """Hassfest wants domain, then name, then the other keys in alphabetical order."""
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_loggers_are_the_requirements_loggers() -> None:
    """`loggers` names the loggers of our requirements (ours is known to Home Assistant already)."""
    names = [Requirement(line).name for line in MANIFEST["requirements"]]
    assert MANIFEST["loggers"] == names == ["phonenumbers"]


def test_tested_phonenumbers_is_inside_the_manifest_range() -> None:
    """The release the test environments pin is one the manifest lets Home Assistant install."""
    pins = [
        Requirement(line)
        for line in (ROOT / "requirements_common.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    (tested,) = [pin for pin in pins if pin.name == "phonenumbers"]
    (pinned,) = [spec.version for spec in tested.specifier if spec.operator == "=="]
    (wanted,) = [Requirement(line) for line in MANIFEST["requirements"]]
    assert wanted.specifier.contains(Version(pinned))


def test_phonenumbers_range_takes_new_plans_but_not_a_new_major() -> None:
    """Later 9.x releases (new numbering plans) install; 10.0 (a new API, maybe) does not."""
    (wanted,) = [Requirement(line) for line in MANIFEST["requirements"]]
    assert wanted.specifier.contains("9.99.1")
    assert not wanted.specifier.contains("10.0.0")
    assert not wanted.specifier.contains("9.0.42")


def test_licence_is_mit() -> None:
    """LICENSE holds the MIT licence that pyproject.toml declares, so GitHub and HACS detect it."""
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 The ovh_sms contributors\n")
    assert "Permission is hereby granted, free of charge, to any person obtaining a copy" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "MIT"


def test_workflow_runs_hassfest_and_hacs_on_push_and_pull_request() -> None:
    """Every push and pull request runs hassfest on a checkout and the HACS action, unmuted."""
    triggers = WORKFLOW[True] if True in WORKFLOW else WORKFLOW["on"]  # YAML 1.1: `on` is true
    assert {"push", "pull_request"} <= set(triggers)
    steps = {
        step["uses"].split("@")[0]: (job, index, step)
        for job, body in WORKFLOW["jobs"].items()
        for index, step in enumerate(body["steps"])
        if "uses" in step
    }
    job, index, _ = steps["home-assistant/actions/hassfest"]
    checkout_job, checkout_index, _ = steps["actions/checkout"]
    assert (checkout_job, checkout_index) == (job, index - 1)
    _, _, hacs = steps["hacs/action"]
    assert hacs["uses"] == "hacs/action@main"
    assert hacs["with"] == {"category": "integration"}
