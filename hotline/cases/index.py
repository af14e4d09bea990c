"""The case index: "no open case" without a database query, right across processes.

`open_case` runs on every turn, and almost every person has no case. A `CaseIndex` lets
that common answer ("no open case") come without a database query, and stays right
across processes: it never says "no case" while one may be open.

How (per person, in Redis or in process memory):

- `escalate` counts itself *in flight* before it touches the database, and when it is
  done (committed or failed) it stops counting and draws a new random *generation*;
- a reader that finds nothing in flight reads the generation, asks the database, and
  when the database says "no case" notes "no case at generation g", but only if the
  generation is still g and nothing is in flight at that moment (one atomic step);
- "no case" is answered from the index only while nothing is in flight and the noted
  generation is the current one.

A case is committed only by an escalation that is in flight until after the commit, and
that then changes the generation: so from the moment a case exists, every reader either
sees something in flight or a generation no "no case" was noted for, and asks the
database. Closing a case needs no step of its own: after an escalation the index always
asks the database, which sees the close at once, and the first such "no case" is noted
again. Generations are random, so an index entry that expired or was erased cannot make
an old note match again. If reading the index fails (Redis down), the database is asked.
An escalation whose "in flight" step fails still goes ahead (a case matters more); its
final step then changes the generation, so a stale note can only be believed in the
milliseconds between the commit and that step, and only if Redis failed just then.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from typing import Final, Protocol

from redis.asyncio import Redis

from hotline.redis_batch import batcher_for

log = logging.getLogger(__name__)

PREFIX: Final = "hotline:case-index:"
INDEX_TTL_SECONDS: Final = 7 * 24 * 3600  # refreshed on every write; as long as the state


@dataclass(frozen=True, slots=True)
class IndexEntry:
    in_flight: int = 0
    generation: str = ""
    no_case_at: str | None = None  # the generation at which the database said "no case"

    @property
    def no_case(self) -> bool:
        """Known to have no open case: the database need not be asked."""
        return self.in_flight <= 0 and self.no_case_at == self.generation


class CaseIndex(Protocol):
    async def read(self, user_key: str) -> IndexEntry: ...

    async def note_no_case(self, user_key: str, generation: str) -> None:
        """The database said "no case" for a read made at `generation`."""
        ...

    async def begin_escalation(self, user_key: str) -> None: ...

    async def end_escalation(self, user_key: str) -> None:
        """After the escalation's transaction, committed or not."""
        ...

    async def erase(self, user_key: str) -> None:
        """Drop the entry (after /forget), unless an escalation is in flight."""
        ...


# KEYS[1] the person's entry (a hash: in_flight, gen, no_case). ARGV: TTL, then per script.
_NOTE: Final = """
local entry = redis.call('HMGET', KEYS[1], 'in_flight', 'gen')
if tonumber(entry[1] or '0') > 0 or (entry[2] or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'no_case', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""
_BEGIN: Final = """
redis.call('HINCRBY', KEYS[1], 'in_flight', 1)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""
_END: Final = """
local left = redis.call('HINCRBY', KEYS[1], 'in_flight', -1)
if left < 0 then redis.call('HSET', KEYS[1], 'in_flight', 0) end
redis.call('HSET', KEYS[1], 'gen', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""
_ERASE: Final = """
if tonumber(redis.call('HGET', KEYS[1], 'in_flight') or '0') > 0 then return 0 end
return redis.call('DEL', KEYS[1])
"""


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class RedisCaseIndex:
    """Shared by every process on the Redis: what makes the fast path multi-process safe."""

    def __init__(
        self,
        redis: Redis,
        ttl_seconds: int = INDEX_TTL_SECONDS,
        prefix: str = "hotline:case-index:",
    ) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._prefix = prefix
        self._batch = batcher_for(redis)  # pipelined with the other turns' commands

    def key(self, user_key: str) -> str:
        return f"{self._prefix}{user_key}"

    async def read(self, user_key: str) -> IndexEntry:
        in_flight, gen, no_case = await self._batch.call(
            "HMGET", self.key(user_key), "in_flight", "gen", "no_case"
        )
        return IndexEntry(int(in_flight or 0), _text(gen) or "", _text(no_case))

    async def note_no_case(self, user_key: str, generation: str) -> None:
        await self._batch.script(_NOTE, [self.key(user_key)], [self._ttl, generation])

    async def begin_escalation(self, user_key: str) -> None:
        await self._batch.script(_BEGIN, [self.key(user_key)], [self._ttl])

    async def end_escalation(self, user_key: str) -> None:
        await self._batch.script(_END, [self.key(user_key)], [self._ttl, secrets.token_hex(8)])

    async def erase(self, user_key: str) -> None:
        await self._batch.script(_ERASE, [self.key(user_key)], [])


class MemoryCaseIndex:
    """One process, no Redis: right only if no other process opens cases for the same
    people (true of `hotline bot`/`serve`/`chat` without Redis: each serves its own
    channel's keys, and running several bot workers needs Redis anyway)."""

    def __init__(self, ttl_seconds: int = INDEX_TTL_SECONDS, capacity: int = 200_000) -> None:
        self._entries: dict[str, tuple[IndexEntry, float]] = {}
        self._ttl = ttl_seconds
        self._capacity = capacity

    def _get(self, user_key: str) -> IndexEntry:
        entry, expires = self._entries.get(user_key, (IndexEntry(), 0.0))
        return entry if expires > time.monotonic() else IndexEntry()

    def _put(self, user_key: str, entry: IndexEntry) -> None:
        if len(self._entries) >= self._capacity:  # bounded: drop idle "no case" notes
            now = time.monotonic()
            self._entries = {
                k: v for k, v in self._entries.items() if v[1] > now and v[0].in_flight > 0
            }
        self._entries[user_key] = (entry, time.monotonic() + self._ttl)

    def __len__(self) -> int:
        return len(self._entries)

    async def read(self, user_key: str) -> IndexEntry:
        return self._get(user_key)

    async def note_no_case(self, user_key: str, generation: str) -> None:
        entry = self._get(user_key)
        if entry.in_flight <= 0 and entry.generation == generation:
            self._put(user_key, IndexEntry(0, generation, generation))

    async def begin_escalation(self, user_key: str) -> None:
        entry = self._get(user_key)
        self._put(user_key, IndexEntry(entry.in_flight + 1, entry.generation, entry.no_case_at))

    async def end_escalation(self, user_key: str) -> None:
        entry = self._get(user_key)
        in_flight = max(entry.in_flight - 1, 0)
        self._put(user_key, IndexEntry(in_flight, secrets.token_hex(8), entry.no_case_at))

    async def erase(self, user_key: str) -> None:
        if self._get(user_key).in_flight <= 0:
            self._entries.pop(user_key, None)
