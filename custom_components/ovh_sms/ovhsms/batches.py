"""One send, several requests: batches of recipients, a few in flight, every outcome kept.

Shared by the transports: each gives the function that makes one request for a
batch of recipients; this module never retries, stops the batches not started
after a refusal that proves the account cannot send, and sorts recipients into
sent, not sent and maybe sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal

from .errors import (
    OutcomeUnknownError,
    OvhSmsError,
    PartialSendError,
    RecipientsRefusedError,
)
from .models import Accepted, SendResult, Sms
from .transport import fan_out

type BatchRequest = Callable[[Sequence[str]], Awaitable[Accepted]]


async def send_in_batches(
    sms: Sms, request: BatchRequest, *, batch_size: int, max_in_flight: int
) -> SendResult:
    """Send the SMS, one request per batch of recipients, a few in flight; never retry.

    Returns when OVH accepted every request and every recipient. Otherwise
    raises: the failure itself when no recipient got the SMS and the outcome
    is the same for all (nothing sent, or all unknown), else PartialSendError
    naming who got it,
    who did not and for whom the outcome is unknown. A refusal that proves
    the account cannot send (credentials, IP, credit, sender) stops the
    requests not started yet.
    """
    batches = [
        sms.recipients[start : start + batch_size]
        for start in range(0, len(sms.recipients), batch_size)
    ]
    outcomes, stopped_by = await fan_out(
        batches, request, max_in_flight=max_in_flight, not_started=lambda _: None
    )
    return _outcome(sms, batches, outcomes, stopped_by)


def _outcome(
    sms: Sms,
    batches: Sequence[tuple[str, ...]],
    outcomes: Sequence[Accepted | OvhSmsError | None],
    stopped_by: OvhSmsError | None,
) -> SendResult:
    """Sort each batch's recipients by outcome; return if all were accepted, else raise.

    The numbers OVH refused within accepted requests were not sent to; one
    RecipientsRefusedError names them all, ranked as the failure of the first
    batch that had any.
    """
    sent: list[str] = []
    sms_ids: list[str] = []
    credits_left: list[Decimal] = []
    credits_removed: list[Decimal | None] = []
    not_sent: list[str] = []
    unknown: list[str] = []
    errors: list[OvhSmsError] = []
    refused: list[str] = []
    refused_rank = 0
    for batch, outcome in zip(batches, outcomes, strict=True):
        if isinstance(outcome, Accepted):
            refused_here = [number for number in batch if number in outcome.refused]
            if refused_here and not refused:
                refused_rank = len(errors)
            refused.extend(refused_here)
            not_sent.extend(refused_here)
            sent.extend(number for number in batch if number not in refused_here)
            sms_ids.extend(outcome.sms_ids)
            if outcome.credits_left is not None:
                credits_left.append(outcome.credits_left)
            credits_removed.append(outcome.credits_removed)
        elif isinstance(outcome, OutcomeUnknownError):
            unknown.extend(batch)
            errors.append(outcome)
        else:  # refused, not reached, or not started
            not_sent.extend(batch)
            if outcome is not None:
                errors.append(outcome)
    if refused:
        errors.insert(refused_rank, RecipientsRefusedError(tuple(refused)))
    result = SendResult(
        sms_ids=tuple(sms_ids),
        # Concurrent answers arrive in any order; the credit only drops during a send.
        credits_left=min(credits_left) if credits_left else None,
        segments=sms.segments,
        recipients=tuple(sent),
        requests=sum(outcome is not None for outcome in outcomes),
        deferred=sms.deferred,
        credits_removed=_total(credits_removed),
    )
    if not errors:
        return result
    cause = stopped_by or errors[0]
    if not sent and (not unknown or not not_sent):
        raise cause
    raise PartialSendError(result, tuple(not_sent), tuple(unknown), cause)


def _total(costs: Sequence[Decimal | None]) -> Decimal | None:
    """Add the requests' costs, if OVH told every one of them."""
    known = [cost for cost in costs if cost is not None]
    return sum(known, Decimal(0)) if known and len(known) == len(costs) else None
