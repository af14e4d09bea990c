"""One fake of the Telegram Bot API, for every test: in process, or over HTTP.

`TelegramWorld` keeps the state (requests made, failures to answer, members of the
operators' chat) and answers each method with the JSON Telegram would send, errors
included (`{"ok": false, "error_code": 429, "description": …, "parameters": …}`).
aiogram turns that JSON into its real objects and exceptions, as with Telegram itself:

- in process: `world.session()` is an aiogram session that never touches the network;
- over HTTP: `tests.support.bot_api_server.BotApiServer` serves the same world on
  127.0.0.1, for processes started with `HOTLINE_TELEGRAM_API_BASE`.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    CloseForumTopic,
    CopyMessage,
    CreateForumTopic,
    EditForumTopic,
    EditMessageText,
    GetChatMember,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ForumTopic,
    Message,
    MessageId,
    User,
)

BOT_ID = 42
TOKEN = f"{BOT_ID}:TEST-TOKEN"
BOT_USER = User(id=BOT_ID, is_bot=True, first_name="Hotline", username="hotline189_bot")


@dataclass
class Failure:
    method: str  # Bot API method name, e.g. "sendMessage"
    status: int  # 429, 502, 403, 400 …
    description: str = "error"
    retry_after: int | None = None
    times: int = 1


@dataclass
class TelegramWorld:
    requests: list[TelegramMethod[Any]] = field(default_factory=list)
    # Each successful call and what it returned (the message ids Telegram gave, …).
    answers: list[tuple[TelegramMethod[Any], Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    members: set[int] = field(default_factory=set)  # user ids in the operators' chat
    owners: set[int] = field(default_factory=set)  # status "creator"
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))

    def fail(self, method: str, status: int, *, times: int = 1, **extra: Any) -> None:
        """Answer the next `times` calls of `method` with Telegram's error JSON."""
        self.failures.append(Failure(method, status, times=times, **extra))

    def session(self) -> FakeSession:
        return FakeSession(self)

    # -- reading what happened --------------------------------------------------------

    def of(self, kind: type[TelegramMethod[Any]]) -> list[Any]:
        return [r for r in self.requests if isinstance(r, kind)]

    def sent_texts(self) -> list[str]:
        return [r.text for r in self.of(SendMessage)]

    def texts_to(self, chat_id: int, thread: int | None = None) -> list[str]:
        return [
            r.text
            for r in self.of(SendMessage)
            if int(r.chat_id) == chat_id and (thread is None or r.message_thread_id == thread)
        ]

    def copies_to(self, chat_id: int) -> list[CopyMessage]:
        return [r for r in self.of(CopyMessage) if int(r.chat_id) == chat_id]

    def names(self) -> list[str]:
        return [r.__api_method__ for r in self.requests]

    def message_ids_sent_to(self, chat_id: int) -> list[int]:
        """The ids of the messages the bot sent or copied into a chat, in order."""
        return [
            int(result.message_id)
            for method, result in self.answers
            if isinstance(method, SendMessage | CopyMessage) and int(method.chat_id) == chat_id
        ]

    def clear(self) -> None:
        self.requests.clear()
        self.answers.clear()

    # -- answering, as JSON ------------------------------------------------------------

    def respond(self, method: TelegramMethod[Any]) -> tuple[int, dict[str, Any]]:
        """Record the call and return (HTTP status, the JSON body Telegram would send)."""
        self.requests.append(method)
        failure = self._failure_for(method)
        if failure is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.status, body
        result = self._result(method)
        self.answers.append((method, result))
        if hasattr(result, "model_dump"):
            result = result.model_dump(mode="json", exclude_none=True)
        return 200, {"ok": True, "result": result}

    def _failure_for(self, method: TelegramMethod[Any]) -> Failure | None:
        for failure in self.failures:
            if failure.method == method.__api_method__ and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, CreateForumTopic):
            return ForumTopic(
                message_thread_id=next(self._ids),
                name=method.name,
                icon_color=method.icon_color or 0,
            )
        if isinstance(method, SendMessage | EditMessageText):
            chat_id = int(method.chat_id or 0)
            message_id = method.message_id if isinstance(method, EditMessageText) else None
            return Message(
                message_id=message_id or next(self._ids),
                date=datetime.now(),
                chat=Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup"),
                from_user=BOT_USER,
                text=method.text,
                message_thread_id=getattr(method, "message_thread_id", None),
            )
        if isinstance(method, CopyMessage):
            return MessageId(message_id=next(self._ids))
        if isinstance(method, GetChatMember):
            user = User(id=method.user_id, is_bot=False, first_name="X")
            if method.user_id in self.owners:
                return ChatMemberOwner(user=user, is_anonymous=False)
            if method.user_id in self.members:
                return ChatMemberMember(user=user)
            return ChatMemberLeft(user=user)
        return True


class FakeSession(BaseSession):
    """An aiogram session answered by a `TelegramWorld`, through aiogram's own parsing."""

    def __init__(self, world: TelegramWorld | None = None) -> None:
        super().__init__()
        self.world = world or TelegramWorld()
        # Raised by the next calls, in order, before Telegram is asked (network failures).
        self.errors: deque[Exception] = deque()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        if self.errors:
            self.world.requests.append(method)
            raise self.errors.popleft()
        status, body = self.world.respond(method)
        response = self.check_response(bot, method, status, json.dumps(body))  # raises errors
        return response.result  # type: ignore[return-value]

    # The world's views, for tests that only have the session.
    @property
    def requests(self) -> list[TelegramMethod[Any]]:
        return self.world.requests

    def of(self, kind: type[TelegramMethod[Any]]) -> list[Any]:
        return self.world.of(kind)

    def sent_texts(self) -> list[str]:
        return self.world.sent_texts()

    def clear(self) -> None:
        self.world.clear()

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


MockedSession = FakeSession  # the name aiogram's own tests use

__all__ = [
    "BOT_ID",
    "TOKEN",
    "CloseForumTopic",
    "CopyMessage",
    "CreateForumTopic",
    "EditForumTopic",
    "EditMessageText",
    "Failure",
    "FakeSession",
    "MockedSession",
    "SendMessage",
    "TelegramWorld",
]
