"""Case-store fixtures: a real PostgreSQL (own schema per test) and a SQLite file."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hotline.cases.crypto import Pseudonyms, Sealer
from hotline.cases.database import session_factory, upgrade_database
from hotline.cases.store import CaseStore

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


class FakeClock:
    """A controllable clock, so waiting times and retention are tested without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(Fernet.generate_key().decode())


PSEUDONYMS = Pseudonyms("test-phone-salt")


async def _postgres_engine() -> tuple[AsyncEngine, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    engine = create_async_engine(
        POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}
    )
    return engine, schema


async def _drop_schema(schema: str) -> None:
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
async def engine(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[AsyncEngine]:
    if request.param == "postgresql":
        engine, schema = await _postgres_engine()
        await upgrade_database(engine)
        yield engine
        await engine.dispose()
        await _drop_schema(schema)
    else:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3")
        await upgrade_database(engine)
        yield engine
        await engine.dispose()


@pytest.fixture
async def postgres_engine() -> AsyncIterator[AsyncEngine]:
    engine, schema = await _postgres_engine()
    await upgrade_database(engine)
    yield engine
    await engine.dispose()
    await _drop_schema(schema)


@pytest.fixture
def make_store(sealer: Sealer, clock: FakeClock) -> Callable[[AsyncEngine], CaseStore]:
    def build(engine: AsyncEngine) -> CaseStore:
        return CaseStore(session_factory(engine), sealer, clock=clock, pseudonyms=PSEUDONYMS)

    return build


@pytest.fixture
def store(engine: AsyncEngine, make_store: Callable[[AsyncEngine], CaseStore]) -> CaseStore:
    return make_store(engine)
