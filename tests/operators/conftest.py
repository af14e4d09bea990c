"""The whole operator relay: real Dispatcher, real core and NLU, PostgreSQL, a Telegram double.

Each test gets its own PostgreSQL schema. The outbox worker is driven by hand
(`hotline.pump()`), with the store's fake clock, so retries are tested without sleeping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import (
    Update,
    User,
)
from pydantic import SecretStr
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.container import build_services
from bot.delivery import RetryingRequests
from bot.dispatcher import build_bot, build_dispatcher
from bot.operators.hours import operator_hours
from bot.outbox import LocalBudget, OutboxWorker
from hotline.cases.crypto import Sealer
from hotline.cases.database import session_factory
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore, CaseView
from hotline.services import Services
from hotline.settings import Settings
from tests.support.db import FakeClock, migrated_postgres
from tests.support.telegram import TOKEN, TelegramWorld
from tests.support.updates import (  # noqa: F401 - re-exported for the tests here
    OPERATOR,
    OPERATORS_CHAT,
    OUTSIDER,
    button_press,
    document,
    group_message,
    person,
    photo,
    private_message,
    voice,
)


@dataclass
class Hotline:
    """Feed updates as people and operators; pump the outbox; inspect Telegram and the DB."""

    dp: Dispatcher
    bot: Bot
    telegram: TelegramWorld
    services: Services
    store: CaseStore
    cases: CaseService
    worker: OutboxWorker
    clock: FakeClock
    engine: AsyncEngine
    sealer: Sealer

    async def feed(self, update: Update) -> None:
        await self.dp.feed_update(self.bot, update)

    async def person_says(self, text: str, user: User | None = None) -> None:
        await self.feed(private_message(user or person(), text))

    async def operator_says(
        self, text: str | None, thread: int, user: User = OPERATOR, **fields: Any
    ) -> int:
        update = group_message(user, text, thread=thread, **fields)
        await self.feed(update)
        assert update.message is not None
        return update.message.message_id

    async def pump(self) -> None:
        """Run the outbox until nothing is due (as the background worker would)."""
        await self.worker.drain()

    async def case_of(self, user: User | None = None) -> CaseView:
        case = await self.store.open_case_for(f"tg:{(user or person()).id}")
        assert case is not None
        return case

    async def dump(self) -> str:
        """Every row of every table, with every encrypted value decrypted where possible."""
        parts: list[str] = []
        async with self.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            for table in tables:
                rows = await connection.execute(text(f'SELECT * FROM "{table}"'))
                for row in rows:
                    for value in row:
                        if isinstance(value, bytes | memoryview):
                            parts.append(self.sealer.open(bytes(value)) or "<undecryptable>")
                        else:
                            parts.append(str(value))
        return "\n".join(parts)

    async def count(self, statement: Any) -> int:
        async with session_factory(self.engine)() as session:
            return len(list(await session.scalars(statement)))


@pytest.fixture(scope="session")
def understanding() -> Any:
    from nlu.pipeline import build_understanding

    return build_understanding(engine="embedded")


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    async with migrated_postgres() as engine:
        yield engine


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()  # Wednesday 25 November 2026, 15:00 in Bishkek: operators at work


@pytest.fixture
def sealer() -> Sealer:
    from cryptography.fernet import Fernet

    return Sealer(Fernet.generate_key().decode())


def make_worker(
    store: CaseStore, telegram: TelegramWorld, settings: Settings, **kwargs: Any
) -> OutboxWorker:
    """A worker with a Bot of its own and no request middleware, as `bot.operators.wiring`."""
    worker_bot = Bot(TOKEN, session=telegram.session())
    assert settings.operators_chat_id is not None
    return OutboxWorker(worker_bot, store, settings.operators_chat_id, **kwargs)


@pytest.fixture
async def hotline(
    understanding: Any, engine: AsyncEngine, clock: FakeClock, sealer: Sealer
) -> AsyncIterator[Hotline]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token=SecretStr(TOKEN), redis_url=None, operators_chat_id=OPERATORS_CHAT
    )
    store = CaseStore(session_factory(engine), sealer, clock=clock)
    cases = CaseService(store, hours=operator_hours(settings))
    services = build_services(settings, understanding=understanding, escalator=cases)
    telegram = TelegramWorld(members={OPERATOR.id})
    bot = build_bot(services, session=telegram.session())
    for middleware in bot.session.middleware:
        if isinstance(middleware, RetryingRequests):
            middleware.sleep = _no_sleep
    dp = build_dispatcher(services)
    # Telegram's group limit has its own tests; here it never gets in the way.
    budget = LocalBudget(per_minute=10_000, clock=lambda: clock.now.timestamp())
    worker = make_worker(store, telegram, settings, budget=budget)
    yield Hotline(dp, bot, telegram, services, store, cases, worker, clock, engine, sealer)
    await dp.storage.close()


async def _no_sleep(_: float) -> None:
    return None


__all__ = ["select"]
