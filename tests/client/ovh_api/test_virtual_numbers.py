"""Virtual numbers: the list, sending from one, what it received: the calls OVH receives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped]
    AiohttpClientMocker,
)

from custom_components.ovh_sms.ovhsms import (
    AccessDeniedError,
    OvhApiClient,
    Reply,
    SendResult,
    StopMentionFromNumberError,
    UnreadableAnswerError,
)

from .conftest import (
    ACCEPTED,
    ACCOUNT,
    ALICE,
    API,
    NOW,
    READ_RULE,
    calls,
    compact,
    signed,
    sms,
    time_call,
)

NUMBER = "33700000001"
NUMBERS = f"{API}/sms/{ACCOUNT}/virtualNumbers"
NUMBER_JOBS = f"{NUMBERS}/{NUMBER}/jobs"
NUMBER_INCOMING = f"{NUMBERS}/{NUMBER}/incoming"
INCOMING_ID = "30000001"
DENIED = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}
# The body of the default SMS to Alice from a virtual number: no sender of any kind.
FROM_NUMBER_JOB: dict[str, Any] = {
    "message": "Leak in the kitchen",
    "receivers": [ALICE],
    "priority": "high",
    "charset": "UTF-8",
}


async def test_virtual_numbers(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """GET /sms/{account}/virtualNumbers: the numbers as OVH writes them, in its order."""
    ovh.get(NUMBERS, json=[NUMBER, "33700000002"])
    assert await client.virtual_numbers(ACCOUNT) == (NUMBER, "33700000002")
    assert calls(ovh) == [time_call(), signed("GET", NUMBERS)]


async def test_an_account_without_virtual_numbers(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """An empty list: none."""
    ovh.get(NUMBERS, json=[])
    assert await client.virtual_numbers(ACCOUNT) == ()


async def test_unreadable_virtual_numbers(client: OvhApiClient, ovh: AiohttpClientMocker) -> None:
    """Not a list of strings: UnreadableAnswerError naming the call."""
    ovh.get(NUMBERS, json=[33700000001])
    with pytest.raises(UnreadableAnswerError) as err:
        await client.virtual_numbers(ACCOUNT)
    assert err.value.call == f"GET /sms/{ACCOUNT}/virtualNumbers"


@pytest.mark.parametrize(
    "options",
    [{}, {"sender": "HomeAlarm"}],
    ids=["short number", "a sender given"],
)
async def test_send_from_a_virtual_number(
    client: OvhApiClient, ovh: AiohttpClientMocker, options: dict[str, Any]
) -> None:
    """POST /virtualNumbers/{number}/jobs without sender, senderForResponse or noStopClause."""
    ovh.post(NUMBER_JOBS, json=ACCEPTED)
    result = await client.send(ACCOUNT, sms(**options), virtual_number=NUMBER)
    assert calls(ovh) == [time_call(), signed("POST", NUMBER_JOBS, compact(FROM_NUMBER_JOB))]
    assert result == SendResult(
        sms_ids=("26929925",),
        credits_left=ACCEPTED["creditsLeft"],
        segments=1,
        recipients=(ALICE,),
        requests=1,
        deferred=None,
        credits_removed=ACCEPTED["totalCreditsRemoved"],
    )


async def test_send_from_a_virtual_number_keeps_the_other_fields(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """Tag, validity and class travel as they do to /jobs."""
    ovh.post(NUMBER_JOBS, json=ACCEPTED)
    await client.send(ACCOUNT, sms(tag="door", validity_minutes=60), virtual_number=NUMBER)
    body = FROM_NUMBER_JOB | {"tag": "door", "validityPeriod": 60}
    assert calls(ovh)[1:] == [signed("POST", NUMBER_JOBS, compact(body))]


async def test_the_stop_mention_cannot_go_from_a_virtual_number(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """Its jobs take no noStopClause: refused before any request, nothing sent."""
    with pytest.raises(StopMentionFromNumberError) as err:
        await client.send(ACCOUNT, sms(no_stop=False), virtual_number=NUMBER)
    assert (err.value.number, str(err.value)) == (
        NUMBER,
        f"An SMS from the virtual number {NUMBER} cannot carry the STOP mention",
    )
    assert ovh.call_count == 0


async def test_send_from_a_virtual_number_needs_its_right(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """A key without the right: AccessDeniedError naming it, so the repair asks for it."""
    ovh.post(NUMBER_JOBS, status=403, json=DENIED)
    with pytest.raises(AccessDeniedError) as err:
        await client.send(ACCOUNT, sms(), virtual_number=NUMBER)
    assert err.value.rule == "POST /sms/*/virtualNumbers/*/jobs"


async def test_what_a_virtual_number_received(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """GET .../virtualNumbers/{number}/incoming[/{id}], read like the short number's replies."""
    ovh.get(NUMBER_INCOMING, json=[30000002, 30000001])
    ovh.get(
        f"{NUMBER_INCOMING}/{INCOMING_ID}",
        json={
            "id": 30000001,
            "creationDatetime": "2026-07-01T14:05:00+02:00",
            "sender": "+33612345678",
            "message": "What is the temperature?",
            "tag": "",
            "credits": 0,
        },
    )
    assert await client.reply_ids(ACCOUNT, NUMBER) == ("30000002", "30000001")
    assert await client.reply(ACCOUNT, INCOMING_ID, NUMBER) == Reply(
        reply_id=INCOMING_ID,
        sender=ALICE,
        message="What is the temperature?",
        tag=None,
        received_at=NOW + timedelta(minutes=5),
    )
    assert calls(ovh)[1:] == [
        signed("GET", NUMBER_INCOMING),
        signed("GET", f"{NUMBER_INCOMING}/{INCOMING_ID}"),
    ]


async def test_delete_what_a_virtual_number_received(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """DELETE .../virtualNumbers/{number}/incoming/{id}, its own right when denied."""
    url = f"{NUMBER_INCOMING}/{INCOMING_ID}"
    ovh.delete(url, text="null")
    await client.delete_reply(ACCOUNT, INCOMING_ID, NUMBER)
    assert calls(ovh)[1:] == [signed("DELETE", url)]
    ovh.clear_requests()
    ovh.delete(url, status=403, json=DENIED)
    with pytest.raises(AccessDeniedError) as err:
        await client.delete_reply(ACCOUNT, INCOMING_ID, NUMBER)
    assert err.value.rule == "DELETE /sms/*/virtualNumbers/*/incoming/*"


async def test_reading_a_virtual_number_needs_the_read_right(
    client: OvhApiClient, ovh: AiohttpClientMocker
) -> None:
    """The list and the reads are GET /sms/*, the right every key has."""
    ovh.get(NUMBERS, status=403, json=DENIED)
    with pytest.raises(AccessDeniedError) as err:
        await client.virtual_numbers(ACCOUNT)
    assert err.value.rule == READ_RULE
