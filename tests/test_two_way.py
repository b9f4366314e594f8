"""Delivery reports and replies: OVH's codes, answers, datetimes and push callbacks, read."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from custom_components.ovh_sms.ovhsms import (
    DELIVERY_RECEIPT_TEXTS,
    FINAL_STATUSES,
    PTT_TEXTS,
    DeliveryReport,
    DeliveryStatus,
    Reply,
    delivery_from_callback,
    delivery_status,
    parse_datetime,
    reply_from_callback,
    reply_from_incoming,
    report_from_job,
    report_from_outgoing,
    to_00_form,
)

PENDING = DeliveryStatus.PENDING
SENT = DeliveryStatus.SENT
DELIVERED = DeliveryStatus.DELIVERED
FAILED = DeliveryStatus.FAILED
EXPIRED = DeliveryStatus.EXPIRED
ALICE = "0033612345678"
PARIS_WINTER = timezone(timedelta(hours=1))
SENT_AT = datetime(2026, 11, 22, 10, 15, 32, tzinfo=PARIS_WINTER)
DELIVERED_AT = datetime(2026, 11, 22, 10, 15, 40, tzinfo=PARIS_WINTER)
OUTGOING = {
    "id": 26929925,
    "creationDatetime": "2026-11-22T10:15:30+01:00",
    "sentAt": "2026-11-22T10:15:32+01:00",
    "deliveredAt": "2026-11-22T10:15:40+01:00",
    "receiver": "+33612345678",
    "sender": "",
    "message": "Leak in the kitchen",
    "numberOfSms": 1,
    "credits": 1,
    "tag": "",
    "deliveryReceipt": 1,
    "ptt": 4,
    "differedDelivery": 0,
}


# --- the status ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("receipt", "ptt", "sent", "status"),
    [
        # deliveryReceipt 1 or ptt 4: delivered, whatever the other says.
        (1, None, False, DELIVERED),
        (1, 3, False, DELIVERED),
        (1, 5, True, DELIVERED),
        (0, 4, False, DELIVERED),
        (None, 4, False, DELIVERED),
        (2, 4, True, DELIVERED),
        # ptt 8: expired, even with a failed receipt.
        (None, 8, False, EXPIRED),
        (2, 8, True, EXPIRED),
        (16, 8, True, EXPIRED),
        (0, 8, True, EXPIRED),
        # deliveryReceipt 2 or 16, or a final failure's ptt: failed.
        (2, None, False, FAILED),
        (16, None, True, FAILED),
        (2, 24, True, FAILED),
        (16, 25, True, FAILED),
        (2, 3, True, FAILED),
        (0, 5, False, FAILED),
        (None, 6, False, FAILED),
        (4, 20, True, FAILED),
        (8, 23, True, FAILED),
        (None, 26, False, FAILED),
        (None, 27, False, FAILED),
        (None, 28, False, FAILED),
        (None, 29, False, FAILED),
        # Retrying, accepted by the operator, subscriber absent, network failure: sent.
        (0, 1, False, SENT),
        (0, 2, False, SENT),
        (None, 3, False, SENT),
        (4, 24, False, SENT),
        (8, 25, False, SENT),
        # No final code: sent once OVH tells when, else pending.
        (0, None, False, PENDING),
        (0, None, True, SENT),
        (4, None, False, PENDING),
        (4, None, True, SENT),
        (8, None, False, PENDING),
        (8, None, True, SENT),
        (None, None, False, PENDING),
        (None, None, True, SENT),
        # Codes OVH may add later: the same rule.
        (32, 0, False, PENDING),
        (32, 99, True, SENT),
    ],
)
def test_status_of_codes(receipt: int | None, ptt: int | None, *, sent: bool, status: str) -> None:
    """Each deliveryReceipt and ptt of the spec has its status."""
    assert delivery_status(receipt, ptt, sent=sent) is status


def test_sent_is_keyword_only_and_off_by_default() -> None:
    """Without sent, codes that are not final mean pending."""
    assert delivery_status(0, None) is PENDING
    assert delivery_status(None, 3) is SENT


def test_final_statuses_and_values() -> None:
    """Delivered, failed and expired are final; the values are stable strings."""
    assert {DELIVERED, FAILED, EXPIRED} == FINAL_STATUSES
    assert [status.value for status in DeliveryStatus] == [
        "pending",
        "sent",
        "delivered",
        "failed",
        "expired",
    ]
    for status in DeliveryStatus:
        report = DeliveryReport("1", ALICE, status, None, None, "", None, None)
        assert report.final is (status in {DELIVERED, FAILED, EXPIRED})


def test_texts_of_the_codes() -> None:
    """The spec's English texts, read-only."""
    assert dict(PTT_TEXTS) == {
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
    assert dict(DELIVERY_RECEIPT_TEXTS) == {
        0: "pending",
        1: "delivered",
        2: "failed",
        4: "pending",
        8: "buffered",
        16: "error (not billed)",
    }
    with pytest.raises(TypeError):
        PTT_TEXTS[4] = "lost"  # type: ignore[index]


def test_models_are_frozen() -> None:
    """A report or a reply cannot be changed once read."""
    reply = Reply("1", ALICE, "Yes", None, None)
    with pytest.raises(FrozenInstanceError):
        reply.message = "No"  # type: ignore[misc]


# --- datetimes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-22T10:15:32+01:00", SENT_AT),
        ("2026-11-22T09:15:32Z", SENT_AT),
        ("2026-11-22T09:15:32", SENT_AT),
        ("2026-11-22 09:15:32", SENT_AT),
        (" 2026-11-22T10:15:32+01:00 ", SENT_AT),
        ("2026-11-22T09:15:32.250000+00:00", SENT_AT + timedelta(microseconds=250000)),
        ("2026-11-22", datetime(2026, 11, 22, tzinfo=UTC)),
        ("1795338932", SENT_AT),
        (1795338932, SENT_AT),
        ("", None),
        ("   ", None),
        ("yesterday", None),
        ("2026-13-01T00:00:00Z", None),
        ("2026-11-22T10:15:32+25:00", None),
        ("99999999999999999999", None),
        (99999999999999999999, None),
        (-99999999999999, None),
        ("١٢٣٤٥٦٧٨٩٠", None),
        ("-1", None),
        (True, None),
        (1.5, None),
        (None, None),
        ([], None),
    ],
)
def test_datetimes(value: object, expected: datetime | None) -> None:
    """ISO 8601 with or without an offset (UTC then), Unix seconds; else None, never raising."""
    when = parse_datetime(value)
    assert when == expected
    if when is not None:
        assert when.tzinfo is not None


def test_an_offset_is_kept() -> None:
    """OVH's offset stays as given: the same instant, the wall time OVH wrote."""
    when = parse_datetime("2026-11-22T10:15:32+01:00")
    assert when is not None
    assert (when.hour, when.utcoffset()) == (10, timedelta(hours=1))


# --- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+33612345678", ALICE),
        (" +33612345678 ", ALICE),
        ("+ 33612345678", ALICE),
        (" 33612345678", ALICE),
        (ALICE, ALICE),
        ("38100", "38100"),
        ("0612345678", "0612345678"),
        ("33612345678", "33612345678"),
        (" 3361234567x", "3361234567x"),
        ("", ""),
        (None, ""),
        (33612345678, ""),
    ],
)
def test_numbers_in_the_00_form(number: object, expected: str) -> None:
    """+ becomes 00 (also a + a form decoding made a space); any other form is kept."""
    assert to_00_form(number) == expected


# --- the API's answers --------------------------------------------------------------


def test_delivered_outgoing() -> None:
    """Every field read: the receiver in the 00 form, OVH's datetimes with their offset."""
    assert report_from_outgoing("26929925", OUTGOING) == DeliveryReport(
        sms_id="26929925",
        receiver=ALICE,
        status=DELIVERED,
        ptt=4,
        delivery_receipt=1,
        description="delivered",
        sent_at=SENT_AT,
        delivered_at=DELIVERED_AT,
    )


@pytest.mark.parametrize(
    ("fields", "status", "description"),
    [
        ({"deliveryReceipt": 0, "ptt": None, "deliveredAt": None}, SENT, "pending"),
        (
            {"deliveryReceipt": 0, "ptt": None, "sentAt": None, "deliveredAt": None},
            PENDING,
            "pending",
        ),
        ({"deliveryReceipt": 8, "ptt": None, "sentAt": ""}, PENDING, "buffered"),
        ({"deliveryReceipt": 0, "ptt": 3}, SENT, "accepted by the operator"),
        ({"deliveryReceipt": 4, "ptt": 24}, SENT, "subscriber absent"),
        ({"deliveryReceipt": 2, "ptt": 24}, FAILED, "subscriber absent"),
        ({"deliveryReceipt": 2, "ptt": 8}, EXPIRED, "expired"),
        ({"deliveryReceipt": 16, "ptt": 99}, FAILED, "error (not billed)"),
        ({"deliveryReceipt": 1, "ptt": 3}, DELIVERED, "delivered"),
        ({"deliveryReceipt": 32, "ptt": 99}, SENT, ""),
        ({"deliveryReceipt": "2", "ptt": " 5 "}, FAILED, "undelivered"),
    ],
)
def test_outgoing_states(fields: dict[str, Any], status: str, description: str) -> None:
    """The status and the text of the codes that decide it (the ptt's says why)."""
    report = report_from_outgoing("7", OUTGOING | fields)
    assert (report.status, report.description) == (status, description)


@pytest.mark.parametrize(
    "odd",
    [
        {"deliveryReceipt": None, "ptt": None},
        {"deliveryReceipt": True, "ptt": False},
        {"deliveryReceipt": 1.0, "ptt": "4.0"},
        {"deliveryReceipt": "x", "ptt": []},
    ],
)
def test_odd_codes_are_unknown(odd: dict[str, Any]) -> None:
    """A code that is not an integer is unknown: the SMS is sent (it has a sentAt)."""
    report = report_from_outgoing("7", OUTGOING | odd)
    assert (report.ptt, report.delivery_receipt, report.status) == (None, None, SENT)


def test_sparse_outgoing() -> None:
    """An object with nothing known in it: no receiver, pending, no dates."""
    assert report_from_outgoing("7", {"receiver": 33612345678, "sentAt": "soon"}) == (
        DeliveryReport("7", "", SENT, None, None, "", None, None)
    )
    assert report_from_outgoing("7", {}) == DeliveryReport(
        "7", "", PENDING, None, None, "", None, None
    )


@pytest.mark.parametrize("answer", [None, [], "26929925", 1])
def test_outgoing_not_an_object(answer: object) -> None:
    """Not an object: unreadable (the client makes it UnreadableAnswerError)."""
    with pytest.raises(TypeError, match="not a JSON object"):
        report_from_outgoing("7", answer)
    with pytest.raises(TypeError, match="not a JSON object"):
        report_from_job("7", answer)


def test_job() -> None:
    """A job is not sent yet: pending, whatever codes it carries."""
    answer = OUTGOING | {"ptt": 4, "deliveryReceipt": 1, "receiver": "+33698765432"}
    assert report_from_job("26929925", answer) == DeliveryReport(
        sms_id="26929925",
        receiver="0033698765432",
        status=PENDING,
        ptt=None,
        delivery_receipt=None,
        description="waiting to be sent",
        sent_at=None,
        delivered_at=None,
    )
    assert report_from_job("1", {}).receiver == ""


def test_incoming() -> None:
    """A reply: the sender in the 00 form, the tag of the SMS answered, when it came."""
    answer = {
        "id": 20000001,
        "creationDatetime": "2026-11-22T10:20:00+01:00",
        "sender": "+33612345678",
        "message": " Yes, closed the valve ",
        "tag": "leak",
        "credits": 1,
    }
    assert reply_from_incoming("20000001", answer) == Reply(
        reply_id="20000001",
        sender=ALICE,
        message=" Yes, closed the valve ",
        tag="leak",
        received_at=datetime(2026, 11, 22, 9, 20, tzinfo=UTC),
    )


def test_incoming_without_tag_or_date() -> None:
    """An empty tag is none; a missing or odd date is unknown."""
    answer = {"sender": "0033612345678", "message": "", "tag": " ", "creationDatetime": 0.5}
    assert reply_from_incoming("1", answer) == Reply("1", ALICE, "", None, None)
    assert reply_from_incoming("1", {"sender": "x", "message": "m"}).tag is None


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ([], TypeError),
        ({"message": "Yes"}, KeyError),
        ({"sender": ALICE}, KeyError),
        ({"sender": 33612345678, "message": "Yes"}, TypeError),
        ({"sender": ALICE, "message": None}, TypeError),
    ],
)
def test_unreadable_incoming(answer: object, error: type[Exception]) -> None:
    """A reply needs a sender and a message, both strings."""
    with pytest.raises(error):
        reply_from_incoming("1", answer)


# --- push callbacks -----------------------------------------------------------------


def test_delivery_callback() -> None:
    """OVH's report: its description kept, the date as delivered_at of a delivered SMS."""
    params = {
        "id": "26929925",
        "ptt": "4",
        "date": "2026-11-22T10:15:40+01:00",
        "description": "Delivered",
        "descriptionDlr": "Delivered",
        "receiver": "+33612345678",
    }
    assert delivery_from_callback(params) == DeliveryReport(
        sms_id="26929925",
        receiver=ALICE,
        status=DELIVERED,
        ptt=4,
        delivery_receipt=1,
        description="Delivered",
        sent_at=None,
        delivered_at=DELIVERED_AT,
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # dlr as a number, no description: the text of the codes.
        ({"id": "7", "dlr": "2", "ptt": "24"}, (FAILED, 24, 2, "subscriber absent")),
        ({"id": "7", "dlr": "1"}, (DELIVERED, None, 1, "delivered")),
        # descriptionDlr as a number, when dlr is missing.
        ({"id": "7", "descriptionDlr": "16"}, (FAILED, None, 16, "error (not billed)")),
        # dlr wins over a numeric descriptionDlr.
        ({"id": "7", "dlr": "1", "descriptionDlr": "2"}, (DELIVERED, None, 1, "delivered")),
        # descriptionDlr as a text: read back to its code, and the description.
        ({"id": "7", "ptt": "24", "descriptionDlr": "Failed"}, (FAILED, 24, 2, "Failed")),
        ({"id": "7", "ptt": "3", "descriptionDlr": "Buffered"}, (SENT, 3, 8, "Buffered")),
        ({"id": "7", "ptt": "1", "descriptionDlr": "Pending"}, (SENT, 1, None, "Pending")),
        ({"id": "7", "ptt": "1", "descriptionDlr": "ERROR"}, (FAILED, 1, 16, "ERROR")),
        # dlr given: descriptionDlr is only a text.
        ({"id": "7", "dlr": "8", "descriptionDlr": "Failed"}, (SENT, None, 8, "Failed")),
        # description first.
        (
            {"id": "7", "ptt": "8", "description": " Expired ", "descriptionDlr": "Failed"},
            (EXPIRED, 8, 2, "Expired"),
        ),
        # A callback is about an SMS handed over: sent, not pending.
        ({"id": "7", "dlr": "0"}, (SENT, None, 0, "pending")),
        ({"id": "7", "ptt": "99", "description": ""}, (SENT, 99, None, "")),
    ],
)
def test_delivery_callback_variants(params: dict[str, str], expected: tuple[Any, ...]) -> None:
    """Dlr or descriptionDlr, as a number or a text; description or the codes' text."""
    report = delivery_from_callback(params)
    assert report is not None
    assert (report.status, report.ptt, report.delivery_receipt, report.description) == expected
    assert (report.sms_id, report.receiver, report.sent_at) == ("7", "", None)


@pytest.mark.parametrize(
    ("params", "receiver"),
    [
        ({"receiver": "+33612345678"}, ALICE),
        ({"receiver": " 33612345678"}, ALICE),
        ({"to": "0033612345678"}, ALICE),
        ({"receiver": " ", "to": "+33612345678"}, ALICE),
        ({"receiver": "+33612345678", "to": "0033698765432"}, ALICE),
        ({}, ""),
    ],
)
def test_delivery_callback_receiver(params: dict[str, str], receiver: str) -> None:
    """receiver, else to; a + decoded to a space still reads; absent is ""."""
    report = delivery_from_callback({"id": "7", "ptt": "3"} | params)
    assert report is not None
    assert report.receiver == receiver


@pytest.mark.parametrize(
    ("date", "delivered_at"),
    [
        ("2026-11-22T10:15:40+01:00", DELIVERED_AT),
        ("2026-11-22 09:15:40", DELIVERED_AT),
        ("1795338940", DELIVERED_AT),
        ("22/11/2026 10:15", None),
        ("", None),
    ],
)
def test_delivery_callback_dates(date: str, delivered_at: datetime | None) -> None:
    """The date, however written, or none."""
    report = delivery_from_callback({"id": "7", "ptt": "4", "date": date})
    assert report is not None
    assert report.delivered_at == delivered_at


def test_a_failure_date_is_no_delivery_date() -> None:
    """The date of a failure report is not a delivery."""
    report = delivery_from_callback({"id": "7", "ptt": "5", "date": "2026-11-22T10:15:40Z"})
    assert report is not None
    assert (report.status, report.delivered_at) == (FAILED, None)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ptt": "4", "dlr": "1"},
        {"id": "", "ptt": "4"},
        {"id": " ", "ptt": "4"},
        {"id": "7"},
        {"id": "7", "ptt": "", "dlr": "x", "descriptionDlr": "Pending"},
        {"id": "7", "ptt": "4.0", "descriptionDlr": "Lost"},
        {"id": "7", "ptt": "-1"},
        {"id": ["7"], "ptt": "4"},
        {"id": "7", "ptt": 4.0},
        # Digits past Python's 4,300 for an int (a forged call): no code of OVH's.
        {"id": "7", "ptt": "4" * 5000},
        {"id": "7", "dlr": "1" * 5000},
        {"id": "7", "descriptionDlr": "1" * 5000},
        # A reply is not a delivery report.
        {"shortcode": "38100", "id": "20000001", "senderid": "+33612345678", "message": "Yes"},
    ],
)
def test_not_a_delivery_report(params: dict[str, Any]) -> None:
    """No id, or neither a ptt nor a deliveryReceipt: None, never an exception."""
    assert delivery_from_callback(params) is None


def test_delivery_callback_takes_numbers_as_given() -> None:
    """A mapping of other values (a framework's) is read the same where they are integers."""
    report = delivery_from_callback({"id": "7", "ptt": 4, "dlr": 1})  # type: ignore[dict-item]
    assert report is not None
    assert (report.status, report.ptt, report.delivery_receipt) == (DELIVERED, 4, 1)


def test_reply_callback() -> None:
    """OVH's push of a reply: the sender in the 00 form, the tag, the message as sent."""
    params = {
        "shortcode": "38100",
        "tag": "leak",
        "id": "20000001",
        "senderid": "+33612345678",
        "message": " Yes, closed ",
    }
    assert reply_from_callback(params) == Reply("20000001", ALICE, " Yes, closed ", "leak", None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"id": "5", "senderid": " 33612345678", "message": "", "tag": ""},
            Reply("5", ALICE, "", None, None),
        ),
        (
            {"id": "5", "senderid": "0033612345678", "message": "ok", "date": "2026-11-22"},
            Reply("5", ALICE, "ok", None, datetime(2026, 11, 22, tzinfo=UTC)),
        ),
        (
            {"id": "5", "senderid": "+33612345678", "message": "ok", "date": "later"},
            Reply("5", ALICE, "ok", None, None),
        ),
    ],
)
def test_reply_callback_variants(params: dict[str, str], expected: Reply) -> None:
    """Empty tag, a + decoded to a space, a date when OVH adds one."""
    assert reply_from_callback(params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"senderid": ALICE, "message": "Yes"},
        {"id": "5", "message": "Yes"},
        {"id": "5", "senderid": " ", "message": "Yes"},
        {"id": "5", "senderid": ALICE},
        {"id": "5", "senderid": ALICE, "message": None},
        {"id": "5", "senderid": 33612345678, "message": "Yes"},
        # A delivery report is not a reply.
        {"id": "7", "ptt": "4", "description": "Delivered"},
    ],
)
def test_not_a_reply(params: dict[str, Any]) -> None:
    """No id, sender or message: None, never an exception."""
    assert reply_from_callback(params) is None
