"""Build the case store from settings: a private database file, migrations, the key check."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from hotline.cases.database import create_engine, session_factory, upgrade_database
from hotline.cases.key_check import verify_keys
from hotline.cases.store import CaseStore
from hotline.keys import Keys, load_keys, sqlite_file
from hotline.local_secrets import make_private_dir, make_private_file
from hotline.settings import Settings


def database_engine(settings: Settings) -> AsyncEngine:
    """The engine; a SQLite file is made 0600 in a 0700 directory before SQLite creates it."""
    path = sqlite_file(settings.database_url)
    if path is not None:
        if not path.parent.exists():
            make_private_dir(path.parent)
        make_private_file(path)
    return create_engine(settings.database_url)


async def prepare_database(engine: AsyncEngine, keys: Keys) -> None:
    """Apply pending migrations, then check the keys: KeyMismatch when they cannot open it."""
    await upgrade_database(engine, keys=keys)
    await verify_keys(engine, keys)


async def open_case_store(settings: Settings, *, migrate: bool = True) -> CaseStore:
    """Connect, apply pending migrations (a fresh SQLite file just works) and return the store."""
    keys = load_keys(settings)
    engine = database_engine(settings)
    if migrate:
        await prepare_database(engine, keys)
    return CaseStore(
        session_factory(engine), keys.sealer, engine=engine, pseudonyms=keys.pseudonyms
    )


def build_case_store(settings: Settings, keys: Keys) -> CaseStore:
    """The store without awaiting anything: migrations and the key check run before its
    first query (`CaseStore.prepare`, which the process roles await at start)."""
    engine = database_engine(settings)

    async def prepare() -> None:
        await prepare_database(engine, keys)

    return CaseStore(
        session_factory(engine),
        keys.sealer,
        engine=engine,
        prepare=prepare,
        pseudonyms=keys.pseudonyms,
    )
