"""Errors of the client; each family says what happened to the SMS.

- SmsNotSentError: nothing was sent. Its kinds: SmsValidationError (the input
  was refused before any request), SmsRefusedError (OVH refused the request),
  OvhConnectionError and OvhHttpError (the request never reached OVH's service,
  or it was a read, which sends nothing).
- OutcomeUnknownError (OvhServerError among them): the request may have reached
  OVH, so the SMS may have been sent. It must not be retried automatically.
- PartialSendError: a send of several requests had mixed outcomes; it names who
  got the SMS, who did not, and for whom the outcome is unknown.
- SmsNotFoundError, ReplyNotFoundError: OVH has no such SMS or reply (a read,
  a cancel or a delete found nothing); not an unknown account.
No message ever carries a password, an application secret or a consumer key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import SendResult


class OvhSmsError(Exception):
    """Base of every error of the client."""


class SmsNotSentError(OvhSmsError):
    """The SMS was not sent: it is safe to send it again once the cause is fixed."""


class SmsValidationError(SmsNotSentError):
    """Input refused before any request: nothing was sent."""


class InvalidRecipientError(SmsValidationError):
    """A recipient is not a valid mobile or fixed phone number."""

    def __init__(self, recipient: str) -> None:
        """Keep the bad entry so the caller can name it."""
        super().__init__(f"Invalid phone number: {recipient!r}")
        self.recipient = recipient


class MultipleNumbersError(SmsValidationError):
    """One recipient field holds several numbers: sending to the first would drop the others."""

    def __init__(self, recipient: str) -> None:
        """Keep the field as given so the caller can name it."""
        super().__init__(f"More than one phone number in {recipient!r}")
        self.recipient = recipient


class NationalNumberWithoutCountryError(SmsValidationError):
    """A national number (06 12 34 56 78) was given, but no country to read it in."""

    def __init__(self, recipient: str) -> None:
        """Keep the number so the caller can name it."""
        super().__init__(f"{recipient!r} is a national number and no country is set")
        self.recipient = recipient


class NoRecipientsError(SmsValidationError):
    """The SMS has no recipient."""

    def __init__(self) -> None:
        """Say what is missing."""
        super().__init__("No recipient")


class EmptyMessageError(SmsValidationError):
    """The message has no visible text."""

    def __init__(self) -> None:
        """Say what is missing."""
        super().__init__("The message is empty")


class MessageTooLongError(SmsValidationError):
    """The message needs more parts than OVH concatenates."""

    def __init__(self, segments: int, max_segments: int) -> None:
        """Keep both counts for the caller's message."""
        super().__init__(f"The message needs {segments} SMS, at most {max_segments} are allowed")
        self.segments = segments
        self.max_segments = max_segments


class UnsupportedCharactersError(SmsValidationError):
    """7-bit coding was forced but the message has characters it cannot carry."""

    def __init__(self, characters: str) -> None:
        """Keep the offending characters."""
        super().__init__(f"Characters not available in 7-bit GSM coding: {characters}")
        self.characters = characters


class InvalidSenderError(SmsValidationError):
    """The sender is not a valid alphanumeric or numeric sender."""

    def __init__(self, sender: str) -> None:
        """Keep the bad sender."""
        super().__init__(f"Invalid sender: {sender!r}")
        self.sender = sender


class InvalidTagError(SmsValidationError):
    """The tag is longer than OVH accepts."""

    def __init__(self, tag: str, max_length: int) -> None:
        """Keep the bad tag and the limit."""
        super().__init__(f"The tag {tag!r} is longer than {max_length} characters")
        self.tag = tag
        self.max_length = max_length


class DeferredInPastError(SmsValidationError):
    """The deferred time is in the past."""

    def __init__(self, deferred: str) -> None:
        """Keep the time, as ISO 8601."""
        super().__init__(f"The deferred time {deferred} is in the past")
        self.deferred = deferred


class NonexistentLocalTimeError(SmsValidationError):
    """The deferred wall time is skipped by a daylight saving change (02:30 in spring)."""

    def __init__(self, deferred: str, time_zone: str) -> None:
        """Keep the time as given and the zone it does not exist in."""
        super().__init__(f"{deferred} does not exist in {time_zone}")
        self.deferred = deferred
        self.time_zone = time_zone


class InvalidAccountError(SmsValidationError):
    """The account is not of the form sms-ab1234-1."""

    def __init__(self, account: str) -> None:
        """Keep the bad account name."""
        super().__init__(f"Invalid SMS account {account!r}, it should look like 'sms-ab1234-1'")
        self.account = account


class InvalidEndpointError(SmsValidationError):
    """The endpoint is not an http(s) URL with a host."""

    def __init__(self, message: str = "The endpoint is not an http(s) URL") -> None:
        """Never keep the URL: it may carry a user name and password."""
        super().__init__(message)


class InsecureEndpointError(InvalidEndpointError):
    """The endpoint is plain http:// on another machine: the password would travel in clear."""

    def __init__(self) -> None:
        """Say why it is refused."""
        super().__init__("The endpoint must use https:// (http:// only for this machine)")


class EndpointCredentialsError(InvalidEndpointError):
    """The endpoint carries user:password@, which would show wherever the URL does."""

    def __init__(self) -> None:
        """Say why it is refused, without repeating the URL."""
        super().__init__("The endpoint must not contain a user name or password")


class OvhConnectionError(SmsNotSentError):
    """OVH could not be reached (the request was not sent), or a read failed: no SMS was sent."""


class OvhHttpError(SmsNotSentError):
    """An HTTP refusal (3xx, 4xx) before OVH's service ran, or a read's failure: no SMS was sent."""

    def __init__(self, http_status: int) -> None:
        """Keep the HTTP status."""
        super().__init__(f"OVH answered HTTP {http_status}")
        self.http_status = http_status


class UnreadableAnswerError(OvhHttpError):
    """A read (never a send) got an answer that cannot be understood: nothing was sent."""

    def __init__(self, http_status: int, call: str) -> None:
        """Keep the HTTP status; name the call, e.g. GET /sms/*."""
        super(OvhHttpError, self).__init__(
            f"OVH's answer to {call} (HTTP {http_status}) could not be read"
        )
        self.http_status = http_status
        self.call = call


class OutcomeUnknownError(OvhSmsError):
    """The request may have reached OVH: the SMS may have been sent. Never retry it."""


class OvhServerError(OutcomeUnknownError):
    """An HTTP 5xx (a proxy, a crash) or an odd 2xx: OVH's service may have run."""

    def __init__(self, http_status: int) -> None:
        """Keep the HTTP status."""
        super().__init__(f"OVH answered HTTP {http_status}; the SMS may have been sent")
        self.http_status = http_status


class SmsRefusedError(SmsNotSentError):
    """OVH refused the request (a status outside 100-199); nothing was sent."""

    # True when the refusal proves that no request of this account can pass
    # now: the requests of a send that have not started yet are not made.
    stops_sending = False

    def __init__(self, status: int, reason: str) -> None:
        """Keep OVH's status and reason."""
        super().__init__(f"OVH refused the SMS (status {status}): {reason}")
        self.status = status
        self.reason = reason


class MissingParameterError(SmsRefusedError):
    """Status 201: a parameter is missing."""


class InvalidParameterError(SmsRefusedError):
    """Status 202: a parameter is invalid; the reason says which."""


class SenderNotFoundError(SmsRefusedError):
    """The sender is not declared on the account."""

    stops_sending = True


class IpNotAuthorizedError(SmsRefusedError):
    """Status 401: the caller's IP address is not allowed for this SMS user."""

    stops_sending = True


class AuthenticationError(SmsRefusedError):
    """OVH rejected the account, login or password, or the API keys: nothing was sent."""

    stops_sending = True


class ApplicationKeyError(AuthenticationError):
    """OVHcloud API: the application key is unknown or the secret is wrong; nothing was sent.

    OVH's INVALID_KEY or INVALID_SIGNATURE.
    """


class ConsumerKeyError(AuthenticationError):
    """OVHcloud API: the consumer key cannot be used; nothing was sent.

    It is still waiting for validation, has expired, was revoked, or belongs to
    another application (OVH's INVALID_CREDENTIAL or NOT_CREDENTIAL): a new
    consumer key must be requested and validated.
    """


class AccessDeniedError(SmsRefusedError):
    """OVHcloud API: the consumer key lacks the access rule the call needs; nothing was sent.

    OVH's NOT_GRANTED_CALL; rule is the rule it needed, e.g. "POST /sms/*/jobs".
    """

    stops_sending = True

    def __init__(self, status: int, reason: str, rule: str) -> None:
        """Keep OVH's status and reason, and the access rule the call needed."""
        super().__init__(status, reason)
        self.rule = rule


class QueryOutOfTimeError(SmsRefusedError):
    """OVHcloud API: OVH refused the call's timestamp ("Query out of time"); nothing was done.

    Raised only when the call, made again on OVH's clock read anew, was refused
    again: Home Assistant's clock runs away from OVH's.
    """

    stops_sending = True

    def __init__(self, status: int, reason: str) -> None:
        """Keep OVH's status and reason; say that the time, not the SMS, was refused."""
        super(SmsRefusedError, self).__init__(
            f"OVH refused the call's timestamp (status {status}): {reason}"
        )
        self.status = status
        self.reason = reason


class AccountNotFoundError(SmsRefusedError):
    """OVHcloud API: no such SMS account for these keys (HTTP 404); nothing was sent."""

    stops_sending = True

    def __init__(self, status: int, reason: str, account: str) -> None:
        """Keep OVH's status and reason, and the account asked for."""
        super().__init__(status, reason)
        self.account = account


class RateLimitedError(SmsRefusedError):
    """OVHcloud API: too many calls (HTTP 429); nothing was sent, try again later."""

    stops_sending = True


class RecipientsRefusedError(SmsRefusedError):
    """OVH accepted the request but refused these numbers (invalidReceivers): they got no SMS."""

    def __init__(self, recipients: tuple[str, ...], status: int = 200) -> None:
        """Keep the refused numbers, as the caller gave them."""
        numbers = ", ".join(recipients)
        super(SmsRefusedError, self).__init__(
            f"OVH refused {len(recipients)} recipient(s), the SMS was not sent to them: {numbers}"
        )
        self.status = status
        self.reason = f"Invalid receivers: {numbers}"
        self.recipients = recipients


class InsufficientCreditError(SmsRefusedError):
    """The account has not enough credit left for the SMS."""

    stops_sending = True


class PartialSendError(OvhSmsError):
    """Some requests of a send were accepted and others were not, or may not have been.

    sent is what OVH accepted (its recipients, ids and credit left); not_sent
    lists the recipients that certainly did not get the SMS (refused, never
    reached OVH, or not started after a refusal that stops sending); unknown
    those whose request may have reached OVH. cause is the refusal that stopped
    the send, else the first failure.
    """

    def __init__(
        self,
        sent: SendResult,
        not_sent: tuple[str, ...],
        unknown: tuple[str, ...],
        cause: OvhSmsError,
    ) -> None:
        """Keep every outcome; the message counts them and gives the cause."""
        total = len(sent.recipients) + len(not_sent) + len(unknown)
        super().__init__(
            f"{len(sent.recipients)} of {total} recipients got the SMS; not sent to "
            f"{len(not_sent)}, outcome unknown for {len(unknown)}: {cause}"
        )
        self.sent = sent
        self.not_sent = not_sent
        self.unknown = unknown
        self.cause = cause


class SmsNotFoundError(OvhSmsError):
    """OVHcloud API: OVH has no SMS of this id to read or cancel (HTTP 404 about the SMS).

    Not AccountNotFoundError: the account exists, the SMS does not, or no
    longer does as a pending job (a cancel comes too late once it is sent).
    """

    def __init__(self, sms_id: str) -> None:
        """Keep the id asked for."""
        super().__init__(
            f"OVH has no pending SMS {sms_id}: it was already sent, cancelled, or never existed"
        )
        self.sms_id = sms_id


class ReplyNotFoundError(OvhSmsError):
    """OVHcloud API: OVH has no reply of this id (HTTP 404 about the reply)."""

    def __init__(self, reply_id: str) -> None:
        """Keep the id asked for."""
        super().__init__(f"OVH has no reply {reply_id}: it was deleted, or never existed")
        self.reply_id = reply_id


class StopMentionFromNumberError(SmsValidationError):
    """OVHcloud API: an SMS from a virtual number cannot ask for the STOP mention.

    OVH's jobs of a virtual number take no noStopClause: nothing was sent.
    """

    def __init__(self, number: str) -> None:
        """Keep the virtual number."""
        super().__init__(f"An SMS from the virtual number {number} cannot carry the STOP mention")
        self.number = number


class NotOnStopListError(OvhSmsError):
    """OVHcloud API: the number is not on the account's STOP list (HTTP 404 about the number)."""

    def __init__(self, number: str) -> None:
        """Keep the number asked for."""
        super().__init__(f"{number} is not on OVH's STOP list")
        self.number = number
