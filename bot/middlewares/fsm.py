"""aiogram's FSM context for handlers, without reading the FSM state of every update.

aiogram's own middleware loads the state of every update (`raw_state`, a Redis round trip)
for `StateFilter`. No handler here uses FSM states: the conversation lives in the core's
store. So handlers still get `state` (for `/forget`'s `state.clear()` and the storage
next to the message log) and `raw_state` is None, which is what it would read.
`tests/bot/test_async_filters.py` fails if a `StateFilter` is ever registered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiogram import Bot
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import KeyBuilder, StorageKey
from aiogram.types import TelegramObject

from hotline.cases.crypto import Pseudonyms


class FSMWithoutStates(FSMContextMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot = data["bot"]
        context = self.resolve_event_context(bot, data)
        data["fsm_storage"] = self.storage
        if context is not None:
            data["state"] = context
            data["raw_state"] = None
        return await handler(event, data)


class PseudonymousKeyBuilder(KeyBuilder):
    """aiogram's FSM keys, with the chat and the user named by one pseudonym, not their ids.

    `fsm:<bot id>:<pseudonym>:<destiny>[:<part>]`. No handler writes FSM data today, but
    a key that ever appears in Redis must not show a Telegram id (see `hotline.keys`).
    """

    def __init__(self, pseudonyms: Pseudonyms, prefix: str = "fsm") -> None:
        self.pseudonyms = pseudonyms
        self.prefix = prefix

    def build(self, key: StorageKey, part: Literal["data", "state", "lock"] | None = None) -> str:
        who = self.pseudonyms.of(
            f"tg-fsm:{key.chat_id}:{key.thread_id or ''}:{key.user_id}:"
            f"{key.business_connection_id or ''}"
        )
        parts = [self.prefix, str(key.bot_id), who, key.destiny]
        if part:
            parts.append(part)
        return ":".join(parts)
