"""The case index: "no open case" without a query, never wrong across processes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from hotline.cases.index import CaseIndex, MemoryCaseIndex, RedisCaseIndex
from hotline.cases.service import CaseService as CaseEscalator
from hotline.cases.store import CaseStore
from hotline.cases.views import Actor
from hotline.escalation import EscalationRequest

REDIS_URL = "redis://127.0.0.1:6379/3"  # the cases' database
KEY = "tg:4242"


def request(level: str = "high") -> EscalationRequest:
    return EscalationRequest(KEY, "telegram", "ru", level, ("retention_of_documents",), "risk")  # type: ignore[arg-type]


class CountingStore:
    """The store, counting `open_case_for` queries."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self.queries = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    async def open_case_for(self, user_key: str) -> Any:
        self.queries += 1
        return await self.store.open_case_for(user_key)


@pytest.fixture(params=["redis", "memory"])
async def indexes(request: pytest.FixtureRequest) -> AsyncIterator[Callable[[], CaseIndex]]:
    """A factory of indexes as separate processes would have them (one shared Redis)."""
    if request.param == "memory":
        shared = MemoryCaseIndex()  # one process: one index
        yield lambda: shared
        return
    redis = Redis.from_url(REDIS_URL)
    prefix = f"hotline:test-case-index:{uuid.uuid4().hex[:8]}:"
    yield lambda: RedisCaseIndex(redis, 3600, prefix=prefix)
    keys = [k async for k in redis.scan_iter(f"{prefix}*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


@pytest.fixture
def two(
    engine: AsyncEngine,
    make_store: Callable[[AsyncEngine], CaseStore],
    indexes: Callable[[], CaseIndex],
) -> tuple[CaseEscalator, CaseEscalator]:
    """Two escalators on one database, e.g. the bot's and the phone line's processes."""
    return (
        CaseEscalator(CountingStore(make_store(engine)), indexes()),  # type: ignore[arg-type]
        CaseEscalator(CountingStore(make_store(engine)), indexes()),  # type: ignore[arg-type]
    )


def queries(escalator: CaseEscalator) -> int:
    store: Any = escalator.store
    return int(store.queries)


async def test_no_case_is_answered_without_a_query_after_the_first(
    two: tuple[CaseEscalator, CaseEscalator],
) -> None:
    bot, _ = two
    assert await bot.open_case(KEY) is None
    assert await bot.open_case(KEY) is None
    assert await bot.open_case(KEY) is None
    assert queries(bot) == 1


async def test_a_case_opened_elsewhere_is_seen_at_once(
    two: tuple[CaseEscalator, CaseEscalator],
) -> None:
    bot, phone = two
    assert await bot.open_case(KEY) is None  # noted: no case
    opened = await phone.escalate(request())
    case = await bot.open_case(KEY)
    assert case is not None and case.number == opened.number
    # While the case is open, every turn asks the database.
    before = queries(bot)
    assert await bot.open_case(KEY) is not None
    assert queries(bot) == before + 1


async def test_a_case_closed_by_an_operator_is_seen_at_once(
    two: tuple[CaseEscalator, CaseEscalator],
) -> None:
    bot, operators = two
    await bot.escalate(request())
    case = await operators.store.open_case_for(KEY)
    assert case is not None
    await operators.close(case.id, Actor("operator:1", "A"))  # the operators' process, directly
    assert await bot.open_case(KEY) is None
    before = queries(bot)
    assert await bot.open_case(KEY) is None  # and from now on without a query
    assert queries(bot) == before
    # A new red flag opens a new case, seen at once again.
    await bot.escalate(request("emergency"))
    reopened = await bot.open_case(KEY)
    assert reopened is not None and reopened.number != case.number


async def test_a_read_racing_an_escalation_never_notes_no_case(
    two: tuple[CaseEscalator, CaseEscalator],
) -> None:
    """The reader asked the database just before the commit: its note must not stick."""
    bot, phone = two
    index = bot.index
    assert index is not None
    entry = await index.read(KEY)  # the reader: nothing in flight yet
    assert phone.index is not None
    await phone.index.begin_escalation(KEY)
    assert await bot.store.open_case_for(KEY) is None  # the reader's query, before the commit
    await CaseEscalator(phone.store).escalate(request())  # committed, no index step
    await index.note_no_case(KEY, entry.generation)  # refused: in flight
    assert await bot.open_case(KEY) is not None
    await phone.index.end_escalation(KEY)
    await index.note_no_case(KEY, entry.generation)  # refused: a new generation
    assert await bot.open_case(KEY) is not None


async def test_a_failing_index_means_asking_the_database(
    engine: AsyncEngine, make_store: Callable[[AsyncEngine], CaseStore]
) -> None:
    class Broken(MemoryCaseIndex):
        async def read(self, user_key: str) -> Any:
            raise ConnectionError

        async def begin_escalation(self, user_key: str) -> None:
            raise ConnectionError

    escalator = CaseEscalator(make_store(engine), Broken())
    assert await escalator.open_case(KEY) is None
    await escalator.escalate(request())  # the escalation goes ahead
    assert await escalator.open_case(KEY) is not None


async def test_forget_erases_the_entry(two: tuple[CaseEscalator, CaseEscalator]) -> None:
    bot, _ = two
    await bot.escalate(request())
    await bot.forget(KEY)
    assert bot.index is not None
    entry = await bot.index.read(KEY)
    assert entry.generation == "" and entry.no_case_at is None
    assert await bot.open_case(KEY) is None


def test_build_services_wires_an_index_for_the_case_store(tmp_path: Any) -> None:
    from app.container import build_services
    from hotline.settings import Settings
    from tests.hotline.fakes import FakeUnderstanding

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        redis_url=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3",
        var_dir=tmp_path,
    )
    services = build_services(settings, understanding=FakeUnderstanding())
    assert isinstance(services.escalator, CaseEscalator)
    assert isinstance(services.escalator.index, MemoryCaseIndex)
    with_redis = build_services(
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            redis_url=REDIS_URL,
            database_url=f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3",
            var_dir=tmp_path,
        ),
        understanding=FakeUnderstanding(),
    )
    assert isinstance(with_redis.escalator, CaseEscalator)
    assert isinstance(with_redis.escalator.index, RedisCaseIndex)
