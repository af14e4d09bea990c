"""The leased outbox on PostgreSQL and SQLite: shared by workers, in order, urgent first."""

from __future__ import annotations

import asyncio

from hotline.cases.events import OperatorNotice, OutboxEvent
from hotline.cases.outbox import OutboxQueue
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from tests.cases.test_case_service import request
from tests.support.db import FakeClock


async def test_two_workers_never_claim_the_same_item(store: CaseStore) -> None:
    cases = CaseService(store)
    for n in range(30):
        await cases.escalate(request(f"tg:{n}"))
    first, second = OutboxQueue(store, "w1"), OutboxQueue(store, "w2")
    a, b = await asyncio.gather(first.claim(20), second.claim(20))
    # SQLite has no row locks: a loser of the race may get nothing this time, never a double.
    c = await second.claim(20)
    ids = [i.id for i in (*a, *b, *c)]
    assert len(ids) == len(set(ids)) == 30


async def test_a_lane_is_delivered_in_order(store: CaseStore) -> None:
    cases = CaseService(store)
    await cases.escalate(request())
    await cases.relay_from_person("tg:1001", "первое")
    await cases.relay_from_person("tg:1001", "второе")
    queue = OutboxQueue(store, "w1")
    [head] = await queue.claim()
    assert head.kind is OutboxEvent.TOPIC_CREATE
    assert await OutboxQueue(store, "w2").claim() == []  # the rest waits behind the head
    assert [i.payload["text"] for i in await queue.following(head)] == ["первое", "второе"]
    await queue.sent([head.id], message_id=555)
    [next_item] = await OutboxQueue(store, "w2").claim()
    assert next_item.payload == {"text": "первое"}
    [sent] = await queue.items("sent")
    assert sent.id == head.id


async def test_emergencies_go_first_across_the_whole_queue(store: CaseStore) -> None:
    cases = CaseService(store)
    for n in range(60):
        await cases.escalate(request(f"tg:{n}", level="high"))
    await cases.escalate(request("tg:danger", level="emergency"))
    [first] = await OutboxQueue(store, "w1").claim(limit=1)
    danger = await store.open_case_for("tg:danger")
    assert danger is not None and first.case_id == danger.id


async def test_a_dead_workers_items_are_taken_over_when_the_lease_ends(
    store: CaseStore, clock: FakeClock
) -> None:
    await CaseService(store).escalate(request())
    dead = OutboxQueue(store, "dead", lease_seconds=30)
    [item] = await dead.claim()
    await dead.progress(item.id, 1)  # it got one step done, then kill -9
    heir = OutboxQueue(store, "heir", lease_seconds=30)
    assert await heir.claim() == []
    clock.advance(seconds=31)
    [again] = await heir.claim()
    assert again.id == item.id and again.progress == 1  # resumes after the done step


async def test_a_refused_item_becomes_a_dead_letter_and_operators_are_told(
    store: CaseStore, clock: FakeClock
) -> None:
    cases = CaseService(store)
    await cases.escalate(request())
    await cases.relay_from_person("tg:1001", "текст")
    queue = OutboxQueue(store, "w1", max_failures=3)
    [head] = await queue.claim()
    await queue.sent([head.id])
    for attempt in range(3):
        [item] = await queue.claim()
        dead = await queue.fail(item.id, "bad request", delay_seconds=2)
        assert dead == (attempt == 2)
        clock.advance(seconds=3)
    [letter] = await queue.items("dead")
    assert letter.kind is OutboxEvent.PERSON_TEXT and letter.failures == 3
    [warning] = await queue.claim()
    assert warning.kind is OutboxEvent.TOPIC_NOTICE
    assert warning.payload == {
        "notice": OperatorNotice.DEAD_LETTER.value,
        "params": {"what": "person_text"},
    }


async def test_retry_waits_and_releases_the_lease(store: CaseStore, clock: FakeClock) -> None:
    await CaseService(store).escalate(request())
    queue = OutboxQueue(store, "w1")
    [item] = await queue.claim()
    await queue.retry(item.id, delay_seconds=30, error="429 retry after 30")
    assert await queue.claim() == []
    assert await queue.pending_count() == 1
    clock.advance(seconds=31)
    [again] = await OutboxQueue(store, "w2").claim()
    assert again.id == item.id and again.attempts == 1
