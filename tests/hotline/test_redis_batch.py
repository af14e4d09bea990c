"""Auto-pipelining (hotline.redis_batch) on the real Redis, database 1."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from hotline.redis_batch import RedisBatcher, batcher_for

REDIS_URL = "redis://127.0.0.1:6379/1"
SCRIPT = "return redis.call('INCRBY', KEYS[1], ARGV[1])"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"hotline:test-batch:{uuid.uuid4().hex[:8]}:"


async def test_concurrent_commands_share_round_trips_and_keep_their_answers(
    redis: Redis, prefix: str
) -> None:
    batcher = RedisBatcher(redis)
    keys = [f"{prefix}{n}" for n in range(50)]
    await asyncio.gather(*(batcher.call("SET", k, str(n), "EX", 60) for n, k in enumerate(keys)))
    values = await asyncio.gather(*(batcher.call("GET", k) for k in keys))
    assert values == [str(n).encode() for n in range(50)]
    assert batcher.commands == 100 and batcher.batches < 10
    await redis.delete(*keys)


async def test_one_failing_command_fails_alone(redis: Redis, prefix: str) -> None:
    batcher = RedisBatcher(redis)
    await redis.set(f"{prefix}s", "x", ex=60)
    results = await asyncio.gather(
        batcher.call("SET", f"{prefix}a", "1", "EX", 60),
        batcher.call("LPUSH", f"{prefix}s", "y"),  # wrong type
        batcher.call("GET", f"{prefix}a"),
        return_exceptions=True,
    )
    assert results[0] is True and results[2] == b"1"
    assert isinstance(results[1], ResponseError)
    await redis.delete(f"{prefix}s", f"{prefix}a")


async def test_scripts_are_loaded_when_redis_does_not_know_them(redis: Redis, prefix: str) -> None:
    batcher = batcher_for(redis)
    assert batcher_for(redis) is batcher
    source = f"{SCRIPT} -- {prefix}"  # a script this Redis has never seen
    counts = await asyncio.gather(*(batcher.script(source, [f"{prefix}n"], [2]) for _ in range(3)))
    assert sorted(counts) == [2, 4, 6]
    await redis.delete(f"{prefix}n")


async def test_a_dead_connection_fails_every_caller() -> None:
    batcher = RedisBatcher(Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1))
    results = await asyncio.gather(
        batcher.call("GET", "a"), batcher.call("GET", "b"), return_exceptions=True
    )
    assert all(isinstance(r, Exception) for r in results)
    await batcher.redis.aclose()
