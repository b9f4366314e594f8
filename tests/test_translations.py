"""English and French translations: complete, identical in keys, covering every error raised."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_sms import ovhsms
from custom_components.ovh_sms.const import DOMAIN
from custom_components.ovh_sms.errors import (
    CONSUMER_KEY_ERRORS,
    ERRORS,
    flow_error,
    home_assistant_error,
    reaction,
)
from custom_components.ovh_sms.event import REPLY_ATTRIBUTES
from custom_components.ovh_sms.ovhsms import (
    FINAL_STATUSES,
    CredentialState,
    OvhSmsError,
    PartialSendError,
    SmsNotSentError,
    SmsValidationError,
)
from homeassistant.exceptions import ServiceValidationError
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
    for name in ovhsms.__all__
    if isinstance(cls := getattr(ovhsms, name), type)
    and issubclass(cls, OvhSmsError)
    and cls not in (OvhSmsError, SmsNotSentError, SmsValidationError, PartialSendError)
]
# One instance of each client error, as the client raises it.
SAMPLES: list[OvhSmsError] = [
    ovhsms.InvalidRecipientError("123"),
    ovhsms.MultipleNumbersError("0612345678;0698765432"),
    ovhsms.NationalNumberWithoutCountryError("0612345678"),
    ovhsms.NoRecipientsError(),
    ovhsms.EmptyMessageError(),
    ovhsms.MessageTooLongError(7, 6),
    ovhsms.UnsupportedCharactersError("ê"),
    ovhsms.InvalidSenderError("x" * 12),
    ovhsms.InvalidTagError("t" * 21, 20),
    ovhsms.DeferredInPastError("2020-01-01T00:00:00+00:00"),
    ovhsms.NonexistentLocalTimeError("2030-03-31 02:30:00", "Europe/Paris"),
    ovhsms.InvalidAccountError("ab1234"),
    ovhsms.InvalidEndpointError(),
    ovhsms.InsecureEndpointError(),
    ovhsms.EndpointCredentialsError(),
    ovhsms.AuthenticationError(202, "Invalid login"),
    ovhsms.IpNotAuthorizedError(401, "IP not allowed"),
    ovhsms.SenderNotFoundError(241, "Sender not found"),
    ovhsms.MissingParameterError(201, "Missing message."),
    ovhsms.InvalidParameterError(202, "Invalid tag"),
    ovhsms.InsufficientCreditError(202, "Not enough credit"),
    ovhsms.SmsRefusedError(299, "Odd"),
    ovhsms.OvhConnectionError("unreachable"),
    ovhsms.OvhHttpError(403),
    ovhsms.OvhServerError(503),
    ovhsms.OutcomeUnknownError("lost"),
    ovhsms.ApplicationKeyError(400, "Invalid signature"),
    ovhsms.ConsumerKeyError(403, "This credential is not valid"),
    ovhsms.AccessDeniedError(403, "This call has not been granted", "POST /sms/*/jobs"),
    ovhsms.AccountNotFoundError(404, "The requested object does not exist", "sms-ab1234-1"),
    ovhsms.RateLimitedError(429, "Too many requests"),
    ovhsms.QueryOutOfTimeError(400, "Query out of time"),
    ovhsms.RecipientsRefusedError(("0033612345678",)),
    ovhsms.UnreadableAnswerError(200, "GET /sms/*"),
    ovhsms.SmsNotFoundError("26929925"),
    ovhsms.ReplyNotFoundError("12"),
    ovhsms.StopMentionFromNumberError("33644000001"),
]


def test_every_client_error_has_its_own_row() -> None:
    """Each error the client can raise is mapped explicitly, and has a sample here."""
    assert set(ERRORS) == set(CLIENT_ERRORS)
    assert {type(err) for err in SAMPLES} == set(CLIENT_ERRORS)


@pytest.mark.parametrize("err", SAMPLES, ids=lambda err: type(err).__name__)
def test_every_client_error_is_translated(err: OvhSmsError) -> None:
    """Each error has its text, with its placeholders; request errors show in the flow too."""
    error = home_assistant_error(err)
    text = EN[f"exceptions.{error.translation_key}.message"]
    assert set(PLACEHOLDER.findall(text)) <= set(error.translation_placeholders or {})
    assert isinstance(error, ServiceValidationError) == isinstance(err, SmsValidationError)
    if not isinstance(err, SmsValidationError):
        key, placeholders = flow_error(err)
        assert set(PLACEHOLDER.findall(EN[f"config.error.{key}"])) <= set(placeholders)


@pytest.mark.parametrize("err", SAMPLES, ids=lambda err: type(err).__name__)
def test_every_repair_a_failure_raises_is_translated(err: OvhSmsError) -> None:
    """The issue a failure raises has its title and text, and the text gets its values."""
    if (issue := reaction(err).issue) is None:
        return
    key, placeholders = issue
    entry = MockConfigEntry(domain=DOMAIN, data={"account": "sms-ab1234-1", "login": "ha"})
    text = EN[f"issues.{key}.description"]
    assert EN[f"issues.{key}.title"]
    assert set(PLACEHOLDER.findall(text)) <= set(placeholders(entry, err))


def test_same_keys_and_placeholders() -> None:
    """French has every English text, with the same placeholders, and nothing else."""
    assert FR.keys() == EN.keys()
    for key, text in EN.items():
        assert set(PLACEHOLDER.findall(FR[key])) == set(PLACEHOLDER.findall(text)), key
        assert FR[key].strip(), key


def test_every_key_in_code_is_translated() -> None:
    """Every literal translation key and flow error the code uses has an English text."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in COMPONENT.glob("*.py"))
    for key in re.findall(r'translation_key="(\w+)"', source):
        names = {f"entity.{platform}.{key}.name" for platform in ("sensor", "binary_sensor")}
        assert ({f"exceptions.{key}.message"} | names) & EN.keys(), key
    for key in re.findall(r'errors\[[^]]+\] = "(\w+)"', source):
        assert any(k.endswith(f"error.{key}") for k in EN), key
    assert not re.search(r'errors\[[^]]+\] = f"', source), "a key grep cannot see"
    for key in re.findall(r'reason="(\w+)"', source):
        assert any(k == f"config.abort.{key}" or k.endswith(f"fix_flow.abort.{key}") for k in EN)
    assert "issues.ip_not_authorized.description" in EN


def test_every_consumer_key_state_reads_as_a_flow_error() -> None:
    """A key OVH reports pending, refused or expired has its text, from a literal table."""
    assert set(CONSUMER_KEY_ERRORS) == set(CredentialState) - {CredentialState.VALIDATED}
    for key in CONSUMER_KEY_ERRORS.values():
        assert f"config.error.{key}" in EN, key


@pytest.mark.parametrize(
    ("entity", "attributes"),
    [
        ("notify.recipient", ("delivery_status", "delivery_sms_id", "scheduled_at")),
        ("event.sms_received", REPLY_ATTRIBUTES),
        ("sensor.last_sent", ("scheduled_at",)),
        ("sensor.open_alarms", ("alarms",)),
    ],
)
def test_entity_attributes_are_named(entity: str, attributes: tuple[str, ...]) -> None:
    """Home Assistant names an entity's attributes through its translation key; none is raw."""
    for attribute in attributes:
        assert f"entity.{entity}.state_attributes.{attribute}.name" in EN, attribute


def test_credit_unit_is_translated() -> None:
    """The credit's unit reads crédits in French (the frontend's language)."""
    key = "entity.sensor.credits_left.unit_of_measurement"
    assert (EN[key], FR[key]) == ("credits", "crédits")


def test_every_final_delivery_state_is_named() -> None:
    """A recipient's delivery status reads Delivered (Remis), not delivered."""
    for status in FINAL_STATUSES:
        assert f"entity.notify.recipient.state_attributes.delivery_status.state.{status}" in EN


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_texts_pass_hassfest(lang: str) -> None:
    """Hassfest refuses anything tag-shaped (notify.<name>) and placeholders in single quotes."""
    for key, text in flatten(TRANSLATIONS[lang]).items():
        cv.string_with_no_html(text)
        assert not re.search(r"'\{\w+\}'", text), key


def test_each_issue_has_a_description_or_a_fix_flow() -> None:
    """Hassfest: an issue is explained by its description, or by its fix flow, never both."""
    for lang, texts in TRANSLATIONS.items():
        for issue, text in texts["issues"].items():
            assert ("description" in text) != ("fix_flow" in text), (lang, issue)
