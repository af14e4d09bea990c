"""Build the case store from settings: engine, migrations, encryption key."""

from __future__ import annotations

from hotline.cases.crypto import load_sealer
from hotline.cases.database import create_engine, session_factory, upgrade_database
from hotline.cases.store import CaseStore
from hotline.settings import Settings


async def open_case_store(settings: Settings, *, migrate: bool = True) -> CaseStore:
    """Connect, apply pending migrations (a fresh SQLite file just works) and return the store."""
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade_database(engine)
    keys = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    sealer = load_sealer(keys, settings.var_dir)
    return CaseStore(session_factory(engine), sealer, engine=engine)


def build_case_store(settings: Settings) -> CaseStore:
    """The store without awaiting anything: pending migrations run before its first query."""
    engine = create_engine(settings.database_url)
    keys = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    sealer = load_sealer(keys, settings.var_dir)

    async def migrate() -> None:
        await upgrade_database(engine)

    return CaseStore(session_factory(engine), sealer, engine=engine, prepare=migrate)
