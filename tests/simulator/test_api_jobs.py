"""The simulator's jobs: refused, estimated and charged as OVH does."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
import json
from typing import Any

import pytest

from simulator import (
    DEFAULT_APPLICATION_KEY,
    AccessRule,
    OvhSimulator,
    SentSms,
)
from simulator.segments import SmsCoding

from .conftest import (
    JOB,
    NOT_GRANTED_CALL,
    SMS,
    WAITING,
    Client,
    bad_request,
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"foo": 1}, "Unknown body parameter foo"),
        ({"receiversSlotId": "abc"}, "receiversSlotId is not simulated: give receivers"),
        ({"foo": None}, "Unknown body parameter foo"),
        ({"message": None}, "[message] Property is mandatory"),
        ({"receivers": None}, "[receivers] Property is mandatory"),
        ({"sender": None}, "A sender is mandatory, unless senderForResponse is true"),
        ({"message": 5}, "[message] Given data (5) is not valid for type string"),
        ({"message": " \r"}, "[message] The message is empty"),
        (
            {"receivers": "+33612345678"},
            "[receivers] Given data (+33612345678) is not valid for type string[]",
        ),
        (
            {"receivers": [33612345678]},
            "[receivers] Given data ([33612345678]) is not valid for type string[]",
        ),
        ({"receivers": []}, "[receivers] At least one receiver is mandatory"),
        ({"senderForResponse": True}, "Give either a sender or senderForResponse, not both"),
        ({"sender": "Other"}, "Sms sender Other does not exists. Please create it first"),
        ({"sender": WAITING}, "Sms sender +33698765432 is not enabled (status waitingValidation)"),
        ({"sender": "OldAlarm"}, "Sms sender OldAlarm is not enabled (status refused)"),
        ({"sender": 1}, "[sender] Given data (1) is not valid for type string"),
        (
            {"senderForResponse": "true"},
            "[senderForResponse] Given data (true) is not valid for type boolean",
        ),
        ({"noStopClause": 1}, "[noStopClause] Given data (1) is not valid for type boolean"),
        ({"differedPeriod": -1}, "[differedPeriod] Given data (-1) is negative"),
        ({"differedPeriod": 1.5}, "[differedPeriod] Given data (1.5) is not valid for type long"),
        ({"validityPeriod": True}, "[validityPeriod] Given data (true) is not valid for type long"),
        ({"validityPeriod": -5}, "[validityPeriod] Given data (-5) is negative"),
        (
            {"priority": "urgent"},
            "[priority] Given data (urgent) does not belong to the sms.PriorityEnum enumeration",
        ),
        ({"class": "0"}, "[class] Given data (0) does not belong to the sms.ClassEnum enumeration"),
        (
            {"coding": "ucs2"},
            "[coding] Given data (ucs2) does not belong to the sms.CodingEnum enumeration",
        ),
        (
            {"charset": "latin1"},
            "[charset] Given data (latin1) does not belong to the sms.CharsetEnum enumeration",
        ),
        ({"tag": "t" * 21}, "[tag] At most 20 characters"),
        ({"message": "a" * 919}, "Message too long: 7 SMS, at most 6"),
        (
            {"message": "a" * 919, "receivers": ["0612345678"]},
            "Message too long: 7 SMS, at most 6",
        ),
    ],
)
async def test_bad_jobs_are_refused_like_ovh(
    api: Client, ovh: OvhSimulator, change: dict[str, Any], message: str
) -> None:
    """Each check of POST /jobs answers 400 with its message; nothing is sent nor charged."""
    answer = await api.call("POST", f"{SMS}/jobs", JOB | change)
    assert (answer.status, answer.body) == (400, bad_request(message))
    assert (ovh.sent, ovh.credits) == ([], Decimal(100))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "The input that you provided isn't valid JSON or not well formatted"),
        (b"[]", "The input that you provided isn't valid JSON or not well formatted"),
        (b"\xff", "The input that you provided isn't valid JSON or not well formatted"),
        (
            json.dumps({"receivers": ["+33612345678"], "sender": "HomeAlarm"}).encode(),
            "[message] Property is mandatory",
        ),
        (
            json.dumps({"message": "Hi", "sender": "HomeAlarm"}).encode(),
            "[receivers] Property is mandatory",
        ),
        (
            json.dumps({"message": "Hi", "receivers": ["+33612345678"]}).encode(),
            "A sender is mandatory, unless senderForResponse is true",
        ),
        (
            json.dumps(
                {"message": "Hi", "receivers": ["+33612345678"], "senderForResponse": False}
            ).encode(),
            "A sender is mandatory, unless senderForResponse is true",
        ),
    ],
)
async def test_bad_job_bodies_are_refused(
    api: Client, ovh: OvhSimulator, body: bytes, message: str
) -> None:
    """A body that is no JSON object, or lacks a required field, is a 400."""
    answer = await api.call("POST", f"{SMS}/jobs", raw_body=body)
    assert (answer.status, answer.body) == (400, bad_request(message))
    assert ovh.sent == []


async def test_a_job_charges_parts_times_receivers(api: Client, ovh: OvhSimulator) -> None:
    """Two valid numbers of a two-part commercial SMS cost 2 x 2 x 0.5; bad numbers cost nothing."""
    ovh.credit_per_segment = Decimal("0.5")
    body = {
        "message": "a" * 150,
        "receivers": ["+33612345678", "0033 6", "0033798765432", "abc", "0612345678"],
        "sender": "HomeAlarm",
        "noStopClause": False,
        "class": "flash",
        "tag": "alarm",
        "priority": "high",
        "charset": "UTF-8",
        "validityPeriod": 2880,
    }
    answer = await api.call("POST", f"{SMS}/jobs", body)
    account = await api.call("GET", SMS)
    assert (answer.status, answer.body) == (
        200,
        {
            "ids": [10867690, 10867691],
            "validReceivers": ["+33612345678", "+33798765432"],
            "invalidReceivers": ["0033 6", "abc", "0612345678"],
            "totalCreditsRemoved": 2,
            "tag": "alarm",
            "creditsLeft": 98,
        },
    )
    assert account.body["creditsLeft"] == 98
    assert ovh.sent == [
        SentSms(
            sms_ids=("10867690", "10867691"),
            received_at=datetime(2027, 1, 15, 8, tzinfo=UTC),
            sender="HomeAlarm",
            recipients=("+33612345678", "+33798765432"),
            message="a" * 150,
            coding=SmsCoding.GSM7,
            segments=2,
            credits_used=Decimal(2),
            no_stop=False,
            sms_class="0",
            deferred=None,
            tag="alarm",
            via="api",
        )
    ]


async def test_coding_is_deduced_from_the_text(api: Client, ovh: OvhSimulator) -> None:
    """The deprecated coding changes no cost: OVH codes the text as it needs.

    8bit does not make GSM text cost Unicode parts, nor 7bit Unicode text GSM ones;
    senderForResponse sends from the short number; a credit may be 0.5.
    """
    ovh.credit_per_segment = Decimal("0.5")
    body = {"message": "e" * 71, "receivers": ["+33612345678"], "senderForResponse": True}
    gsm = await api.call("POST", f"{SMS}/jobs", body | {"coding": "8bit"})
    unicode = await api.call(
        "POST",
        f"{SMS}/jobs",
        body
        | {"message": "\N{LATIN SMALL LETTER O WITH MACRON}" * 71, "sender": "", "coding": "7bit"},
    )
    assert [(answer.status, answer.body["totalCreditsRemoved"]) for answer in (gsm, unicode)] == [
        (200, 0.5),
        (200, 1),
    ]
    assert (unicode.body["creditsLeft"], unicode.body["tag"]) == (98.5, "")
    assert [(sms.sender, sms.coding, sms.segments) for sms in ovh.sent] == [
        ("", SmsCoding.GSM7, 1),
        ("", SmsCoding.UCS2, 2),
    ]


async def test_optional_job_parameters_may_be_null(api: Client, ovh: OvhSimulator) -> None:
    """python-ovh sends a parameter its caller passes as None as null: OVH reads it as left out."""
    nulls = dict.fromkeys(
        (
            "sender",
            "noStopClause",
            "differedPeriod",
            "validityPeriod",
            "priority",
            "class",
            "coding",
            "charset",
            "tag",
            "receiversSlotId",
            "receiversDocumentUrl",
        )
    )
    answer = await api.call(
        "POST",
        f"{SMS}/jobs",
        nulls | {"message": "Door open", "receivers": ["+33612345678"], "senderForResponse": True},
    )
    assert (answer.status, answer.body["ids"], answer.body["tag"]) == (200, [10867690], "")
    [sms] = ovh.sent
    assert (sms.sender, sms.no_stop, sms.deferred, sms.sms_class, sms.tag) == (
        "",
        False,
        None,
        None,
        None,
    )


@pytest.fixture
def estimating(api: Client, ovh: OvhSimulator) -> Client:
    """Give the client a key with the right POST /sms/estimate."""
    key = ovh.api.add_credential(DEFAULT_APPLICATION_KEY, [AccessRule("POST", "/sms/estimate")])
    ovh.api.validate(key.consumer_key)
    api.consumer_key = key.consumer_key
    return api


@pytest.mark.parametrize(
    ("message", "no_stop", "estimate"),
    [
        ("Door open", True, (9, "7bits", 160, 1)),
        ("Door open", False, (20, "7bits", 160, 1)),
        ("a" * 149, False, (160, "7bits", 160, 1)),
        ("a" * 150, False, (161, "7bits", 153, 2)),
        ("\N{EURO SIGN}" * 3, True, (6, "7bits", 160, 1)),
        ("\N{LATIN SMALL LETTER O WITH MACRON}" * 70, True, (70, "unicode", 70, 1)),
        ("\N{LATIN SMALL LETTER O WITH MACRON}" * 71, True, (71, "unicode", 67, 2)),
        ("\N{GRINNING FACE}", True, (2, "unicode", 70, 1)),
    ],
)
async def test_the_estimate_counts_as_a_job_is_charged(
    estimating: Client,
    ovh: OvhSimulator,
    message: str,
    *,
    no_stop: bool,
    estimate: tuple[object, ...],
) -> None:
    """POST /sms/estimate tells the coding, coded length and parts, the STOP mention counted."""
    answer = await estimating.call(
        "POST",
        "/sms/estimate",
        {"message": message, "noStopClause": no_stop, "senderType": "alpha"},
    )
    assert (answer.status, answer.body) == (
        200,
        dict(
            zip(
                ("characters", "charactersClass", "maxCharactersPerPart", "parts"),
                estimate,
                strict=True,
            )
        ),
    )
    assert (ovh.sent, ovh.credits) == ([], Decimal(100))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"senderType": None}, "[senderType] Property is mandatory"),
        ({"noStopClause": None}, "[noStopClause] Property is mandatory"),
        ({"message": None}, "[message] Property is mandatory"),
        (
            {"senderType": "robot"},
            "[senderType] Given data (robot) does not belong to the sms.TypeSenderEnum enumeration",
        ),
        ({"noStopClause": "yes"}, "[noStopClause] Given data (yes) is not valid for type boolean"),
        ({"coding": "7bit"}, "Unknown body parameter coding"),
    ],
)
async def test_bad_estimates_are_refused(
    estimating: Client, change: dict[str, Any], message: str
) -> None:
    """Every parameter of POST /sms/estimate is required, and of its type."""
    body = {"message": "Door open", "noStopClause": True, "senderType": "numeric"}
    answer = await estimating.call("POST", "/sms/estimate", body | change)
    assert (answer.status, answer.body) == (400, bad_request(message))


async def test_the_estimate_needs_its_right(api: Client) -> None:
    """The pre-validated key, like the integration's, lacks POST /sms/estimate."""
    body = {"message": "Door open", "noStopClause": True, "senderType": "alpha"}
    answer = await api.call("POST", "/sms/estimate", body)
    assert (answer.status, answer.body) == (403, NOT_GRANTED_CALL)


async def test_only_invalid_receivers_send_nothing(api: Client, ovh: OvhSimulator) -> None:
    """With no valid number the answer is still a 200, with no id and no credit taken."""
    answer = await api.call("POST", f"{SMS}/jobs", JOB | {"receivers": ["0612345678"]})
    assert (answer.status, answer.body) == (
        200,
        {
            "ids": [],
            "validReceivers": [],
            "invalidReceivers": ["0612345678"],
            "totalCreditsRemoved": 0,
            "tag": "",
            "creditsLeft": 100,
        },
    )
    assert ovh.sent == []


async def test_not_enough_credit(api: Client, ovh: OvhSimulator) -> None:
    """A job costing more than the credit left is a 400 naming the credit; nothing is taken."""
    ovh.credits = Decimal(1)
    answer = await api.call(
        "POST", f"{SMS}/jobs", JOB | {"receivers": ["+33612345678", "+33798765432"]}
    )
    assert (answer.status, answer.body) == (
        400,
        bad_request("Not enough credits: this job needs 2, 1 left"),
    )
    assert (ovh.sent, ovh.credits) == ([], Decimal(1))
