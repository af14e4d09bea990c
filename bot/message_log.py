"""Every message of a person's private chat, both ways, so that /forget can delete them.

Whatever sends into the chat records what it sent: the dispatcher's replies (`Talk`), its
error and throttling notes, and the outbox worker's deliveries (an operator's message, a
notice), which may run in another process. So in Redis mode every process writes the same
keys, named by a pseudonym of the chat; in one process without Redis the dispatcher and
the worker share one `MemoryMessageLog` (wired in `app.telegram`).

Telegram lets a bot delete messages of a private chat for 48 hours, so older ids are
useless and expire. What is kept beyond is a count of the chat's messages (no ids, no
text), for `HISTORY_SECONDS` after the last one: enough for /forget to tell the person
that older messages remain, and how to clear them in their app.

Every update appends ids, and only /forget reads them: in Redis that is one script call
(pipelined with other updates') and no read, where a JSON blob in FSM data would cost a
read and a write on every update.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol
from weakref import WeakKeyDictionary

from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from redis.exceptions import RedisError

from hotline.cases.crypto import Pseudonyms
from hotline.redis_batch import batcher_for

if TYPE_CHECKING:
    from hotline.services import Services

KEY_PREFIX: Final = "hotline:tg-messages:"
COUNT_PREFIX: Final = "hotline:tg-messages-count:"
KEEP_SECONDS: Final = 48 * 3600  # Telegram's limit for deleting a private chat's messages
KEEP_COUNT: Final = 500
HISTORY_SECONDS: Final = 30 * 24 * 3600  # the count, after the chat's last message

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class ChatHistory:
    """What /forget can do about a chat."""

    deletable: list[int] = field(default_factory=list)  # ids, oldest first
    # Messages of the chat the bot can no longer delete: older than 48 hours, or beyond
    # the newest KEEP_COUNT. Only a count: it is what the person is told about.
    undeletable: int = 0


class MessageLog(Protocol):
    async def remember(self, bot_id: int, chat_id: int, message_ids: Iterable[int | None]) -> None:
        """Note these message ids (None entries are skipped)."""
        ...

    async def pop_all(self, bot_id: int, chat_id: int) -> ChatHistory:
        """Return what is still deletable and how many are not, and forget both."""
        ...


# Append, keep the newest KEEP_COUNT, restart the expiry, count: one command per update.
REMEMBER_SCRIPT: Final = """
redis.call('RPUSH', KEYS[1], unpack(ARGV, 4))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('INCRBY', KEYS[2], #ARGV - 3)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"""


class RedisMessageLog:
    """In Redis; while Redis fails, in this process's memory (and `/forget` reads both)."""

    def __init__(self, redis: Redis, pseudonyms: Pseudonyms, clock: Clock = time.time) -> None:
        self._redis = redis
        self._batch = batcher_for(redis)  # pipelined with the other updates' commands
        self._pseudonyms = pseudonyms
        self._clock = clock
        self._memory = MemoryMessageLog(clock)

    def _keys(self, bot_id: int, chat_id: int) -> list[str]:
        """Named by a pseudonym of the chat: a Redis key never shows a Telegram id."""
        name = f"{bot_id}:{self._pseudonyms.of(f'tg-chat:{chat_id}')}"
        return [f"{KEY_PREFIX}{name}", f"{COUNT_PREFIX}{name}"]

    async def remember(self, bot_id: int, chat_id: int, message_ids: Iterable[int | None]) -> None:
        now = int(self._clock())
        ids = list(message_ids)
        entries = [f"{i}:{now}" for i in ids if i is not None]
        if not entries:
            return
        try:
            await self._batch.script(
                REMEMBER_SCRIPT,
                self._keys(bot_id, chat_id),
                [KEEP_COUNT, KEEP_SECONDS, HISTORY_SECONDS, *entries],
            )
        except (ConnectionError, OSError, TimeoutError, RedisError):
            await self._memory.remember(bot_id, chat_id, ids)

    async def pop_all(self, bot_id: int, chat_id: int) -> ChatHistory:
        kept = await self._memory.pop_all(bot_id, chat_id)
        key, count_key = self._keys(bot_id, chat_id)
        try:
            async with asyncio.timeout(1.0), self._redis.pipeline(transaction=True) as pipe:
                pipe.lrange(key, 0, -1)
                pipe.get(count_key)
                pipe.delete(key, count_key)
                raw, count, _ = await pipe.execute()
        except (ConnectionError, OSError, TimeoutError, RedisError):
            return kept
        entries = [entry.decode() if isinstance(entry, bytes) else str(entry) for entry in raw]
        parsed = [(int(i), int(ts)) for i, _, ts in (e.partition(":") for e in entries)]
        stored = _history(parsed, int(count or 0), self._clock())
        return ChatHistory(
            sorted({*stored.deletable, *kept.deletable}),
            stored.undeletable + kept.undeletable,
        )


class MemoryMessageLog:
    """In this process: for one process without Redis (dispatcher and worker share it).

    Expires like the Redis keys: a chat quiet for `HISTORY_SECONDS` is forgotten.
    """

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._chats: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._counts: dict[tuple[int, int], tuple[int, float]] = {}  # count, last message
        self._swept = clock()

    async def remember(self, bot_id: int, chat_id: int, message_ids: Iterable[int | None]) -> None:
        now = self._clock()
        chat = (bot_id, chat_id)
        new = [(i, int(now)) for i in message_ids if i is not None]
        if not new:
            return
        self._expire(chat, now)
        kept = self._chats.setdefault(chat, [])
        kept += new
        del kept[:-KEEP_COUNT]
        count, _ = self._counts.get(chat, (0, now))
        self._counts[chat] = (count + len(new), now)
        if now - self._swept > 3600:  # an hourly sweep keeps the memory bounded
            self._swept = now
            for quiet in list(self._counts):
                self._expire(quiet, now)

    async def pop_all(self, bot_id: int, chat_id: int) -> ChatHistory:
        chat = (bot_id, chat_id)
        now = self._clock()
        self._expire(chat, now)
        count, _ = self._counts.pop(chat, (0, now))
        return _history(self._chats.pop(chat, []), count, now)

    def _expire(self, chat: tuple[int, int], now: float) -> None:
        _, last = self._counts.get(chat, (0, now))
        if now - last > HISTORY_SECONDS:
            self._counts.pop(chat, None)
            self._chats.pop(chat, None)


def _history(entries: list[tuple[int, int]], count: int, now: float) -> ChatHistory:
    """Split the logged entries; `count` is every message logged, the trimmed ones too."""
    oldest = now - KEEP_SECONDS
    fresh = [message_id for message_id, at in entries if at > oldest]
    undeletable = max(count, len(entries)) - len(fresh)
    return ChatHistory(sorted(set(fresh)), undeletable)


_MEMORY_LOGS: WeakKeyDictionary[BaseStorage, MemoryMessageLog] = WeakKeyDictionary()


def log_for(storage: BaseStorage, pseudonyms: Pseudonyms | None) -> MessageLog:
    """The message log that lives next to an FSM storage: in its Redis, or in memory."""
    if isinstance(storage, RedisStorage):
        if pseudonyms is None:
            raise ValueError("a message log in Redis needs the pseudonym key")
        return RedisMessageLog(storage.redis, pseudonyms)
    log = _MEMORY_LOGS.get(storage)
    if log is None:
        log = _MEMORY_LOGS[storage] = MemoryMessageLog()
    return log


def message_log_of(services: Services, clock: Clock = time.time) -> MessageLog:
    """The log every sender of one process shares: in Redis when there is one.

    Without Redis it lives in this process only: pass the same instance to the Dispatcher
    and to the outbox worker (`app.telegram`), or the worker's deliveries are not deleted.
    """
    if services.redis is not None:
        if services.keys is None:
            raise ValueError("a message log in Redis needs the pseudonym key")
        return RedisMessageLog(services.redis, services.keys.pseudonyms, clock)
    return MemoryMessageLog(clock)
