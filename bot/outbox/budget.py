"""Telegram's budget for the operators' group, shared by every worker.

Telegram lets a bot post about 20 messages a minute in one group. With several workers a
budget per process would multiply that, so the budget lives in Redis: a sliding
one-minute window per group (a sorted set of send times, checked and taken by one Lua
script, atomic across workers), and a shared pause when Telegram answers 429. Why not a
leader that alone sends to the group: see docs/deployment.md ("The group budget").

Without Redis (one process on embedded defaults), or while Redis is away, a worker uses
a window of its own; a 429 then still pauses it for as long as Telegram asks.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Protocol

from redis.asyncio import Redis

from hotline.redis_batch import batcher_for

log = logging.getLogger(__name__)

GROUP_MESSAGES_PER_MINUTE: Final = 20
REDIS_TIMEOUT_SECONDS: Final = 0.2


class GroupBudget(Protocol):
    async def try_take(self) -> bool:
        """Take one message of the budget if there is one (and no pause is on)."""
        ...

    async def spend(self) -> None:
        """Count one more message of an item already under way (no check)."""
        ...

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends to the group for `seconds`."""
        ...


@dataclass
class LocalBudget:
    """This process only: a sliding one-minute window and Telegram's pauses."""

    per_minute: int = GROUP_MESSAGES_PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    _sent: deque[float] = field(default_factory=deque)
    _paused_until: float = 0.0

    def available(self) -> bool:
        now = self.clock()
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        return now >= self._paused_until and len(self._sent) < self.per_minute

    async def try_take(self) -> bool:
        if not self.available():
            return False
        self._sent.append(self.clock())
        return True

    async def spend(self) -> None:
        self._sent.append(self.clock())

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self.clock() + seconds)


# KEYS: the window (sorted set), the pause. ARGV: now (ms), per minute, member, force.
_TAKE: Final = """
local now = tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[4] == '0' and paused > now then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
if ARGV[4] == '0' and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], 61000)
return 1
"""
_PAUSE: Final = """
local until = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < until then
  redis.call('SET', KEYS[1], until, 'PX', math.max(1, until - tonumber(ARGV[2])))
end
return 1
"""


class RedisBudget:
    """Shared by every worker of the group; falls back to a local window if Redis fails."""

    def __init__(
        self,
        redis: Redis,
        chat_id: int,
        per_minute: int = GROUP_MESSAGES_PER_MINUTE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._batch = batcher_for(redis)
        self._keys = [f"hotline:tg-budget:{chat_id}", f"hotline:tg-pause:{chat_id}"]
        self.per_minute = per_minute
        self._clock = clock
        self.fallback = LocalBudget(per_minute)

    async def _take(self, force: bool) -> bool:
        now = int(self._clock() * 1000)
        member = f"{now}:{secrets.token_hex(4)}"
        args: list[str | int] = [now, self.per_minute, member, "1" if force else "0"]
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                return bool(await self._batch.script(_TAKE, self._keys, args))
        except Exception as exc:  # noqa: BLE001 - Redis away: this worker's own window
            log.warning("shared group budget unavailable (%s): local", type(exc).__name__)
            if force:
                await self.fallback.spend()
                return True
            return await self.fallback.try_take()

    async def try_take(self) -> bool:
        return await self._take(force=False)

    async def spend(self) -> None:
        await self._take(force=True)

    async def pause(self, seconds: float) -> None:
        await self.fallback.pause(seconds)
        now = int(self._clock() * 1000)
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                await self._batch.script(_PAUSE, self._keys[1:], [now + int(seconds * 1000), now])
        except Exception as exc:  # noqa: BLE001 - the local pause holds meanwhile
            log.warning("shared pause not set (%s)", type(exc).__name__)
