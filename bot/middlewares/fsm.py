"""aiogram's FSM context for handlers, without reading the FSM state of every update.

aiogram's own middleware loads the state of every update (`raw_state`, a Redis round trip)
for `StateFilter`. No handler here uses FSM states: the conversation lives in the core's
store. So handlers still get `state` (for `/forget`'s `state.clear()` and the storage
next to the message log) and `raw_state` is None, which is what it would read.
`tests/bot/test_async_filters.py` fails if a `StateFilter` is ever registered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject


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
