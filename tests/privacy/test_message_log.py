"""The chat's message log: what /forget can still delete, and how many it cannot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.message_log import (
    HISTORY_SECONDS,
    KEEP_COUNT,
    KEEP_SECONDS,
    MemoryMessageLog,
    MessageLog,
    RedisMessageLog,
)
from hotline.cases.crypto import Pseudonyms


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def logged(
    request: pytest.FixtureRequest, redis: Redis
) -> AsyncIterator[tuple[MessageLog, Clock]]:
    clock = Clock()
    if request.param == "memory":
        yield MemoryMessageLog(clock), clock
    else:
        yield RedisMessageLog(redis, Pseudonyms("log-salt"), clock), clock


async def test_beyond_the_newest_500_the_rest_is_counted(
    logged: tuple[MessageLog, Clock],
) -> None:
    log, _ = logged
    for first in range(0, KEEP_COUNT + 20, 10):
        await log.remember(42, 1001, range(first, first + 10))
    history = await log.pop_all(42, 1001)
    assert history.deletable == list(range(20, KEEP_COUNT + 20))
    assert history.undeletable == 20
    assert (await log.pop_all(42, 1001)).deletable == []  # emptied


async def test_older_than_48_hours_is_counted_not_deleted(
    logged: tuple[MessageLog, Clock],
) -> None:
    log, clock = logged
    await log.remember(42, 1001, [1, 2, None])
    clock.now += KEEP_SECONDS + 1
    await log.remember(42, 1001, [3, 3])  # the same id twice (two paths logged it)
    await log.remember(42, 2002, [9])  # another chat
    history = await log.pop_all(42, 1001)
    assert history.deletable == [3] and history.undeletable == 2
    assert (await log.pop_all(42, 2002)).deletable == [9]


async def test_after_30_quiet_days_nothing_is_known(logged: tuple[MessageLog, Clock]) -> None:
    log, clock = logged
    await log.remember(42, 1001, [1])
    clock.now += HISTORY_SECONDS + 1
    if isinstance(log, RedisMessageLog):
        return  # Redis expires the keys by its own clock (checked: they carry the TTL)
    history = await log.pop_all(42, 1001)
    assert history.deletable == [] and history.undeletable == 0


async def test_redis_keys_expire_and_name_no_chat(redis: Redis) -> None:
    log = RedisMessageLog(redis, Pseudonyms("log-salt"))
    await log.remember(42, 7_700_123_456, [5])
    names = [key.decode() async for key in redis.scan_iter()]
    assert len(names) == 2 and not any("7700123456" in n for n in names)
    ttls = sorted([await redis.ttl(name) for name in names])
    assert 0 < ttls[0] <= KEEP_SECONDS and KEEP_SECONDS < ttls[1] <= HISTORY_SECONDS
