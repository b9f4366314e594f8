"""The simulator's deferred jobs and outgoing SMS: sent when due, cancelled, deleted, filtered."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator import (
    DEFAULT_APPLICATION_KEY,
    DEFAULT_RULES,
    AccessRule,
    OvhSimulator,
)

from .conftest import (
    JOB,
    NOT_GRANTED_CALL,
    NOW,
    SMS,
    WAITING,
    Client,
    bad_request,
    not_found,
)


def job_fields(sms_id: int, **changes: Any) -> dict[str, Any]:
    """Write a deferred job's fields, as GET /jobs/{id} shows them."""
    return {
        "id": sms_id,
        "creationDatetime": "2027-01-15T08:00:00+00:00",
        "message": "Door open",
        "messageLength": 9,
        "sender": "HomeAlarm",
        "receiver": "+33612345678",
        "numberOfSms": 1,
        "credits": 1,
        "differedDelivery": 10,
        "deliveryReceipt": 0,
        "ptt": 0,
        "sentAt": None,
        "deliveredAt": None,
    } | changes


async def test_deferred_jobs_until_due_then_outgoing(api: Client, ovh: OvhSimulator) -> None:
    """A deferred SMS is a job until its time, then an outgoing SMS; the page marks delivery."""
    sent = await api.call("POST", f"{SMS}/jobs", JOB | {"differedPeriod": 10, "tag": "door"})
    [sms_id] = sent.body["ids"]
    jobs = await api.call("GET", f"{SMS}/jobs")
    job = await api.call("GET", f"{SMS}/jobs/{sms_id}")
    outgoing = await api.call("GET", f"{SMS}/outgoing")
    early = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    assert (sent.status, sms_id, jobs.body, outgoing.body) == (200, 10867690, [10867690], [])
    assert (job.status, job.body) == (200, job_fields(sms_id))
    assert (early.status, early.body) == (
        404,
        not_found("The requested object (id = 10867690) does not exist"),
    )
    api.clock.now = NOW + 600
    after = [
        (await api.call("GET", path)).body
        for path in (
            f"{SMS}/jobs",
            f"{SMS}/outgoing",
            f"{SMS}/outgoing?tag=door",
            f"{SMS}/outgoing?tag=other",
            f"{SMS}/outgoing?receiver=%2B33612345678",
            f"{SMS}/outgoing?creationDatetime.from=2027-01-15T08:00:00%2B00:00",
            f"{SMS}/outgoing?creationDatetime.to=2027-01-15T07:59:59Z",
            f"{SMS}/outgoing?differedDelivery=10",
            f"{SMS}/outgoing?differedDelivery=0",
            f"{SMS}/outgoing?batchID=0b0c4a6e-3f6e-4d35-9d42-1f0a8c7b2e91",
            f"{SMS}/outgoing?messageID=0B0C4A6E-3F6E-4D35-9D42-1F0A8C7B2E91",
        )
    ]
    assert after == [[], [sms_id], [sms_id], [], [sms_id], [sms_id], [], [sms_id], [], [], []]
    out = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    gone = await api.call("GET", f"{SMS}/jobs/{sms_id}")
    sent_fields = job_fields(
        sms_id, sentAt="2027-01-15T08:10:00+00:00", tag="door", batchID=None, messageID=None
    )
    assert (out.status, out.body) == (200, sent_fields)
    assert gone.status == 404
    marked = await api.post_form("/api/delivery", {"id": str(sms_id), "state": "delivered"})
    delivered = await api.call("GET", f"{SMS}/outgoing/{sms_id}")
    filtered = await api.call("GET", f"{SMS}/outgoing?deliveryReceipt=1")
    assert marked.status == 303
    assert delivered.body == sent_fields | {
        "deliveryReceipt": 1,
        "ptt": 4,
        "deliveredAt": "2027-01-15T08:10:00+00:00",
    }
    assert filtered.body == [sms_id]
    _, page = await api.page()
    assert (
        "<tr><td>10867690</td><td>+33612345678</td><td>sent 2027-01-15T08:10:00+00:00</td>"
        "<td id=delivery-10867690><b>delivered</b>: deliveryReceipt 1, ptt 4 (delivered), "
        "2027-01-15T08:10:00+00:00<form method=post action=/api/delivery>"
    ) in page


async def test_a_deferred_job_is_cancelled_and_refunded(api: Client, ovh: OvhSimulator) -> None:
    """DELETE /jobs/{id} cancels a pending job and gives its credit back; it never leaves."""
    sent = await api.call(
        "POST",
        f"{SMS}/jobs",
        JOB | {"differedPeriod": 60, "receivers": ["+33612345678", "+33798765432"]},
    )
    first, second = sent.body["ids"]
    deleted = await api.call("DELETE", f"{SMS}/jobs/{first}")
    again = await api.call("DELETE", f"{SMS}/jobs/{first}")
    bad_id = await api.call("DELETE", f"{SMS}/jobs/abc")
    jobs = await api.call("GET", f"{SMS}/jobs")
    assert (sent.body["creditsLeft"], deleted.status, deleted.body) == (98, 200, None)
    assert (again.status, again.body) == (
        404,
        not_found(f"The requested object (id = {first}) does not exist"),
    )
    assert (bad_id.status, bad_id.body) == (
        400,
        bad_request("[id] Given data (abc) is not valid for type long"),
    )
    assert (jobs.body, ovh.credits, ovh.api.cancelled) == ([second], Decimal(99), {first})
    _, page = await api.page()
    assert (
        f"<tr><td>{first}</td><td>+33612345678</td><td>cancelled</td><td></td><td></td></tr>"
    ) in page
    assert (
        f"<tr><td>{second}</td><td>+33798765432</td><td>job, due 2027-01-15T09:00:00+00:00</td>"
        in page
    )
    api.clock.now = NOW + 3600
    outgoing = await api.call("GET", f"{SMS}/outgoing")
    assert outgoing.body == [second]


async def test_an_outgoing_sms_is_deleted_from_the_history(api: Client, ovh: OvhSimulator) -> None:
    """DELETE /outgoing/{id} needs its right and hides a sent SMS from the API; no credit back."""
    sent = await api.call("POST", f"{SMS}/jobs", JOB | {"receivers": [WAITING, "+33612345678"]})
    kept, deleted = sent.body["ids"]
    deferred = (await api.call("POST", f"{SMS}/jobs", JOB | {"differedPeriod": 60})).body["ids"]
    not_granted = await api.call("DELETE", f"{SMS}/outgoing/{deleted}")
    key = ovh.api.add_credential(
        DEFAULT_APPLICATION_KEY, [*DEFAULT_RULES, AccessRule("DELETE", "/sms/*/outgoing/*")]
    )
    ovh.api.validate(key.consumer_key)
    api.consumer_key = key.consumer_key
    answers = [
        await api.call("DELETE", f"{SMS}/outgoing/{deleted}"),
        await api.call("DELETE", f"{SMS}/outgoing/{deleted}"),
        await api.call("GET", f"{SMS}/outgoing/{deleted}"),
        await api.call("DELETE", f"{SMS}/outgoing/{deferred[0]}"),
    ]
    outgoing = await api.call("GET", f"{SMS}/outgoing")
    assert (not_granted.status, not_granted.body) == (403, NOT_GRANTED_CALL)
    assert [(answer.status, answer.body) for answer in answers] == [
        (200, None),
        (404, not_found(f"The requested object (id = {deleted}) does not exist")),
        (404, not_found(f"The requested object (id = {deleted}) does not exist")),
        (404, not_found(f"The requested object (id = {deferred[0]}) does not exist")),
    ]
    assert (outgoing.body, ovh.credits) == ([kept], Decimal(97))
    _, page = await api.page()
    assert (
        f"<tr><td>{deleted}</td><td>+33612345678</td><td>sent 2027-01-15T08:00:00+00:00, "
        "deleted from the history</td>"
    ) in page


async def test_outgoing_filters_are_checked(api: Client) -> None:
    """GET /outgoing takes OVH's filters only, with values of their type."""
    unknown = await api.call("GET", f"{SMS}/outgoing?status=sent")
    not_long = await api.call("GET", f"{SMS}/outgoing?ptt=x")
    not_date = await api.call("GET", f"{SMS}/outgoing?creationDatetime.from=yesterday")
    not_delay = await api.call("GET", f"{SMS}/outgoing?differedDelivery=-1")
    not_uuid = await api.call("GET", f"{SMS}/outgoing?batchID=batch-1")
    assert [(a.status, a.body) for a in (unknown, not_long, not_delay, not_uuid, not_date)] == [
        (400, bad_request("Unknown query parameter status")),
        (400, bad_request("[ptt] Given data (x) is not valid for type long")),
        (400, bad_request("[differedDelivery] Given data (-1) is not valid for type long")),
        (400, bad_request("[batchID] Given data (batch-1) is not valid for type uuid")),
        (
            400,
            bad_request(
                "[creationDatetime.from] Given data (yesterday) is not valid for type datetime"
            ),
        ),
    ]
