"""The case service on a real PostgreSQL and on SQLite: never lost, never doubled, never leaked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hotline.cases.events import OutboxEvent
from hotline.cases.outbox import OutboxQueue
from hotline.cases.retention import claim_job, purge
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from hotline.cases.views import Actor, Outcome
from hotline.escalation import EscalationRequest
from tests.support.cases import escalation_request, pending_kinds
from tests.support.db import FakeClock

SECRET_EXCERPT = "Работодатель забрал паспорт, живём на складе у Айбека"
CALLBACK = "+996555123456"
OPERATOR = Actor("operator:77", "Operator A")


def request(user: str = "tg:1001", level: str = "high", **extra: object) -> EscalationRequest:
    fields: dict[str, object] = {
        "indicators": ("retention_of_documents",),
        "excerpt": (SECRET_EXCERPT,),
        **extra,
    }
    return escalation_request(user, level, **fields)


async def test_escalation_opens_one_case_and_queues_its_topic(store: CaseStore) -> None:
    cases = CaseService(store)
    ref = await cases.escalate(request())
    assert ref.is_new and ref.level == "high"
    case = await store.open_case_for("tg:1001")
    assert case is not None
    assert case.number == ref.number
    assert case.excerpt == (SECRET_EXCERPT,)
    assert case.indicators == ("retention_of_documents",)
    [item] = await OutboxQueue(store, "t").items()
    assert item.kind is OutboxEvent.TOPIC_CREATE and item.case_id == case.id
    assert item.lane == f"{case.id}:group" and item.priority == 2


async def test_new_risk_raises_the_open_case_instead_of_opening_another(store: CaseStore) -> None:
    cases = CaseService(store)
    first = await cases.escalate(request(level="concern", indicators=("withholding_of_wages",)))
    second = await cases.escalate(
        request(level="emergency", indicators=("physical_sexual_violence",), excerpt=("бьют",))
    )
    assert second.number == first.number and not second.is_new
    assert second.level == "emergency"
    case = await store.open_case_for("tg:1001")
    assert case is not None
    assert case.level == "emergency"
    assert set(case.indicators) == {"withholding_of_wages", "physical_sexual_violence"}
    assert case.excerpt == (SECRET_EXCERPT, "бьют")
    # A later, milder message never lowers the priority.
    third = await cases.escalate(request(level="concern", indicators=()))
    assert third.level == "emergency"
    assert len(await store.list_open()) == 1
    assert await pending_kinds(store) == ["topic_create", "card_update"]
    # What is still queued moved up with the case.
    assert {item.priority for item in await OutboxQueue(store, "t").items()} == {3}


async def test_raising_appends_only_the_new_part_of_the_excerpt(store: CaseStore) -> None:
    """Each escalation carries the recent window; the card must not show it twice."""
    cases = CaseService(store)
    await cases.escalate(request(level="high", excerpt=("hi", "passport")))
    await cases.escalate(request(level="emergency", excerpt=("hi", "passport", "beaten")))
    case = await store.open_case_for("tg:1001")
    assert case is not None and case.excerpt == ("hi", "passport", "beaten")


async def test_a_call_passing_several_routes_changes_the_case_once(store: CaseStore) -> None:
    cases = CaseService(store)
    phone = {"user": "phone:abc", "channel": "phone", "excerpt": ()}
    await cases.escalate(request(**phone, reason="phone_transfer"))  # type: ignore[arg-type]
    for _ in range(3):  # no answer, the voicemail, Twilio's second callback
        await cases.escalate(request(**phone, reason="voicemail", callback_number=CALLBACK))  # type: ignore[arg-type]
    assert len(await store.list_open()) == 1
    assert await pending_kinds(store) == ["topic_create", "card_update"]


async def test_open_cases_are_listed_emergency_first_then_by_waiting_time(
    store: CaseStore, clock: FakeClock
) -> None:
    cases = CaseService(store)
    for user, level in (("tg:1", "concern"), ("tg:2", "high"), ("tg:3", "emergency")):
        await cases.escalate(request(user, level=level))
        clock.advance(minutes=5)
    await cases.escalate(request("tg:4", level="high"))
    order = [case.user_key for case in await cases.list_open()]
    assert order == ["tg:3", "tg:2", "tg:4", "tg:1"]
    waiting = (await cases.list_open())[-1].waiting(clock.now)
    assert waiting.total_seconds() == 15 * 60


async def test_personal_fields_are_encrypted_at_rest(store: CaseStore, engine: AsyncEngine) -> None:
    cases = CaseService(store)
    ref = await cases.escalate(
        request(channel="phone", callback_number=CALLBACK, recording_url="https://rec.example/RE1")
    )
    await cases.escalate(request(channel="telegram", user="tg:2"))
    assert await cases.relay_from_person("tg:2", "меня не отпускают домой") is Outcome.DONE
    case = await store.open_case_for("tg:1001")
    assert case is not None and case.callback_number == CALLBACK
    dump = await database_dump(engine)
    assert ref.number in dump  # the dump does see the rows
    for secret in (SECRET_EXCERPT, "Айбек", CALLBACK, "rec.example", "не отпускают"):
        assert secret not in dump


async def test_relaying_keeps_the_transcript_and_queues_the_message_in_one_step(
    store: CaseStore,
) -> None:
    cases = CaseService(store)
    assert await cases.relay_from_person("tg:1001", "нет дела") is Outcome.NO_CASE
    await cases.escalate(request())
    assert await cases.relay_from_person("tg:1001", "они держат нас") is Outcome.DONE
    case = await store.open_case_for("tg:1001")
    assert case is not None
    assert await store.transcript(case.id) == [("person", "они держат нас")]
    assert await pending_kinds(store) == ["topic_create", "person_text"]


async def test_operator_actions_are_audited_and_write_their_events_with_them(
    store: CaseStore,
) -> None:
    cases = CaseService(store)
    await cases.escalate(request())
    case = await store.open_case_for("tg:1001")
    assert case is not None
    assert await cases.claim(case.id, OPERATOR) is Outcome.DONE
    assert (await cases.get(case.id)).claimed_by_name == "Operator A"
    assert await cases.note(case.id, OPERATOR, "called the embassy") is Outcome.DONE
    assert await cases.note(case.id, OPERATOR, "  ") is Outcome.EMPTY
    assert await cases.close(case.id, OPERATOR) is Outcome.DONE
    assert await cases.close(case.id, OPERATOR) is Outcome.CASE_CLOSED
    assert await store.audit_actions(case.id) == [
        ("system", "opened"),
        ("operator:77", "claimed"),
        ("operator:77", "note"),
        ("operator:77", "closed"),
    ]
    assert await store.open_case_for("tg:1001") is None
    # Each event was written by the action it follows: nothing is added by the worker later.
    assert await pending_kinds(store) == [
        "topic_create",
        "card_update",
        "topic_notice",  # claimed by
        "person_notice",  # an operator has your case
        "topic_notice",  # note saved
        "topic_notice",  # how to write a note
        "person_notice",  # your case was closed
        "topic_close",
        "topic_notice",  # already closed
    ]
    detail = await cases.detail(case.id)
    assert detail.transcript == (("note", "called the embassy"),)
    again = await cases.escalate(request())
    assert again.is_new and again.number != case.number


async def test_operator_replies_to_a_phone_case_are_refused(store: CaseStore) -> None:
    cases = CaseService(store)
    await cases.escalate(request("phone:1", channel="phone", callback_number=CALLBACK))
    case = await store.open_case_for("phone:1")
    assert case is not None
    assert await cases.reply_to_person(case.id, OPERATOR, "алло") is Outcome.PHONE_CASE
    assert [c.id for c in await cases.callbacks_waiting()] == [case.id]
    assert await cases.callback_done(case.id, OPERATOR) is Outcome.DONE
    assert await cases.callbacks_waiting() == []


async def test_forget_closes_the_case_and_leaves_no_personal_data(
    store: CaseStore, engine: AsyncEngine
) -> None:
    cases = CaseService(store)
    await cases.escalate(request(callback_number=CALLBACK))
    await cases.relay_from_person("tg:1001", "они держат нас на складе")
    case = await store.open_case_for("tg:1001")
    assert case is not None
    assert await cases.forget("tg:1001") == [case.number]
    assert await store.open_case_for("tg:1001") is None
    assert await store.transcript(case.id) == []
    assert "tg:1001" not in await database_dump(engine)
    pending = await pending_kinds(store)
    assert "person_text" not in pending and "forgotten" in pending
    after = await store.get(case.id)
    assert after.excerpt == () and after.callback_number is None and after.status == "closed"


async def test_purge_erases_old_closed_cases_and_keeps_anonymous_counts(
    store: CaseStore, clock: FakeClock, engine: AsyncEngine
) -> None:
    cases = CaseService(store)
    await cases.escalate(request("tg:old"))
    await cases.relay_from_person("tg:old", "старое сообщение")
    old = await store.open_case_for("tg:old")
    assert old is not None
    await cases.close(old.id, OPERATOR)
    clock.advance(days=31)
    await cases.escalate(request("tg:new"))
    recent = await store.open_case_for("tg:new")
    assert recent is not None
    assert await purge(store, retention_days=30) == 1
    assert (await store.get(old.id)).user_key is None
    assert await store.transcript(old.id) == []
    assert (await store.get(recent.id)).excerpt == (SECRET_EXCERPT,)  # open: untouched
    assert "tg:old" not in await database_dump(engine)
    stats = await store.stats()
    assert sum(row.cases for row in stats) == 2


async def test_a_scheduled_job_runs_once_a_period_whatever_the_number_of_workers(
    store: CaseStore, clock: FakeClock
) -> None:
    from datetime import timedelta

    day = timedelta(days=1)
    claims = await asyncio.gather(*(claim_job(store, "purge", day, f"w{n}") for n in range(4)))
    assert sorted(claims) == [False, False, False, True]
    clock.advance(hours=23)
    assert not await claim_job(store, "purge", day, "w1")
    clock.advance(hours=2)
    assert await claim_job(store, "purge", day, "w2")


async def test_concurrent_escalations_of_one_person_make_one_case_on_postgres(
    postgres_engine: AsyncEngine, make_store: Callable[[AsyncEngine], CaseStore]
) -> None:
    services = [CaseService(make_store(postgres_engine)) for _ in range(4)]
    refs = await asyncio.gather(*(s.escalate(request()) for s in services))
    assert len({ref.number for ref in refs}) == 1
    assert len(await services[0].list_open()) == 1


async def database_dump(engine: AsyncEngine) -> str:
    """Every stored value of every table as text, bytes decoded leniently."""
    parts: list[str] = []
    async with engine.connect() as connection:
        for table in ("cases", "case_messages", "audit_log", "outbox"):
            rows = await connection.execute(text(f"SELECT * FROM {table}"))
            for row in rows:
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("utf-8", "replace"))
                    else:
                        parts.append(str(value))
    return "\n".join(parts)
