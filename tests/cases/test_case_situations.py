"""A case keeps the person's situations (INTENTS.md), most serious first, on PostgreSQL and
SQLite; they are anonymous labels, so they stay for the statistics when a case is erased."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hotline.cases.crypto import Sealer
from hotline.cases.database import session_factory, upgrade_database
from hotline.cases.reports import stats_csv
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from tests.support.cases import escalation_request, pending_kinds
from tests.support.db import PSEUDONYMS, FakeClock, drop_schema, postgres_schema_engine

# A person writing about violence at home, whatever the situations a test gives.
request = partial(escalation_request, intent="violence_support", excerpt=("муж бьёт меня",))


async def test_situations_accumulate_the_more_serious_first(store: CaseStore) -> None:
    cases = CaseService(store)
    await cases.escalate(request(level="concern", situations=("labour_rights",)))
    case = await store.open_case_for("tg:1001")
    assert case is not None and case.situations == ("labour_rights",)

    # Raised: the situations that raised it lead.
    await cases.escalate(request(situations=("domestic_violence", "violence")))
    case = await store.get(case.id)
    assert case.situations == ("domestic_violence", "violence", "labour_rights")
    assert (await pending_kinds(store))[-1] == "card_update"

    # The same level: what was seen first stays first; a new one follows and is news.
    queued = len(await pending_kinds(store))
    await cases.escalate(request(situations=("child_at_risk", "violence")))
    case = await store.get(case.id)
    assert case.situations == ("domestic_violence", "violence", "labour_rights", "child_at_risk")
    assert len(await pending_kinds(store)) == queued + 1

    # Nothing new: no card update, no reordering.
    await cases.escalate(request(situations=("violence",)))
    assert (await store.get(case.id)).situations == case.situations
    assert len(await pending_kinds(store)) == queued + 1


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


@pytest.fixture(params=["postgresql", "sqlite"])
async def at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database migrated up to 0006, before cases had situations."""
    if request.param == "sqlite":
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/old.sqlite3")
        await upgrade_database(engine, revision="0006")
        yield engine
        await engine.dispose()
        return
    engine, schema = await postgres_schema_engine()
    await upgrade_database(engine, revision="0006")
    yield engine
    await engine.dispose()
    await drop_schema(schema)


async def test_migration_0007_keeps_older_cases_without_situations(
    at_0006: AsyncEngine, sealer: Sealer, clock: FakeClock
) -> None:
    store = CaseStore(session_factory(at_0006), sealer, clock=clock, pseudonyms=PSEUDONYMS)
    async with at_0006.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO cases (number, user_key, person_ref_enc, channel, language, level, "
                "priority, indicators, reason, status, created_at, updated_at) VALUES "
                "('000001', :pseudonym, :ref, 'telegram', 'ru', 'high', 2, '[]', 'risk', "
                "'open', :now, :now)"
            ),
            {"pseudonym": PSEUDONYMS.of("tg:1001"), "ref": sealer.seal("tg:1001"), "now": clock()},
        )
    await upgrade_database(at_0006)
    case = await store.open_case_for("tg:1001")
    assert case is not None and case.situations == ()
    assert [row.situation for row in await store.stats()] == ["-"]
    # Raised later, it starts keeping them.
    await CaseService(store).escalate(request(level="emergency", situations=("violence",)))
    assert (await store.get(case.id)).situations == ("violence",)
