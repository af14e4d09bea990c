"""The pieces are wired: durable cases by default, the worker role builds the outbox,
and `hotline cases list|stats --csv` read the same database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from app.cli import main
from app.container import build_services
from app.worker import WorkerJobs
from bot.outbox import OutboxWorker
from hotline.cases.service import CaseService as CaseEscalator
from hotline.escalation import EscalationRequest
from hotline.settings import Settings, get_settings
from tests.operators.conftest import OPERATORS_CHAT
from tests.support.telegram import TOKEN


def sqlite_settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        redis_url=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3",
        var_dir=tmp_path / "var",
        **extra,
    )


async def test_services_keep_cases_in_the_database_by_default(
    tmp_path: Path, understanding: object
) -> None:
    settings = sqlite_settings(tmp_path, operators_chat_id=OPERATORS_CHAT)
    services = build_services(settings, understanding=understanding)  # type: ignore[arg-type]
    try:
        assert isinstance(services.escalator, CaseEscalator)
        # A fresh SQLite file just works: migrations run before the first query.
        ref = await services.escalator.escalate(
            EscalationRequest("tg:5", "telegram", "ru", "high", ("isolation",), "risk")
        )
        assert ref.is_new
        jobs = WorkerJobs(services)
        jobs.start()
        assert isinstance(jobs.outbox, OutboxWorker) and jobs.outbox.chat_id == OPERATORS_CHAT
        await jobs.stop()
        assert jobs.outbox is None
    finally:
        await services.close()


async def test_without_an_operators_chat_cases_are_only_stored(
    tmp_path: Path, understanding: object
) -> None:
    services = build_services(sqlite_settings(tmp_path), understanding=understanding)  # type: ignore[arg-type]
    try:
        jobs = WorkerJobs(services)
        jobs.start()
        assert jobs.outbox is None
        await jobs.stop()
    finally:
        await services.close()


async def test_cases_commands_read_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = sqlite_settings(tmp_path)
    from hotline.cases.setup import build_case_store
    from hotline.keys import load_keys

    store = build_case_store(settings, load_keys(settings))
    await CaseEscalator(store).escalate(
        EscalationRequest("tg:9", "telegram", "ky", "emergency", (), "emergency", "emergency")
    )
    await store.dispose()
    monkeypatch.setenv("HOTLINE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HOTLINE_VAR_DIR", str(settings.var_dir))
    get_settings.cache_clear()
    try:
        import asyncio

        loop_free = asyncio.to_thread  # the commands call asyncio.run: run them off this loop
        assert await loop_free(main, ["cases", "list"]) == 0
        assert await loop_free(main, ["cases", "stats", "--csv"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "000001   emergency  open" in out and "1 open" in out
    assert "day,channel,language,intent,level,situation,cases" in out
    assert ",telegram,ky,emergency,emergency,-,1" in out
