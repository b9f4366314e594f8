"""Delivery reports and replies (models.py): the reading of OVH's answers and callbacks.

Pure: no request is made here. The OVHcloud API's answers (GET
/sms/{account}/outgoing/{id}, /jobs/{id}, /incoming/{id}) are read by
report_from_outgoing, report_from_job and reply_from_incoming, which raise
KeyError, TypeError or ValueError for an answer they cannot read (the client
turns those into UnreadableAnswerError). The callbacks OVH pushes to a URL
the user sets are read by delivery_from_callback and reply_from_callback,
which never raise: what they cannot read is left out, or the whole call is
not a report (None). Phone numbers come out in the 00 form the rest of the
client uses: "+33612345678" becomes "0033612345678".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from .models import DeliveryReport, DeliveryStatus, Reply

# OVH's ptt codes (docs/spec "Delivery state"; GET /sms/ptts?ptt=N gives the
# same texts), a list OVH calls non-exhaustive.
PTT_TEXTS: Final[Mapping[int, str]] = MappingProxyType(
    {
        1: "retrying",
        2: "retrying",
        3: "accepted by the operator",
        4: "delivered",
        5: "undelivered",
        6: "unknown final state",
        8: "expired",
        20: "undeliverable",
        23: "invalid or barred number",
        24: "subscriber absent",
        25: "temporary network failure",
        26: "phone error (SIM full)",
        27: "handset incompatible",
        28: "spam suspicion",
        29: "content not permitted",
    }
)
# OVH's deliveryReceipt codes (the same section).
DELIVERY_RECEIPT_TEXTS: Final[Mapping[int, str]] = MappingProxyType(
    {
        0: "pending",
        1: "delivered",
        2: "failed",
        4: "pending",
        8: "buffered",
        16: "error (not billed)",
    }
)

# A callback's descriptionDlr when it is a text: the receipts it names alone
# ("pending" is 0 or 4, which mean the same and say nothing more).
_RECEIPTS_BY_TEXT: Final[Mapping[str, int]] = MappingProxyType(
    {"delivered": 1, "failed": 2, "buffered": 8, "error": 16, "error (not billed)": 16}
)

# deliveryReceipt 1 is what OVHcloud's own manager counts as delivered; ptt 4
# is the operator's "delivered".
_DELIVERED_RECEIPT: Final = 1
_DELIVERED_PTT: Final = 4
# ptt 8: the validity period ended before the phone took the SMS.
_EXPIRED_PTT: Final = 8
# deliveryReceipt 2 (failed) and 16 (error, not billed) are final.
_FAILED_RECEIPTS: Final = frozenset({2, 16})
# Final failures: undelivered (5), unknown final state (6: final, and not a
# delivery), undeliverable (20), invalid or barred number (23), SIM full
# (26), handset incompatible (27), spam suspicion (28), content not
# permitted (29).
_FAILED_PTTS: Final = frozenset({5, 6, 20, 23, 26, 27, 28, 29})
# Not final: OVH retries (1, 2), the operator accepted the SMS (3), and the
# subscriber is absent (24) or the network failed for a while (25): OVH keeps
# trying those until the validity period ends, which then reports ptt 8 or a
# failed deliveryReceipt.
_SENT_PTTS: Final = frozenset({1, 2, 3, 24, 25})
# OVH's delivery codes (ptt, deliveryReceipt) have a few digits.
_CODE_DIGITS: Final = 9


def delivery_status(
    delivery_receipt: int | None, ptt: int | None, *, sent: bool = False
) -> DeliveryStatus:
    """Return where an SMS stands from OVH's codes; sent: whether OVH gave it a sentAt.

    Evidence of delivery wins, then expiry (an expired SMS may also carry a
    failed deliveryReceipt: expired says more), then a final failure, then a
    ptt still in progress. Otherwise (deliveryReceipt 0, 4 or 8, or codes not
    known) the SMS is SENT once OVH tells when it was sent, else PENDING.
    """
    if delivery_receipt == _DELIVERED_RECEIPT or ptt == _DELIVERED_PTT:
        return DeliveryStatus.DELIVERED
    if ptt == _EXPIRED_PTT:
        return DeliveryStatus.EXPIRED
    if delivery_receipt in _FAILED_RECEIPTS or ptt in _FAILED_PTTS:
        return DeliveryStatus.FAILED
    if ptt in _SENT_PTTS or sent:
        return DeliveryStatus.SENT
    return DeliveryStatus.PENDING


def _describe(status: DeliveryStatus, delivery_receipt: int | None, ptt: int | None) -> str:
    """Return the text of OVH's codes: the ptt's when known (it says why), else the receipt's.

    A delivered SMS is "delivered" whatever its last ptt said.
    """
    if status is DeliveryStatus.DELIVERED:
        return PTT_TEXTS[_DELIVERED_PTT]
    if ptt is not None and ptt in PTT_TEXTS:
        return PTT_TEXTS[ptt]
    if delivery_receipt is not None and delivery_receipt in DELIVERY_RECEIPT_TEXTS:
        return DELIVERY_RECEIPT_TEXTS[delivery_receipt]
    return ""


def parse_datetime(value: object) -> datetime | None:
    """Read one of OVH's datetimes; None for anything unreadable, never an exception.

    ISO 8601 ("2026-11-22T10:15:32+01:00", "...Z", a space for the T), read
    as UTC when it has no offset; an integer (or a string of digits that is
    not an ISO date) is Unix seconds, as a callback may send.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            if not (text.isascii() and text.isdigit()):
                return None
            value = int(text)
        else:
            return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except OverflowError, OSError, ValueError:
            return None
    return None


def to_00_form(number: object) -> str:
    """Return a number as 00<country code>…: "+33612345678" is "0033612345678".

    A leading space before digits is a "+" a form decoding turned into a
    space. Any other form (0033…, a short code, a national number) is kept,
    stripped; what is not a string is "".
    """
    if not isinstance(number, str):
        return ""
    text = number.strip()
    if text.startswith("+"):
        return "00" + text[1:].lstrip()
    if number.startswith(" ") and text.isascii() and text.isdigit():
        return "00" + text
    return text


def _code(value: object) -> int | None:
    """Read one of OVH's numeric codes, a JSON number or a string of digits; else None.

    Longer strings of digits name no code (and past 4,300 digits int() raises).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= _CODE_DIGITS:
            return int(text)
    return None


def _object(data: object) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    return data


def _optional_text(value: object) -> str | None:
    """Return a string with something in it, else None."""
    return value if isinstance(value, str) and value.strip() else None


def report_from_outgoing(sms_id: str, data: object) -> DeliveryReport:
    """Read GET /sms/{account}/outgoing/{id}: a sent SMS and its delivery state.

    Raises TypeError when the answer is not a JSON object; any field missing
    or odd is read as unknown.
    """
    fields = _object(data)
    receipt = _code(fields.get("deliveryReceipt"))
    ptt = _code(fields.get("ptt"))
    status = delivery_status(receipt, ptt, sent=_optional_text(fields.get("sentAt")) is not None)
    return DeliveryReport(
        sms_id=sms_id,
        receiver=to_00_form(fields.get("receiver")),
        status=status,
        ptt=ptt,
        delivery_receipt=receipt,
        description=_describe(status, receipt, ptt),
        sent_at=parse_datetime(fields.get("sentAt")),
        delivered_at=parse_datetime(fields.get("deliveredAt")),
    )


def report_from_job(sms_id: str, data: object) -> DeliveryReport:
    """Read GET /sms/{account}/jobs/{id}: an SMS OVH has not sent yet (queued or deferred).

    Its status is PENDING whatever codes the job carries: they are not a
    delivery state yet, so none are kept. Raises TypeError when the answer is
    not a JSON object.
    """
    fields = _object(data)
    return DeliveryReport(
        sms_id=sms_id,
        receiver=to_00_form(fields.get("receiver")),
        status=DeliveryStatus.PENDING,
        ptt=None,
        delivery_receipt=None,
        description="waiting to be sent",
        sent_at=None,
        delivered_at=None,
    )


def reply_from_incoming(reply_id: str, data: object) -> Reply:
    """Read GET /sms/{account}/incoming/{id}: a reply received.

    Raises TypeError or KeyError when it is not an object with a sender and
    a message, both strings.
    """
    fields = _object(data)
    sender, message = fields["sender"], fields["message"]
    if not isinstance(sender, str) or not isinstance(message, str):
        raise TypeError("sender or message is not a string")
    return Reply(
        reply_id=reply_id,
        sender=to_00_form(sender),
        message=message,
        tag=_optional_text(fields.get("tag")),
        received_at=parse_datetime(fields.get("creationDatetime")),
    )


def _param(params: Mapping[str, str], key: str) -> str | None:
    """Return a callback parameter stripped, if it has something in it, else None."""
    value: object = params.get(key)
    return (value.strip() or None) if isinstance(value, str) else None


def delivery_from_callback(params: Mapping[str, str]) -> DeliveryReport | None:
    """Read the delivery report OVH pushes to the account's callBack URL; never raise.

    Parameters (sources disagree, docs/spec "Push instead of polling"): id,
    ptt, date, description, and the deliveryReceipt as dlr, or as
    descriptionDlr: a number, or a text ("Delivered", "Failed"...) read back
    to its code when it names one alone, and used as the description when
    description is missing; receiver (or to) when present. None when there
    is no id, or neither a ptt nor a deliveryReceipt: that is not a delivery
    report. The date is kept as delivered_at for a delivered SMS.
    """
    sms_id = _param(params, "id")
    receipt_text = _param(params, "descriptionDlr")
    ptt = _code(params.get("ptt"))
    receipt = _code(params.get("dlr"))
    if _code(receipt_text) is not None:
        receipt = receipt if receipt is not None else _code(receipt_text)
        receipt_text = None
    elif receipt is None and receipt_text is not None:
        receipt = _RECEIPTS_BY_TEXT.get(receipt_text.lower())
    if sms_id is None or (ptt is None and receipt is None):
        return None
    # OVH calls back about an SMS it handed to the operator: sent.
    status = delivery_status(receipt, ptt, sent=True)
    receiver: object = params.get("receiver" if _param(params, "receiver") else "to")
    return DeliveryReport(
        sms_id=sms_id,
        receiver=to_00_form(receiver),
        status=status,
        ptt=ptt,
        delivery_receipt=receipt,
        description=_param(params, "description")
        or receipt_text
        or _describe(status, receipt, ptt),
        sent_at=None,
        delivered_at=(
            parse_datetime(params.get("date")) if status is DeliveryStatus.DELIVERED else None
        ),
    )


def reply_from_callback(params: Mapping[str, str]) -> Reply | None:
    """Read a reply OVH pushes to the account's smsResponse cgiUrl; never raise.

    Parameters ([S], docs/spec "Push instead of polling"): shortcode, tag,
    id, senderid, message, and date if OVH adds one. None when there is no
    id, no senderid or no message: that is not a reply.
    """
    reply_id = _param(params, "id")
    sender = _param(params, "senderid")
    message: object = params.get("message")
    if reply_id is None or sender is None or not isinstance(message, str):
        return None
    return Reply(
        reply_id=reply_id,
        sender=to_00_form(params.get("senderid")),
        message=message,
        tag=_param(params, "tag"),
        received_at=parse_datetime(params.get("date")),
    )
