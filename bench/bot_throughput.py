"""Updates per second through the whole Telegram dispatcher, Redis storage, mocked Bot API.

    .venv/bin/python bench/bot_throughput.py [--updates 5000] [--users 500] [--concurrency 20]
        [--nlu real|fake] [--storage redis|memory] [--escalator memory|sqlite|postgres|all]
        [--no-case-index]

Everything a real update goes through runs: deduplication (Redis SET NX), the chat
filter, throttling (Redis INCR), FSM storage (Redis, db 4), the dialogue policy with its
state in Redis, rendering, and the session's retry middleware. Only the HTTP call to
Telegram is replaced by a session that answers at once. Updates are fed concurrently,
as long polling and the webhook handler do (one task per update).

`--escalator` picks what escalations go to: `memory` (`RecordingEscalator`), or the real
durable case service (`CaseService` with its case index, as `build_services` wires it) on
a fresh SQLite file or in a fresh schema of PostgreSQL at 127.0.0.1:5432/test (dropped
afterwards); `all` runs the three in turn and prints each. `--no-case-index` leaves out
the case index, so that `open_case` queries the database on every turn (as before it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram.types import Update  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from app.container import build_services  # noqa: E402
from app.loop import run_loop  # noqa: E402
from bench.telegram_stub import TOKEN, MockedSession  # noqa: E402
from bot.dispatcher import build_bot, build_dispatcher  # noqa: E402
from hotline.cases.crypto import Sealer  # noqa: E402
from hotline.cases.database import session_factory, upgrade_database  # noqa: E402
from hotline.cases.index import (  # noqa: E402
    CaseIndex,
    MemoryCaseIndex,
    RedisCaseIndex,
)
from hotline.cases.service import CaseService  # noqa: E402
from hotline.cases.store import CaseStore  # noqa: E402
from hotline.escalation import Escalator, RecordingEscalator  # noqa: E402
from hotline.settings import Settings  # noqa: E402
from tests.support.updates import message, person, press  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/4"  # the benchmarks' database
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
ESCALATORS = ("memory", "sqlite", "postgres")
CHILD = bool(os.environ.get("BENCH_CHILD"))  # one of several processes (--processes)
OFFSET = int(os.environ.get("BENCH_OFFSET", "0"))  # its people are not the others' people
TEXTS = (
    "Сколько дней на регистрацию?",
    "Каттоого канча күн бар?",
    "Нужен ли патент для работы в Казахстане?",
    "Работодатель не платит зарплату два месяца",
    "Здравствуйте",
    "Рахмат",
)
OPTIONS = ("menu:work", "intent:work_permit", "helpful:yes", "menu:documents")


def understanding(kind: str) -> Any:
    if kind == "real":
        from nlu.pipeline import build_understanding

        return build_understanding(engine="embedded")
    from tests.bot.script import SCRIPT
    from tests.hotline.fakes import FakeUnderstanding

    return FakeUnderstanding(SCRIPT)


@asynccontextmanager
async def case_store(kind: str) -> AsyncIterator[CaseStore]:
    """A migrated, empty case store on a fresh SQLite file or PostgreSQL schema."""
    from cryptography.fernet import Fernet
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    sealer = Sealer(Fernet.generate_key().decode())
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            engine = create_async_engine(f"sqlite+aiosqlite:///{directory}/cases.sqlite3")
            await upgrade_database(engine)
            yield CaseStore(session_factory(engine), sealer, engine=engine)
            await engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_async_engine(  # as hotline.cases.database.create_engine, own schema
        POSTGRES_URL,
        pool_pre_ping=True,
        connect_args={"server_settings": {"search_path": schema}},
    )
    try:
        await upgrade_database(engine)
        yield CaseStore(session_factory(engine), sealer, engine=engine)
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def run(
    updates: int,
    users: int,
    nlu: str,
    concurrency: int,
    storage: str,
    escalator: str,
    case_index: bool = True,
) -> float:
    if escalator == "memory":
        return await run_with(updates, users, nlu, concurrency, storage, escalator, None)
    async with case_store(escalator) as store:
        return await run_with(
            updates, users, nlu, concurrency, storage, escalator, store, case_index
        )


async def run_with(
    updates: int,
    users: int,
    nlu: str,
    concurrency: int,
    storage: str,
    escalator_kind: str,
    store: CaseStore | None,
    case_index: bool = True,
) -> float:
    redis = Redis.from_url(REDIS_URL)
    if not CHILD:
        await redis.flushdb()
    redis_url = REDIS_URL if storage == "redis" else None
    settings = Settings(_env_file=None, bot_token=TOKEN, redis_url=redis_url)  # type: ignore[call-arg]
    services = build_services(
        settings, understanding=understanding(nlu), escalator=RecordingEscalator()
    )
    escalator: Escalator = services.escalator
    if store is not None:  # as build_services wires the durable store
        index: CaseIndex | None = (
            RedisCaseIndex(services.redis) if services.redis else MemoryCaseIndex()
        )
        if not case_index:
            index, escalator_kind = None, f"{escalator_kind} (no case index)"
        escalator = services.policy.escalator = services.escalator = CaseService(store, index)
    bot = build_bot(services, session=MockedSession())
    dp = build_dispatcher(services, throttle_limit=10_000)
    people = [person(100_000 + OFFSET + n) for n in range(users)]
    batch = [
        message(TEXTS[n % len(TEXTS)], user=people[n % users])
        if n % 3
        else press(OPTIONS[n % len(OPTIONS)], user=people[n % users])
        for n in range(updates)
    ]
    # Polling and the webhook parse updates with the bot in context; an update without it
    # would be re-parsed by feed_update, a cost production does not pay.
    batch = [
        Update.model_validate(
            {**u.model_dump(), "update_id": u.update_id + OFFSET}, context={"bot": bot}
        )
        for u in batch
    ]
    for update in batch[:50]:  # warm up: caches, connections, catalogues
        await dp.feed_update(bot, update)
    semaphore = asyncio.Semaphore(concurrency)

    async def feed(update: Any) -> None:
        async with semaphore:
            await dp.feed_update(bot, update)

    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(feed(u) for u in batch[50:]))
    elapsed = time.perf_counter() - started
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ["BENCH_PROFILE"])
    cpu = time.process_time() - cpu_started  # this process only: robust to a busy machine
    sent = len(bot.session.requests)  # type: ignore[attr-defined]
    cases = len(await store.list_open()) if store is not None else len(escalator.requests)  # type: ignore[attr-defined]
    await dp.storage.close()
    services.escalator = RecordingEscalator()  # the store is closed by its owner
    await services.close()
    if not CHILD:
        await redis.flushdb()  # database 4 is the benchmarks' own
    await redis.aclose()
    rate = (updates - 50) / elapsed
    print(
        f"{rate:,.0f} updates/s wall clock, {(updates - 50) / cpu:,.0f} per CPU-second "
        f"({updates - 50} updates, {users} people, nlu={nlu}, storage={storage}, "
        f"concurrency={concurrency}, escalator={escalator_kind}, "
        f"{sent} Bot API calls, {cases} cases)"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=5000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--nlu", choices=("real", "fake"), default="real")
    parser.add_argument("--storage", choices=("redis", "memory"), default="redis")
    parser.add_argument("--escalator", choices=(*ESCALATORS, "all"), default="memory")
    parser.add_argument("--no-case-index", dest="case_index", action="store_false")
    parser.add_argument(
        "--processes", type=int, default=1, help="also run N processes at once; print the ratio"
    )
    args = parser.parse_args()
    if args.processes > 1:
        several_processes(args.processes)
        return
    kinds = ESCALATORS if args.escalator == "all" else (args.escalator,)
    for kind in kinds:
        run_loop(
            run(
                args.updates,
                args.users,
                args.nlu,
                args.concurrency,
                args.storage,
                kind,
                args.case_index,
            )
        )


def several_processes(count: int) -> None:
    """One process alone, then `count` at once (as web processes would run); the ratio."""
    argv = [a for a in sys.argv[1:] if not a.startswith("--processes=")]
    if "--processes" in argv:
        at = argv.index("--processes")
        del argv[at : at + 2]

    def launch(offset: int) -> subprocess.Popen[str]:
        env = {**os.environ, "BENCH_CHILD": "1", "BENCH_OFFSET": str(offset)}
        command = [sys.executable, __file__, *argv]
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)

    def rate(output: str) -> float:
        line = [x for x in output.splitlines() if "updates/s wall clock" in x][-1]
        print("  " + line)
        return float(line.split()[0].replace(",", ""))

    from redis import Redis as SyncRedis

    flush = SyncRedis.from_url(REDIS_URL).flushdb
    print("one process:")
    flush()
    alone = rate(launch(0).communicate()[0])
    print(f"{count} processes at once:")
    flush()
    children = [launch(1_000_000 * (n + 1)) for n in range(count)]
    together = sum(rate(child.communicate()[0]) for child in children)
    print(
        f"{together:,.0f} updates/s together, {together / alone:.2f}x one process "
        f"({os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
