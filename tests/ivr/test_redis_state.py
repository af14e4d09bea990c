"""Call state and the remembered language in a real Redis (database 2, flushed by these tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from ivr.caller import caller_key
from tests.ivr.conftest import CALLER, REDIS_DB2, LineFactory, gather_action

pytestmark = pytest.mark.redis


@pytest.fixture
async def redis_db2() -> AsyncIterator[Redis]:
    redis = Redis.from_url(REDIS_DB2, decode_responses=True)
    await redis.flushdb()
    yield redis
    await redis.flushdb()
    await redis.aclose()


async def test_language_is_remembered_across_calls_by_hashed_number(
    make_line: LineFactory, redis_db2: Redis
) -> None:
    line = await make_line(redis_url=REDIS_DB2)
    first = line.call()
    await first.press(await first.start(), "2")

    keys = [key async for key in redis_db2.scan_iter("*")]
    assert keys, "nothing stored in Redis"
    digits = CALLER.lstrip("+")
    for key in keys:
        assert digits not in key
        assert digits not in (await redis_db2.get(key) or "")
    assert f"hotline:ivr:lang:{caller_key(CALLER, 'test-salt')}" in keys

    # A new server process (memory gone): the next call defaults to Russian.
    other = await make_line(redis_url=REDIS_DB2)
    second = other.call()
    welcome = await second.start()
    assert gather_action(welcome).endswith("/ivr/language?d=ru")
    menu = await second.silence(welcome)
    assert "l=ru" in gather_action(menu)

    stranger = other.call(caller="+996700999999")
    assert gather_action(await stranger.start()).endswith("/ivr/language?d=ky")


async def test_call_state_has_a_ttl(make_line: LineFactory, redis_db2: Redis) -> None:
    line = await make_line(redis_url=REDIS_DB2, ivr_call_ttl_seconds=600)
    call = line.call()
    await call.press(await call.press(await call.start(), "2"), "0")
    key = f"hotline:ivr:call:{call.call_sid}"
    assert 0 < await redis_db2.ttl(key) <= 600
    language_key = f"hotline:ivr:lang:{caller_key(CALLER, 'test-salt')}"
    assert 0 < await redis_db2.ttl(language_key) <= 30 * 24 * 3600


async def test_same_number_different_salt_is_a_different_key() -> None:
    assert caller_key(CALLER, "a") != caller_key(CALLER, "b")
    assert caller_key(CALLER, "a") == caller_key(CALLER, "a")
    assert CALLER not in caller_key(CALLER, "a")


async def test_language_remembered_in_memory_without_redis(make_line: LineFactory) -> None:
    line = await make_line()
    first = line.call()
    await first.press(await first.start(), "2")
    second = line.call()
    assert gather_action(await second.start()).endswith("/ivr/language?d=ru")
