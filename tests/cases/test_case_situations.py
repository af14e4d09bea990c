"""A case keeps the person's situations (INTENTS.md), most serious first, on PostgreSQL and
SQLite; they are anonymous labels, so they stay for the statistics when a case is erased."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hotline.cases.outbox import OutboxQueue
from hotline.cases.reports import stats_csv
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from hotline.escalation import EscalationRequest


def request(user: str = "tg:1001", level: str = "high", **extra: object) -> EscalationRequest:
    fields: dict[str, object] = {
        "user_key": user,
        "channel": "telegram",
        "language": "ru",
        "level": level,
        "indicators": (),
        "reason": "risk",
        "intent": "violence_support",
        "excerpt": ("муж бьёт меня",),
    }
    fields.update(extra)
    return EscalationRequest(**fields)  # type: ignore[arg-type]


async def kinds(store: CaseStore) -> list[str]:
    return [item.kind.value for item in await OutboxQueue(store, "t").items("pending")]


async def test_situations_accumulate_the_more_serious_first(store: CaseStore) -> None:
    cases = CaseService(store)
    await cases.escalate(request(level="concern", situations=("labour_rights",)))
    case = await store.open_case_for("tg:1001")
    assert case is not None and case.situations == ("labour_rights",)

    # Raised: the situations that raised it lead.
    await cases.escalate(request(situations=("domestic_violence", "violence")))
    case = await store.get(case.id)
    assert case.situations == ("domestic_violence", "violence", "labour_rights")
    assert (await kinds(store))[-1] == "card_update"

    # The same level: what was seen first stays first; a new one follows and is news.
    queued = len(await kinds(store))
    await cases.escalate(request(situations=("child_at_risk", "violence")))
    case = await store.get(case.id)
    assert case.situations == ("domestic_violence", "violence", "labour_rights", "child_at_risk")
    assert len(await kinds(store)) == queued + 1

    # Nothing new: no card update, no reordering.
    await cases.escalate(request(situations=("violence",)))
    assert (await store.get(case.id)).situations == case.situations
    assert len(await kinds(store)) == queued + 1


async def test_situations_stay_when_the_person_is_forgotten(store: CaseStore) -> None:
    cases = CaseService(store)
    await cases.escalate(request(situations=("domestic_violence",)))
    case = await store.open_case_for("tg:1001")
    assert case is not None
    await cases.forget("tg:1001")
    erased = await store.get(case.id)
    assert erased.user_key is None and erased.excerpt == ()
    assert erased.situations == ("domestic_violence",)


async def test_stats_count_each_case_once_under_its_most_serious_situation(
    store: CaseStore,
) -> None:
    cases = CaseService(store)
    await cases.escalate(request("tg:1", situations=("domestic_violence", "violence")))
    await cases.escalate(request("tg:2", situations=("domestic_violence",)))
    await cases.escalate(request("tg:3", situations=("forced_labour",)))
    await cases.escalate(request("tg:4", level="concern"))  # none recognised
    rows = list(csv.DictReader(io.StringIO(stats_csv(await store.stats()))))
    assert list(rows[0]) == ["day", "channel", "language", "intent", "level", "situation", "cases"]
    by_situation: dict[str, int] = {}
    for row in rows:
        by_situation[row["situation"]] = by_situation.get(row["situation"], 0) + int(row["cases"])
    assert by_situation == {"domestic_violence": 2, "forced_labour": 1, "-": 1}


async def test_a_case_from_before_migration_0007_has_no_situations(
    store: CaseStore, engine: AsyncEngine
) -> None:
    cases = CaseService(store)
    await cases.escalate(request(situations=("domestic_violence",)))
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE cases SET situations = NULL"))
    case = await store.open_case_for("tg:1001")
    assert case is not None and case.situations == ()
    assert [row.situation for row in await store.stats()] == ["-"]
    # Raised later, it starts recording them.
    await cases.escalate(request(level="emergency", situations=("violence",)))
    assert (await store.get(case.id)).situations == ("violence",)
