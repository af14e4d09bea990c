"""Telegram's bad moments: flood control, server errors, network errors, a blocked bot."""

from __future__ import annotations

import pytest
from aiogram.exceptions import (
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage

from bot.delivery import RetryingRequests
from tests.bot.conftest import Harness
from tests.support.updates import membership, message

METHOD = SendMessage(chat_id=1, text="x")


@pytest.fixture
def naps(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the waits instead of sleeping through them."""
    slept: list[float] = []

    async def nap(seconds: float) -> None:
        slept.append(seconds)

    for middleware in harness.bot.session.middleware:
        if isinstance(middleware, RetryingRequests):
            monkeypatch.setattr(middleware, "sleep", nap)
    return slept


async def test_flood_control_waits_then_sends(harness: Harness, naps: list[float]) -> None:
    harness.session.errors.append(TelegramRetryAfter(METHOD, "Too Many Requests", 7))
    await harness.feed(message("Здравствуйте"))
    assert naps == [7.0]
    assert len(harness.texts()) == 2  # the failed attempt, then the delivered one
    assert harness.services.metrics.value("telegram_retries_total", method="sendMessage") == 1


async def test_server_and_network_errors_retry_with_backoff(
    harness: Harness, naps: list[float]
) -> None:
    harness.session.errors.extend(
        [TelegramServerError(METHOD, "Bad Gateway"), TelegramNetworkError(METHOD, "reset")]
    )
    await harness.feed(message("Здравствуйте"))
    assert naps == [0.5, 1.0]
    assert len(harness.texts()) == 3


async def test_retries_are_bounded(harness: Harness, naps: list[float]) -> None:
    harness.session.errors.extend([TelegramServerError(METHOD, "down")] * 4)
    await harness.feed(message("Здравствуйте"))  # the reply is lost after 4 attempts
    assert len(naps) == 3
    assert harness.services.metrics.value("telegram_send_failures_total", method="sendMessage") == 1


async def test_an_escalation_notice_survives_a_failed_message_before_it(
    harness: Harness, naps: list[float]
) -> None:
    harness.session.errors.extend([TelegramServerError(METHOD, "down")] * 4)
    await harness.feed(message("Мени уруп жатат, жардам бергиле"))
    # Emergency numbers failed for good, but the message after them was still sent.
    assert harness.escalator.requests
    assert any("189" in text for text in harness.texts()[4:])


async def test_blocked_by_the_person_marks_them_and_stops(harness: Harness) -> None:
    await harness.feed(message("Здравствуйте"))
    harness.session.clear()
    harness.session.errors.append(
        TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user")
    )
    await harness.feed(message("Мени уруп жатат, жардам бергиле"))
    assert len(harness.texts()) == 1  # the first send failed: nothing more is tried
    state = await harness.services.store.get("tg:1001")
    assert state is not None and state.unreachable
    assert harness.escalator.requests  # the escalation itself is not lost
    assert harness.services.metrics.value("telegram_blocked_total") == 1


async def test_block_and_unblock_updates(harness: Harness) -> None:
    await harness.feed(message("Здравствуйте"))
    await harness.feed(membership(blocked=True))
    state = await harness.services.store.get("tg:1001")
    assert state is not None and state.unreachable
    await harness.feed(membership(blocked=False))
    state = await harness.services.store.get("tg:1001")
    assert state is not None and not state.unreachable


async def test_entity_too_large_is_not_retried(harness: Harness, naps: list[float]) -> None:
    harness.session.errors.append(TelegramEntityTooLarge(METHOD, "Request Entity Too Large"))
    await harness.feed(message("Здравствуйте"))
    assert naps == []
    assert len(harness.texts()) == 1


async def test_a_failing_handler_tells_the_person_and_logs_no_text(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(turn: object) -> None:
        raise RuntimeError("INSERT failed: parameters ('Забрали паспорт',)")

    monkeypatch.setattr(harness.services.policy, "handle", broken)
    await harness.feed(message("Забрали паспорт и не отпускают"))
    [notice] = harness.texts()
    assert "189" in notice
    assert "паспорт" not in caplog.text
    assert harness.services.metrics.value("telegram_handler_errors_total") == 1
