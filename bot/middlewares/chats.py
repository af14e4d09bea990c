"""Only private chats reach the assistant; the operators' supergroup reaches its own router."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject


class PrivateChatsOnly(BaseMiddleware):
    """Drop updates from groups and channels, except the operators' chat (if configured)."""

    def __init__(self, operators_chat_id: int | None) -> None:
        self.operators_chat_id = operators_chat_id

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None:
            return None  # inline queries, polls and the like: nothing for us to answer
        if chat.type == ChatType.PRIVATE or chat.id == self.operators_chat_id:
            return await handler(event, data)
        return None
