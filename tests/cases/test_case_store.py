"""The case store on a real PostgreSQL and on SQLite: never lost, never doubled, never leaked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hotline.cases.store import CaseStore
from hotline.escalation import EscalationRequest
from tests.cases.conftest import FakeClock

SECRET_EXCERPT = "Работодатель забрал паспорт, живём на складе у Айбека"
CALLBACK = "+996555123456"


def request(user: str = "tg:1001", level: str = "high", **extra: object) -> EscalationRequest:
    fields: dict[str, object] = {
        "user_key": user,
        "channel": "telegram",
        "language": "ru",
        "level": level,
        "indicators": ("retention_of_documents",),
        "reason": "risk",
        "intent": "report_exploitation",
        "excerpt": (SECRET_EXCERPT,),
    }
    fields.update(extra)
    return EscalationRequest(**fields)  # type: ignore[arg-type]


async def test_escalation_opens_one_case_and_queues_its_topic(store: CaseStore) -> None:
    ref = await store.escalate(request())
    assert ref.is_new and ref.level == "high"
    case = await store.open_case_for("tg:1001")
    assert case is not None
    assert case.number == ref.number
    assert case.excerpt == (SECRET_EXCERPT,)
    assert case.indicators == ("retention_of_documents",)
    due = await store.due_outbox()
    assert [item.kind for item in due] == ["topic_create"]
    assert due[0].case_id == case.id


async def test_new_risk_raises_the_open_case_instead_of_opening_another(store: CaseStore) -> None:
    first = await store.escalate(request(level="concern", indicators=("withholding_of_wages",)))
    second = await store.escalate(
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
    third = await store.escalate(request(level="concern", indicators=()))
    assert third.level == "emergency"
    assert len(await store.list_open()) == 1
    kinds = [item.kind for item in await store.due_outbox()]
    assert kinds == ["topic_create", "card_update"]


async def test_open_cases_are_listed_emergency_first_then_by_waiting_time(
    store: CaseStore, clock: FakeClock
) -> None:
    await store.escalate(request("tg:1", level="concern"))
    clock.advance(minutes=5)
    await store.escalate(request("tg:2", level="high"))
    clock.advance(minutes=5)
    await store.escalate(request("tg:3", level="emergency"))
    clock.advance(minutes=5)
    await store.escalate(request("tg:4", level="high"))
    order = [case.user_key for case in await store.list_open()]
    assert order == ["tg:3", "tg:2", "tg:4", "tg:1"]
    waiting = (await store.list_open())[-1].waiting(clock.now)
    assert waiting.total_seconds() == 15 * 60


async def test_personal_fields_are_encrypted_at_rest(store: CaseStore, engine: AsyncEngine) -> None:
    ref = await store.escalate(
        request(channel="phone", callback_number=CALLBACK, recording_url="https://rec.example/RE1")
    )
    case = await store.open_case_for("tg:1001")
    assert case is not None and case.callback_number == CALLBACK
    await store.record_message(case.id, "person", "меня не отпускают домой")
    dump = await _database_dump(engine)
    assert ref.number in dump  # the dump does see the rows
    for secret in (SECRET_EXCERPT, "Айбек", CALLBACK, "rec.example", "не отпускают"):
        assert secret not in dump


async def test_operator_actions_are_audited_and_close_queues_the_topic(store: CaseStore) -> None:
    await store.escalate(request())
    case = await store.open_case_for("tg:1001")
    assert case is not None
    claimed = await store.claim(case.id, operator_id=77, operator_name="Operator A")
    assert claimed.status == "claimed" and claimed.claimed_by_name == "Operator A"
    await store.add_note(case.id, 77, "called the embassy")
    await store.close(case.id, "operator:77")
    actions = await store.audit_actions(case.id)
    assert actions == [
        ("system", "opened"),
        ("operator:77", "claimed"),
        ("operator:77", "note"),
        ("operator:77", "closed"),
    ]
    assert await store.open_case_for("tg:1001") is None
    assert [i.kind for i in await store.due_outbox()] == ["topic_create", "topic_close"]
    assert await store.transcript(case.id) == [("note", "called the embassy")]
    # After closing, a new risk opens a new case with a new number.
    again = await store.escalate(request())
    assert again.is_new and again.number != case.number


async def test_forget_closes_the_case_and_leaves_no_personal_data(
    store: CaseStore, engine: AsyncEngine
) -> None:
    await store.escalate(request(callback_number=CALLBACK))
    case = await store.open_case_for("tg:1001")
    assert case is not None
    await store.record_message(case.id, "person", "они держат нас на складе")
    await store.enqueue(case.id, "person_text", {"text": "они держат нас на складе"})
    closed = await store.forget("tg:1001")
    assert closed == [case.number]
    assert await store.open_case_for("tg:1001") is None
    assert await store.transcript(case.id) == []
    dump = await _database_dump(engine)
    assert "tg:1001" not in dump
    kinds = [item.kind for item in await store.due_outbox()]
    assert "person_text" not in kinds and "forgotten" in kinds
    after = await store.get(case.id)
    assert after.excerpt == () and after.callback_number is None and after.status == "closed"


async def test_purge_erases_old_closed_cases_and_keeps_anonymous_counts(
    store: CaseStore, clock: FakeClock, engine: AsyncEngine
) -> None:
    await store.escalate(request("tg:old"))
    old = await store.open_case_for("tg:old")
    assert old is not None
    await store.record_message(old.id, "person", "старое сообщение")
    await store.close(old.id, "operator:1")
    clock.advance(days=31)
    await store.escalate(request("tg:new"))
    recent = await store.open_case_for("tg:new")
    assert recent is not None
    assert await store.purge(retention_days=30) == 1
    assert (await store.get(old.id)).user_key is None
    assert await store.transcript(old.id) == []
    assert (await store.get(recent.id)).excerpt == (SECRET_EXCERPT,)  # open: untouched
    dump = await _database_dump(engine)
    assert "tg:old" not in dump
    stats = await store.stats()
    assert sum(row.cases for row in stats) == 2
    assert {row.intent for row in stats} == {"report_exploitation"}


async def test_outbox_retries_later_and_forgets_nothing(store: CaseStore, clock: FakeClock) -> None:
    await store.escalate(request())
    [item] = await store.due_outbox()
    await store.outbox_retry(item.id, delay_seconds=30, error="429 retry after 30")
    assert await store.due_outbox() == []
    assert await store.pending_outbox_count() == 1
    clock.advance(seconds=31)
    [again] = await store.due_outbox()
    assert again.id == item.id and again.attempts == 1
    await store.outbox_sent(item.id)
    assert await store.pending_outbox_count() == 0


async def test_concurrent_escalations_of_one_person_make_one_case_on_postgres(
    postgres_engine: AsyncEngine, make_store: Callable[[AsyncEngine], CaseStore]
) -> None:
    stores = [make_store(postgres_engine) for _ in range(4)]
    refs = await asyncio.gather(*(s.escalate(request()) for s in stores))
    assert len({ref.number for ref in refs}) == 1
    assert len(await stores[0].list_open()) == 1


async def _database_dump(engine: AsyncEngine) -> str:
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
