"""A Bot API stand-in for benchmarks: answers at once with the objects aiogram would build.

The tests' fake (`tests/support/telegram.py`) goes through Telegram's JSON both ways, which
is right for tests and wrong for a benchmark of our code: production pays aiogram's
parsing of the answer (here: building the Message) but not Telegram's serialising of it.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, User

BOT_ID = 42
TOKEN = f"{BOT_ID}:TEST-TOKEN"


class MockedSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.errors: deque[Exception] = deque()  # raised by the next calls, in order
        self._ids = itertools.count(1000)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        self.requests.append(method)
        if self.errors:
            raise self.errors.popleft()
        if isinstance(method, SendMessage):
            message = Message(
                message_id=next(self._ids),
                date=datetime.now(),
                chat=Chat(id=int(method.chat_id), type="private"),
                from_user=User(id=BOT_ID, is_bot=True, first_name="Hotline"),
                text=method.text,
            )
            return message.as_(bot)  # type: ignore[return-value]
        return True  # type: ignore[return-value]

    async def close(self) -> None:
        pass

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (aiogram's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    def of(self, kind: type[TelegramMethod[Any]]) -> list[Any]:
        return [r for r in self.requests if isinstance(r, kind)]

    def sent_texts(self) -> list[str]:
        return [r.text for r in self.of(SendMessage)]

    def clear(self) -> None:
        self.requests.clear()
