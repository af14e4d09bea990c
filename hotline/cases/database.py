"""Database engine, sessions and Alembic migrations for the case store."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

CONNECT_TIMEOUT_SECONDS = 2.0
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        return create_async_engine(url)
    # A database that is away must fail a turn in seconds, not hang it: the case change is
    # then spooled (hotline.spool). Pre-ping drops connections a restart left dead.
    return create_async_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=5,
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS, "command_timeout": 10},
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade_database(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply pending migrations; a fresh SQLite file just works."""

    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Several processes starting at once: one migrates, the others wait, then find
            # nothing left to do (held until this transaction ends).
            connection.execute(text("SELECT pg_advisory_xact_lock(189000189)"))
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


def upgrade_database_sync(database_url: str) -> None:
    """Apply pending migrations from synchronous code (the `hotline db upgrade` command)."""

    async def run() -> None:
        engine = create_engine(database_url)
        try:
            await upgrade_database(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
