"""Case-store fixtures: a real PostgreSQL (own schema per test) and a SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hotline.cases.crypto import Sealer
from hotline.cases.database import session_factory, upgrade_database
from hotline.cases.store import CaseStore
from tests.support.db import FakeClock, migrated_postgres


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(Fernet.generate_key().decode())


@pytest.fixture(params=["postgresql", "sqlite"])
async def engine(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[AsyncEngine]:
    if request.param == "postgresql":
        async with migrated_postgres() as engine:
            yield engine
    else:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3")
        await upgrade_database(engine)
        yield engine
        await engine.dispose()


@pytest.fixture
async def postgres_engine() -> AsyncIterator[AsyncEngine]:
    async with migrated_postgres() as engine:
        yield engine


@pytest.fixture
def make_store(sealer: Sealer, clock: FakeClock) -> Callable[[AsyncEngine], CaseStore]:
    def build(engine: AsyncEngine) -> CaseStore:
        return CaseStore(session_factory(engine), sealer, clock=clock)

    return build


@pytest.fixture
def store(engine: AsyncEngine, make_store: Callable[[AsyncEngine], CaseStore]) -> CaseStore:
    return make_store(engine)
