"""A real Dispatcher over the real core, with a Bot whose session records every request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update

from app.container import build_services
from bot.dispatcher import build_bot, build_dispatcher
from hotline.escalation import RecordingEscalator
from hotline.services import Services
from hotline.settings import Settings
from tests.hotline.fakes import FakeUnderstanding
from tests.support.telegram import TOKEN, MockedSession


def make_services(understanding: Any, settings: Settings | None = None) -> Services:
    settings = settings or Settings(_env_file=None, bot_token=TOKEN, redis_url=None)  # type: ignore[call-arg]
    return build_services(settings, understanding=understanding, escalator=RecordingEscalator())


@dataclass
class Harness:
    """Feed updates to the Dispatcher; inspect what the bot asked Telegram to do."""

    dp: Dispatcher
    bot: Bot
    session: MockedSession
    services: Services

    async def feed(self, update: Update) -> None:
        await self.dp.feed_update(self.bot, update)

    def texts(self) -> list[str]:
        return self.session.sent_texts()

    @property
    def escalator(self) -> RecordingEscalator:
        assert isinstance(self.services.escalator, RecordingEscalator)
        return self.services.escalator


async def make_harness(services: Services, **kwargs: Any) -> AsyncIterator[Harness]:
    session = MockedSession()
    bot = build_bot(services, session=session)
    dp = build_dispatcher(services, **kwargs)
    yield Harness(dp, bot, session, services)
    await dp.storage.close()


@pytest.fixture
def understanding() -> Any:
    from tests.bot.script import SCRIPT

    return FakeUnderstanding(SCRIPT)


@pytest.fixture
async def harness(understanding: Any) -> AsyncIterator[Harness]:
    async for h in make_harness(make_services(understanding)):
        yield h
