"""What the user reads for each client error, and what it asks of them: one place.

Each client error maps to the Home Assistant error it raises (bad input is a
ServiceValidationError), the translation key of its text, and the placeholders
that text takes. The config flow shows the same keys as field errors. Beside
it, the failures only the user can fix say their reaction (reauthentication,
which repair issue): the gateway, the coordinator, cancelling and the replies
all react through async_react_to_failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import CONF_ACCOUNT, CONF_LOGIN, DOMAIN, ISSUE_ACCESS_DENIED, ISSUE_IP_NOT_AUTHORIZED
from .issues import async_create_entry_issue, async_delete_entry_issue
from .ovhsms import (
    AccessDeniedError,
    AccountNotFoundError,
    ApplicationKeyError,
    AuthenticationError,
    ConsumerKeyError,
    CredentialState,
    DeferredInPastError,
    EmptyMessageError,
    EndpointCredentialsError,
    InsecureEndpointError,
    InsufficientCreditError,
    InvalidAccountError,
    InvalidEndpointError,
    InvalidParameterError,
    InvalidRecipientError,
    InvalidSenderError,
    InvalidTagError,
    IpNotAuthorizedError,
    MessageTooLongError,
    MissingParameterError,
    MultipleNumbersError,
    NationalNumberWithoutCountryError,
    NonexistentLocalTimeError,
    NoRecipientsError,
    OutcomeUnknownError,
    OvhConnectionError,
    OvhHttpError,
    OvhServerError,
    OvhSmsError,
    PartialSendError,
    QueryOutOfTimeError,
    RateLimitedError,
    RecipientsRefusedError,
    ReplyNotFoundError,
    SenderNotFoundError,
    SmsNotFoundError,
    SmsRefusedError,
    StopMentionFromNumberError,
    UnreadableAnswerError,
    UnsupportedCharactersError,
)

type Placeholders = Callable[[Any], dict[str, str]]


def _nothing(err: OvhSmsError) -> dict[str, str]:
    return {}


def _recipient(err: InvalidRecipientError | MultipleNumbersError) -> dict[str, str]:
    return {"recipient": err.recipient}


def _refusal(err: SmsRefusedError) -> dict[str, str]:
    return {"status": str(err.status), "reason": err.reason}


def _http_status(err: OvhHttpError | OvhServerError) -> dict[str, str]:
    return {"http_status": str(err.http_status)}


_INVALID = ServiceValidationError
_FAILED = HomeAssistantError

ERRORS: Final[dict[type[OvhSmsError], tuple[type[HomeAssistantError], str, Placeholders]]] = {
    # Bad input: nothing was sent.
    InvalidRecipientError: (_INVALID, "invalid_recipient", _recipient),
    MultipleNumbersError: (_INVALID, "multiple_numbers", _recipient),
    NationalNumberWithoutCountryError: (_INVALID, "national_number_without_country", _recipient),
    NoRecipientsError: (_INVALID, "no_recipients", _nothing),
    EmptyMessageError: (_INVALID, "empty_message", _nothing),
    MessageTooLongError: (
        _INVALID,
        "message_too_long",
        lambda err: {"segments": str(err.segments), "max_segments": str(err.max_segments)},
    ),
    UnsupportedCharactersError: (
        _INVALID,
        "unsupported_characters",
        lambda err: {"characters": err.characters},
    ),
    InvalidSenderError: (_INVALID, "invalid_sender", lambda err: {"sender": err.sender}),
    InvalidTagError: (
        _INVALID,
        "invalid_tag",
        lambda err: {"tag": err.tag, "max_length": str(err.max_length)},
    ),
    DeferredInPastError: (_INVALID, "deferred_in_past", lambda err: {"deferred": err.deferred}),
    NonexistentLocalTimeError: (
        _INVALID,
        "nonexistent_local_time",
        lambda err: {"deferred": err.deferred, "time_zone": err.time_zone},
    ),
    InvalidAccountError: (_INVALID, "invalid_account", lambda err: {"account": err.account}),
    InvalidEndpointError: (_INVALID, "invalid_endpoint", _nothing),
    InsecureEndpointError: (_INVALID, "insecure_endpoint", _nothing),
    EndpointCredentialsError: (_INVALID, "endpoint_credentials", _nothing),
    StopMentionFromNumberError: (
        _INVALID,
        "stop_mention_from_virtual_number",
        lambda err: {"number": err.number},
    ),
    # OVH refused the request, or it never reached OVH: nothing was sent.
    AuthenticationError: (_FAILED, "authentication_failed", _refusal),
    ApplicationKeyError: (_FAILED, "application_key_invalid", _nothing),
    ConsumerKeyError: (_FAILED, "consumer_key_invalid", _nothing),
    AccessDeniedError: (_FAILED, "access_denied", lambda err: {"rule": err.rule}),
    AccountNotFoundError: (_FAILED, "account_not_found", lambda err: {"account": err.account}),
    RateLimitedError: (_FAILED, "rate_limited", _nothing),
    QueryOutOfTimeError: (_FAILED, "timestamp_refused", _nothing),
    RecipientsRefusedError: (
        _FAILED,
        "recipients_refused",
        lambda err: {"recipients": ", ".join(err.recipients)},
    ),
    IpNotAuthorizedError: (_FAILED, "ip_not_authorized", _refusal),
    SenderNotFoundError: (_FAILED, "sender_not_found", _refusal),
    MissingParameterError: (_FAILED, "missing_parameter", _refusal),
    InvalidParameterError: (_FAILED, "invalid_parameter", _refusal),
    InsufficientCreditError: (_FAILED, "insufficient_credit", _refusal),
    SmsRefusedError: (_FAILED, "request_refused", _refusal),
    OvhConnectionError: (_FAILED, "cannot_connect", _nothing),
    OvhHttpError: (_FAILED, "http_error", _http_status),
    UnreadableAnswerError: (_FAILED, "unreadable_answer", lambda err: {"call": err.call}),
    # A pending SMS or a reply OVH does not hold (any more).
    SmsNotFoundError: (_FAILED, "sms_not_found", lambda err: {"sms_id": err.sms_id}),
    ReplyNotFoundError: (_FAILED, "reply_not_found", lambda err: {"reply_id": err.reply_id}),
    # The request may have reached OVH: the SMS may have been sent.
    OvhServerError: (_FAILED, "server_error", _http_status),
    OutcomeUnknownError: (_FAILED, "outcome_unknown", _nothing),
}


type IssuePlaceholders = Callable[[ConfigEntry, Any], dict[str, str]]


@dataclass(frozen=True, slots=True)
class Reaction:
    """What a failure asks of the user beside its text: new credentials, a repair issue.

    issue names the repair issue raised, and gives its text's values from the entry and the error.
    """

    reauth: bool = False
    issue: tuple[str, IssuePlaceholders] | None = None


def _missing_rule(entry: ConfigEntry, err: AccessDeniedError) -> dict[str, str]:
    return {"account": entry.data[CONF_ACCOUNT], "rule": err.rule}


def _sms_user(entry: ConfigEntry, _err: IpNotAuthorizedError) -> dict[str, str]:
    return {"account": entry.data[CONF_ACCOUNT], "login": entry.data[CONF_LOGIN]}


_NO_REACTION: Final = Reaction()

# The failures only the user can fix; each is a row of ERRORS above, which names its text.
REACTIONS: Final[dict[type[OvhSmsError], Reaction]] = {
    # A consumer key with the missing rule is the fix, and reauthentication asks
    # for one: the repair issue says which rule was missing.
    AccessDeniedError: Reaction(reauth=True, issue=(ISSUE_ACCESS_DENIED, _missing_rule)),
    AuthenticationError: Reaction(reauth=True),
    IpNotAuthorizedError: Reaction(issue=(ISSUE_IP_NOT_AUTHORIZED, _sms_user)),
}
# The issues a request OVH accepted proves fixed.
_FIXED_BY_SUCCESS: Final = tuple(
    reaction.issue[0] for reaction in REACTIONS.values() if reaction.issue is not None
)


def reaction(err: OvhSmsError) -> Reaction:
    """Find what the error asks of the user (its nearest parent's row), if anything."""
    return next((REACTIONS[cls] for cls in type(err).__mro__ if cls in REACTIONS), _NO_REACTION)


@callback
def async_react_to_failure(
    hass: HomeAssistant, entry: ConfigEntry, err: OvhSmsError, *, reauth: bool = True
) -> Reaction:
    """Raise the repair issue the failure asks for and start reauthentication if it needs it.

    reauth=False leaves reauthentication to the caller (a coordinator raises
    ConfigEntryAuthFailed, a poller starts it once).
    """
    found = reaction(err)
    if found.issue is not None:
        issue, placeholders = found.issue
        async_create_entry_issue(hass, entry.entry_id, issue, placeholders(entry, err))
    if reauth and found.reauth:
        entry.async_start_reauth(hass)
    return found


@callback
def async_clear_fixed_failures(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete the issues of failures that a request OVH accepted proves fixed."""
    async_delete_entry_issue(hass, entry.entry_id, *_FIXED_BY_SUCCESS)


def translated(err: OvhSmsError) -> dict[str, Any]:
    """Give the translation arguments of the error's text, for any Home Assistant error."""
    _, key, placeholders = _entry(err)
    return {
        "translation_domain": DOMAIN,
        "translation_key": key,
        "translation_placeholders": placeholders(err),
    }


def _entry(err: OvhSmsError) -> tuple[type[HomeAssistantError], str, Placeholders]:
    """Find the error's row, or its nearest parent's."""
    return next(ERRORS[cls] for cls in type(err).__mro__ if cls in ERRORS)


def translation_key(err: OvhSmsError) -> str:
    """Name the translated text of a client error, as actions and flows show it."""
    return _entry(err)[1]


class FlowError(NamedTuple):
    """What a flow's form shows for an error: the key of its text, and that text's placeholders."""

    key: str
    placeholders: dict[str, str]


def flow_error(err: OvhSmsError) -> FlowError:
    """Give the error a flow shows for a client error: the one way flows name them."""
    _, key, placeholders = _entry(err)
    return FlowError(key, placeholders(err))


# What a consumer key OVH reports as not (yet) usable reads as, on a flow's form.
CONSUMER_KEY_ERRORS: Final[dict[CredentialState, str]] = {
    CredentialState.PENDING: "consumer_key_pending",
    CredentialState.REFUSED: "consumer_key_refused",
    CredentialState.EXPIRED: "consumer_key_expired",
}


def home_assistant_error(err: OvhSmsError) -> HomeAssistantError:
    """Turn a client error into the translated error the caller receives."""
    if isinstance(err, PartialSendError):
        return _partial_send_error(err)
    error, _, _ = _entry(err)
    return error(**translated(err))


def _partial_send_error(err: PartialSendError) -> HomeAssistantError:
    """Say how many got the SMS, and name who did not and who may have, so a retry can aim."""
    key = (
        "partially_sent_outcome_unknown"
        if err.not_sent and err.unknown
        else "partially_sent"
        if err.not_sent
        else "partially_outcome_unknown"
    )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            "sent": str(len(err.sent.recipients)),
            "total": str(len(err.sent.recipients) + len(err.not_sent) + len(err.unknown)),
            "not_sent_count": str(len(err.not_sent)),
            "not_sent": ", ".join(err.not_sent),
            "unknown_count": str(len(err.unknown)),
            "unknown": ", ".join(err.unknown),
            "reason": str(err.cause),
        },
    )
