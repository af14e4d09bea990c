"""The key check: a key that cannot open the stored data refuses to start; old rows get
pseudonyms by migration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hotline.cases.crypto import Pseudonyms, Sealer, is_pseudonym
from hotline.cases.database import session_factory, upgrade_database
from hotline.cases.key_check import KeyMismatch, verify_keys
from hotline.cases.service import CaseService
from hotline.cases.setup import prepare_database
from hotline.cases.store import CaseStore
from hotline.cases.views import join_excerpt
from hotline.escalation import EscalationRequest
from hotline.keys import Keys
from tests.support.db import drop_schema, postgres_schema_engine

KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def keys(fernet: str = KEY_A, salt: str = "salt-a") -> Keys:
    return Keys(Sealer(fernet), Pseudonyms(salt), salt)


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncEngine:
    return create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3")


@pytest.fixture(params=["postgresql", "sqlite"])
async def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database, not migrated yet."""
    if request.param == "sqlite":
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/old.sqlite3")
        yield engine
        await engine.dispose()
        return
    engine, schema = await postgres_schema_engine()
    yield engine
    await engine.dispose()
    await drop_schema(schema)


async def test_the_keys_the_database_was_made_with_open_it_and_no_others(
    engine: AsyncEngine,
) -> None:
    await prepare_database(engine, keys())  # writes the checks
    await prepare_database(engine, keys())  # a restart
    with pytest.raises(KeyMismatch, match="HOTLINE_ENCRYPTION_KEY cannot open"):
        await verify_keys(engine, keys(fernet=KEY_B))
    with pytest.raises(KeyMismatch, match="HOTLINE_PHONE_SALT is not the salt"):
        await verify_keys(engine, keys(salt="salt-b"))


async def test_a_new_first_key_with_the_old_one_after_it_rotates_the_check(
    sqlite: AsyncEngine,
) -> None:
    await prepare_database(sqlite, keys(KEY_A))
    await verify_keys(sqlite, keys(f"{KEY_B},{KEY_A}"))  # rotation: the check moves to B
    await verify_keys(sqlite, keys(KEY_B))
    await sqlite.dispose()


async def test_a_database_from_before_the_check_is_checked_against_its_data(
    sqlite: AsyncEngine,
) -> None:
    await upgrade_database(sqlite, keys=keys())
    store = CaseStore(session_factory(sqlite), keys().sealer, pseudonyms=keys().pseudonyms)
    await CaseService(store).escalate(_request("tg:1001", excerpt=("паспорт забрали",)))
    async with sqlite.begin() as connection:
        await connection.execute(text("DELETE FROM key_checks"))
    with pytest.raises(KeyMismatch):
        await verify_keys(sqlite, keys(fernet=KEY_B))
    await verify_keys(sqlite, keys())  # the right key: the check is written
    with pytest.raises(KeyMismatch):
        await verify_keys(sqlite, keys(fernet=KEY_B))
    await sqlite.dispose()


async def test_console_accounts_alone_are_enough_to_refuse_a_wrong_key(
    sqlite: AsyncEngine,
) -> None:
    """A database with console accounts and no case yet: their TOTP secrets are the data."""
    from console.accounts import AccountStore, Role

    await upgrade_database(sqlite, keys=keys())
    store = CaseStore(session_factory(sqlite), keys().sealer, pseudonyms=keys().pseudonyms)
    await AccountStore(store).create("aigul", Role.SUPERVISOR)
    async with sqlite.begin() as connection:
        await connection.execute(text("DELETE FROM key_checks"))  # made before the check
    with pytest.raises(KeyMismatch, match="HOTLINE_ENCRYPTION_KEY cannot open"):
        await verify_keys(sqlite, keys(fernet=KEY_B))
    await verify_keys(sqlite, keys())
    await sqlite.dispose()


async def test_the_migration_gives_old_rows_pseudonyms_and_keeps_their_chats(
    unmigrated: AsyncEngine,
) -> None:
    engine = unmigrated
    await upgrade_database(engine, revision="0003")
    sealed = keys().sealer.seal(join_excerpt(("нас держат на складе",)))
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO cases (number, user_key, channel, language, level, priority, "
                "indicators, reason, status, created_at, updated_at, excerpt_enc) VALUES "
                "('000001', 'tg:7700123', 'telegram', 'ru', 'high', 2, '[]', 'risk', 'open', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :sealed)"
            ),
            {"sealed": sealed},
        )
    with pytest.raises(RuntimeError, match="needs the keys"):
        await upgrade_database(engine)
    with pytest.raises(KeyMismatch):  # never converted with a key that opens nothing
        await upgrade_database(engine, keys=keys(fernet=KEY_B))
    await prepare_database(engine, keys())
    async with engine.connect() as connection:
        [stored] = (await connection.execute(text("SELECT user_key FROM cases"))).scalars()
    assert is_pseudonym(stored) and "7700123" not in stored
    store = CaseStore(session_factory(engine), keys().sealer, pseudonyms=keys().pseudonyms)
    case = await store.open_case_for("tg:7700123")
    assert case is not None and case.user_key == "tg:7700123"  # the outbox reaches the chat


def _request(user_key: str, **extra: object) -> EscalationRequest:
    return EscalationRequest(user_key, "telegram", "ru", "high", (), "risk", **extra)  # type: ignore[arg-type]
