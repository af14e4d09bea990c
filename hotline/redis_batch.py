"""Auto-pipelining: the Redis commands of concurrent turns go out together.

Every update costs a few Redis commands (admission, state read and write, case index,
message log), and at the bot's rates the client's per-command work (a pool checkout, a
send, a wake-up for the answer) is what bounds throughput, not Redis. A `RedisBatcher`
sends whatever callers queued while the previous batch was on the wire as one pipeline
(not a transaction: each command is on its own, as if sent alone). An idle process sends
at once, so a lone command waits for nothing; under load, batches grow by themselves.

Each caller still awaits its own command's answer, and gets its own error, so semantics
are those of plain calls: a write has happened when the await returns.

Every call to Redis is time-limited: each batch's round trip gets `CALL_TIMEOUT_SECONDS`
(200 ms), after which all its callers get `RedisUnavailable` and fall back (to memory, or
to the database): a Redis that refuses or hangs must not hold up a reply. The limit is on
Redis, not on this process's own queue: a busy event loop is not a Redis outage. A caller
still gives up after `CALLER_TIMEOUT_SECONDS` whatever happens.
When Redis refuses, or times out `PAUSE_AFTER_TIMEOUTS` times in a row, the batcher answers
`RedisUnavailable` at once for `PAUSE_SECONDS`, then tries Redis again: a dead or hung
Redis costs each turn nothing, not 200 ms per command. A single slow answer (a busy
machine) only sends that one call to its fallback.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from typing import Any, Final
from weakref import WeakKeyDictionary

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError

MAX_BATCH: Final = 256
CALL_TIMEOUT_SECONDS: Final = 0.2
CALLER_TIMEOUT_SECONDS: Final = 2.0
PAUSE_SECONDS: Final = 2.0
PAUSE_AFTER_TIMEOUTS: Final = 3


class RedisUnavailable(ConnectionError):
    """Redis failed or timed out just now; the caller falls back."""


Arg = str | bytes | int | float


class RedisBatcher:
    def __init__(
        self,
        redis: Redis,
        max_batch: int = MAX_BATCH,
        timeout: float = CALL_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self._max = max_batch
        self.timeout = timeout
        self._clock = clock
        self._down_until = 0.0
        self._timeouts = 0
        self._queue: list[tuple[tuple[Arg, ...], asyncio.Future[Any]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self.batches = 0  # for tests and benchmarks
        self.commands = 0

    @property
    def available(self) -> bool:
        """False for a short while after Redis failed: callers fall back at once."""
        return self._clock() >= self._down_until

    def _failed(self, timed_out: bool) -> None:
        self._timeouts = self._timeouts + 1 if timed_out else PAUSE_AFTER_TIMEOUTS
        if self._timeouts >= PAUSE_AFTER_TIMEOUTS:
            self._down_until = self._clock() + PAUSE_SECONDS
            self._timeouts = 0

    async def call(self, *command: Arg) -> Any:
        """Run one command (e.g. "GET", key) in the next batch and return its answer.

        Raises `RedisUnavailable` when Redis fails, is slow, or failed a moment ago.
        """
        if not self.available:
            raise RedisUnavailable("paused after a failure")
        try:
            async with asyncio.timeout(CALLER_TIMEOUT_SECONDS):
                return await self._call(command)
        except RedisUnavailable:
            raise
        except (TimeoutError, ConnectionError, OSError, RedisConnectionError) as exc:
            self._failed(timed_out=isinstance(exc, TimeoutError))
            raise RedisUnavailable(type(exc).__name__) from exc

    async def _call(self, command: tuple[Arg, ...]) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.append((command, future))
        drainer = self._drainer
        if drainer is None or drainer.done() or drainer.get_loop() is not loop:
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def script(self, source: str, keys: Sequence[Arg], args: Sequence[Arg]) -> Any:
        """EVALSHA in the batch; the script is loaded once if Redis does not know it."""
        sha = _sha(source)
        try:
            return await self.call("EVALSHA", sha, len(keys), *keys, *args)
        except NoScriptError:
            try:
                async with asyncio.timeout(self.timeout):
                    await self.redis.script_load(source)
            except (TimeoutError, ConnectionError, OSError, RedisConnectionError) as exc:
                raise RedisUnavailable(type(exc).__name__) from exc
            return await self.call("EVALSHA", sha, len(keys), *keys, *args)

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._max], self._queue[self._max :]
            pipe = self.redis.pipeline(transaction=False)
            for command, _ in batch:
                pipe.execute_command(*command)
            self.batches += 1
            self.commands += len(batch)
            try:
                # A hung connection is dropped (redis-py disconnects on cancellation).
                async with asyncio.timeout(self.timeout):
                    results = await pipe.execute(raise_on_error=False)
            except asyncio.CancelledError:  # shutting down: so are the callers
                for _, future in [*batch, *self._queue]:
                    future.cancel()
                self._queue = []
                raise
            except Exception as exc:  # noqa: BLE001 - the connection failed: all its commands did
                self._failed(timed_out=isinstance(exc, TimeoutError))
                failure = RedisUnavailable(type(exc).__name__)
                failure.__cause__ = exc
                for _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                continue
            self._timeouts = 0
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the caller was cancelled
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)


_SHAS: dict[str, str] = {}


def _sha(source: str) -> str:
    sha = _SHAS.get(source)
    if sha is None:
        sha = _SHAS[source] = hashlib.sha1(source.encode()).hexdigest()
    return sha


_BATCHERS: WeakKeyDictionary[Redis, RedisBatcher] = WeakKeyDictionary()


def batcher_for(redis: Redis) -> RedisBatcher:
    """The one batcher of a Redis client, shared by every store that uses the client."""
    batcher = _BATCHERS.get(redis)
    if batcher is None:
        batcher = _BATCHERS[redis] = RedisBatcher(redis)
    return batcher
