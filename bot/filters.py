"""Filters as coroutines.

aiogram runs every synchronous filter (magic `F` filters included) through
`asyncio.to_thread`: a thread hop per check, several per update, on a small default
pool. Async predicates keep filtering on the event loop (see docs/bot.md, throughput).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

Event = Message | CallbackQuery | ChatMemberUpdated


async def private_chat(event: Event) -> bool:
    """Messages, button presses and membership changes in a one-to-one chat."""
    if isinstance(event, CallbackQuery):
        return event.message is not None and event.message.chat.type == ChatType.PRIVATE
    return event.chat.type == ChatType.PRIVATE


def has(*fields: str) -> Callable[[Message], Awaitable[bool]]:
    """A filter for messages carrying any of `fields` (e.g. "voice", "photo")."""

    async def check(message: Message) -> bool:
        return any(getattr(message, name) is not None for name in fields)

    return check


async def has_data(query: CallbackQuery) -> bool:
    return bool(query.data)


async def looks_like_command(message: Message) -> bool:
    return bool(message.text and message.text.startswith("/"))


async def not_from_bot(message: Message) -> bool:
    """Written by a person: anonymous admins and other bots look like bots."""
    return message.from_user is not None and not message.from_user.is_bot


async def in_topic(message: Message) -> bool:
    return message.message_thread_id is not None
