"""Ids of recent messages in a private chat, so that /forget can delete both sides.

Telegram lets a bot delete messages of a private chat for 48 hours, so older ids are
useless and expire. Every update appends ids, and only /forget reads them: in Redis
that is a list appended with one command (pipelined with other updates') and no read,
where a JSON blob in FSM data would cost a read and a write on every update.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Final, Protocol
from weakref import WeakKeyDictionary

from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from redis.exceptions import RedisError

from hotline.redis_batch import batcher_for

KEEP_SECONDS: Final = 48 * 3600
KEEP_COUNT: Final = 500


class MessageLog(Protocol):
    async def remember(self, bot_id: int, chat_id: int, message_ids: Iterable[int | None]) -> None:
        """Note these message ids (None entries are skipped)."""
        ...

    async def pop_all(self, bot_id: int, chat_id: int) -> list[int]:
        """Return the ids still deletable, oldest first, and forget them."""
        ...


# Append, keep the newest KEEP_COUNT, restart the expiry: one command per update.
REMEMBER_SCRIPT: Final = """
redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


class RedisMessageLog:
    """In Redis; while Redis fails, in this process's memory (and `/forget` reads both)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._batch = batcher_for(redis)  # pipelined with the other updates' commands
        self._memory = MemoryMessageLog()

    @staticmethod
    def _key(bot_id: int, chat_id: int) -> str:
        return f"hotline:tg-messages:{bot_id}:{chat_id}"

    async def remember(self, bot_id: int, chat_id: int, message_ids: Iterable[int | None]) -> None:
        now = int(time.time())
        ids = list(message_ids)
        entries = [f"{i}:{now}" for i in ids if i is not None]
        if not entries:
            return
        try:
            await self._batch.script(
                REMEMBER_SCRIPT, [self._key(bot_id, chat_id)], [KEEP_COUNT, KEEP_SECONDS, *entries]
            )
        except (ConnectionError, OSError, TimeoutError):
            await self._memory.remember(bot_id, chat_id, ids)

    async def pop_all(self, bot_id: int, chat_id: int) -> list[int]:
        kept = await self._memory.pop_all(bot_id, chat_id)
        key = self._key(bot_id, chat_id)
        try:
            async with asyncio.timeout(1.0), self._redis.pipeline(transaction=True) as pipe:
                pipe.lrange(key, 0, -1)
                pipe.delete(key)
                raw, _ = await pipe.execute()
        except (ConnectionError, OSError, TimeoutError, RedisError):
            return kept
        entries = [entry.decode() if isinstance(entry, bytes) else str(entry) for entry in raw]
        stored = _deletable(tuple(int(part) for part in e.split(":")) for e in entries)
        return sorted({*stored, *kept})


class MemoryMessageLog:
    def __init__(self) -> None:
        self._chats: dict[tuple[int, int], list[tuple[int, int]]] = {}

    async def remember(self, bot_id: int, chat_id: int, message_ids: Iterable[int | None]) -> None:
        now = int(time.time())
        kept = self._chats.setdefault((bot_id, chat_id), [])
        kept += [(i, now) for i in message_ids if i is not None]
        del kept[:-KEEP_COUNT]

    async def pop_all(self, bot_id: int, chat_id: int) -> list[int]:
        return _deletable(self._chats.pop((bot_id, chat_id), []))


def _deletable(entries: Iterable[tuple[int, ...]]) -> list[int]:
    oldest = int(time.time()) - KEEP_SECONDS
    return [entry[0] for entry in entries if entry[1] > oldest]


_MEMORY_LOGS: WeakKeyDictionary[BaseStorage, MemoryMessageLog] = WeakKeyDictionary()


def log_for(storage: BaseStorage) -> MessageLog:
    """The message log that lives next to an FSM storage: in its Redis, or in memory."""
    if isinstance(storage, RedisStorage):
        return RedisMessageLog(storage.redis)
    log = _MEMORY_LOGS.get(storage)
    if log is None:
        log = _MEMORY_LOGS[storage] = MemoryMessageLog()
    return log
