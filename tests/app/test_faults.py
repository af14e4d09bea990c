"""Outages: Redis refused or hung, the database away, Telegram unreachable at start.

The real Dispatcher and the real NLU, as a person would meet them: a risky message must
always bring the emergency numbers, and nothing the person wrote may be lost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from app.container import build_services
from app.web import build_app, register_webhook_until_done
from bot.dispatcher import build_bot, build_dispatcher
from hotline.cases.service import CaseService
from hotline.cases.setup import build_case_store
from hotline.services import Services
from hotline.settings import Settings
from tests.ivr.conftest import understanding
from tests.support.telegram import TOKEN, MockedSession
from tests.support.updates import message, person

DANGER = "меня заперли и бьют, помогите"
CLOSED_REDIS = "redis://127.0.0.1:1/5"
CLOSED_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:1/test"


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": SecretStr(TOKEN),
        "redis_url": None,
        "database_url": f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3",
        "var_dir": tmp_path / "var",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def talk(services: Services, *texts: str, user_id: int = 4242) -> list[str]:
    """Feed the texts as one person, in order; return everything the bot sent."""
    session = MockedSession()
    bot = build_bot(services, session=session)
    dispatcher = build_dispatcher(services)
    user = person(user_id)
    for text in texts:
        await dispatcher.feed_update(bot, message(text, user=user))
    await dispatcher.storage.close()
    return session.sent_texts()


@pytest.fixture
async def hung_redis() -> AsyncIterator[str]:
    """A Redis that accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    for writer in held:
        writer.close()
    server.close()


@pytest.mark.parametrize("redis", ["refused", "hung"])
async def test_without_redis_a_risky_message_gets_the_numbers_and_a_case(
    tmp_path: Path, redis: str, hung_redis: str
) -> None:
    url = CLOSED_REDIS if redis == "refused" else hung_redis
    services = build_services(settings(tmp_path, redis_url=url), understanding=understanding())
    try:
        started = time.perf_counter()
        texts = await talk(services, DANGER)
        took = time.perf_counter() - started
        assert texts and "112" in texts[0]  # the emergency numbers, first
        assert services.cases is not None
        [case] = await services.cases.list_open()
        assert case.level == "emergency"
        assert took < 5.0, f"{took:.1f}s: Redis calls must be time-limited"
        # Ordinary messages are answered too, and quickly.
        started = time.perf_counter()
        assert await talk(services, "Сколько дней на регистрацию?", user_id=77)
        assert time.perf_counter() - started < 2.0
    finally:
        await services.close()


async def test_database_away_a_risky_message_still_gets_help_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    down = settings(tmp_path, database_url=CLOSED_POSTGRES)
    services = build_services(down, understanding=understanding(), spool_name="web-test")
    assert services.spool is not None
    try:
        texts = await talk(services, DANGER, "они ушли, я пишу тихо")
        assert "112" in texts[0]  # the emergency numbers first
        assert any("102" in t for t in texts)
        kept = len(services.spool)
        assert kept == 2  # the escalation, and what came after it
        # The database is back: the spool makes the changes, in order.
        back = CaseService(build_case_store(settings(tmp_path)))
        assert await services.spool.replay(back) == kept
        [case] = await back.list_open()
        assert case.level == "emergency" and DANGER in case.excerpt
        said = [*case.excerpt, *(t for _, t in await back.store.transcript(case.id))]
        assert "они ушли, я пишу тихо" in said
        await back.store.dispose()
        assert not (tmp_path / "var" / "spool" / "web-test.spool").read_text().strip()
    finally:
        await services.close()


async def test_the_spool_survives_a_restart_encrypted(tmp_path: Path) -> None:
    down = settings(tmp_path, database_url=CLOSED_POSTGRES)
    services = build_services(down, understanding=understanding(), spool_name="web-1")
    await talk(services, DANGER)
    await services.close()
    spool_file = tmp_path / "var" / "spool" / "web-1.spool"
    assert DANGER.split()[0] not in spool_file.read_text()
    again = build_services(down, understanding=understanding(), spool_name="web-1")
    assert again.spool is not None and len(again.spool) == 1
    await again.close()


async def test_liveness_ignores_dependencies_and_readiness_checks_each(tmp_path: Path) -> None:
    for database, ready in ((CLOSED_POSTGRES, 503), (None, 200)):
        overrides: dict[str, Any] = {"redis_url": CLOSED_REDIS}
        if database:
            overrides["database_url"] = database
        services = build_services(settings(tmp_path, **overrides), understanding=understanding())
        app = build_app(services)
        async with TestClient(TestServer(app)) as client:
            assert (await client.get("/healthz")).status == 200
            response = await client.get("/readyz")
            assert response.status == ready
            body = await response.json()
            assert body["checks"]["redis"] != "ok"
            assert (body["checks"]["database"] == "ok") == (ready == 200)
        await services.close()


async def test_telegram_unreachable_at_start_the_webhook_is_registered_later(
    tmp_path: Path,
) -> None:
    from aiogram.exceptions import TelegramNetworkError
    from aiogram.methods import SetWebhook

    services = build_services(settings(tmp_path), understanding=understanding())
    session = MockedSession()
    bot = build_bot(services, session=session)
    for _ in range(6):  # each try retries inside the session middleware too
        session.errors.append(TelegramNetworkError(SetWebhook(url="x"), "no route"))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    for middleware in bot.session.middleware:
        middleware.sleep = sleep  # type: ignore[attr-defined]
    dispatcher = build_dispatcher(services)
    await register_webhook_until_done(
        bot, dispatcher, "https://example.org/telegram/webhook", "s3cret", sleep=sleep
    )
    assert len(session.of(SetWebhook)) >= 2 and waits
    await services.close()
