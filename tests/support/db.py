"""Databases for tests: a real PostgreSQL (a schema of its own per test), SQLite, a fake clock."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hotline.cases.database import upgrade_database

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


class FakeClock:
    """A controllable clock, so waiting times and retention are tested without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def postgres_schema_engine() -> tuple[AsyncEngine, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    engine = create_async_engine(
        POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}
    )
    return engine, schema


async def drop_schema(schema: str) -> None:
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


@asynccontextmanager
async def migrated_postgres() -> AsyncIterator[AsyncEngine]:
    """A migrated PostgreSQL schema of its own, dropped afterwards."""
    engine, schema = await postgres_schema_engine()
    try:
        await upgrade_database(engine)
        yield engine
    finally:
        await engine.dispose()
        await drop_schema(schema)
