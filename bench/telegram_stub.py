"""A Bot API stand-in for benchmarks: answers at once with the objects aiogram would build.

The tests' fake (`tests/support/telegram.py`) goes through Telegram's JSON both ways, which
is right for tests and wrong for a benchmark of our code: production pays aiogram's
parsing of the answer (here: building the Message) but not Telegram's serialising of it.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message

from tests.support.telegram import BOT_USER, TOKEN, FakeSession

__all__ = ["TOKEN", "MockedSession"]


class MockedSession(FakeSession):
    """Records each call in the world, and answers without a JSON round trip."""

    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        self.world.requests.append(method)
        if isinstance(method, SendMessage):
            message = Message(
                message_id=next(self._ids),
                date=datetime.now(),
                chat=Chat(id=int(method.chat_id), type="private"),
                from_user=BOT_USER,
                text=method.text,
            )
            return message.as_(bot)  # type: ignore[return-value]
        return True  # type: ignore[return-value]
