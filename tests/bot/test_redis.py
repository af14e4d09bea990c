"""The bot on the real Redis (database 1): shared state, FSM keys, dedup across workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.methods import DeleteMessages
from redis.asyncio import Redis

from hotline.settings import Settings
from hotline.state import RedisConversationStore
from tests.bot.conftest import Harness, make_harness, make_services
from tests.support.telegram import TOKEN
from tests.support.updates import command, message, person

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/1"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()  # database 1 only: other areas use other numbers
    yield client
    await client.flushdb()
    await client.aclose()


def redis_settings() -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, redis_url=REDIS_URL)  # type: ignore[call-arg]


@pytest.fixture
async def worker(redis: Redis, understanding: Any) -> AsyncIterator[Harness]:
    services = make_services(understanding, redis_settings())
    async for harness in make_harness(services):
        yield harness
    await services.close()


async def test_uses_redis_for_state_fsm_and_dedup(worker: Harness, redis: Redis) -> None:
    assert isinstance(worker.dp.storage, RedisStorage)
    assert isinstance(worker.services.store.primary, RedisConversationStore)  # type: ignore[attr-defined]
    await worker.feed(message("Здравствуйте"))
    await worker.feed(message("Сколько дней на регистрацию?"))
    keys = {k.decode() for k in await redis.keys("*")}
    assert "hotline:conv:tg:1001" in keys
    assert "hotline:tg-messages:42:1001" in keys  # for /forget, next to the FSM storage
    storage = worker.dp.storage
    assert isinstance(storage, RedisStorage) and storage.redis is worker.services.redis
    key = StorageKey(bot_id=42, chat_id=1001, user_id=1001)
    # DefaultKeyBuilder(with_bot_id=True, with_destiny=True): bot id and destiny in the key.
    assert storage.key_builder.build(key, "state") == "fsm:42:1001:1001:default:state"
    assert any(k.startswith("hotline:tg-update:42:") for k in keys)
    state = await worker.services.store.get("tg:1001")
    assert state is not None and state.language == "ru" and len(state.turns) == 2
    assert 0 < await redis.ttl("hotline:conv:tg:1001") <= worker.services.settings.state_ttl_seconds


async def test_two_workers_process_a_redelivered_update_once(
    redis: Redis, understanding: Any
) -> None:
    update = message("Забрали паспорт и не отпускают", update_id=900_001)
    harnesses = []
    for _ in range(2):
        services = make_services(understanding, redis_settings())
        async for harness in make_harness(services):
            await harness.feed(update)
            harnesses.append(harness)
        await services.close()
    requests = [len(h.escalator.requests) for h in harnesses]
    assert sorted(requests) == [0, 1]


async def test_state_survives_a_restart(redis: Redis, understanding: Any) -> None:
    user = person(3003, language_code="ru")
    first = make_services(understanding, redis_settings())
    async for harness in make_harness(first):
        await harness.feed(message("Саламатсызбы", user=user))
    await first.close()
    second = make_services(understanding, redis_settings())
    async for harness in make_harness(second):
        state = await second.store.get("tg:3003")
        assert state is not None and state.language == "ky"
        await harness.feed(command("/forget", user=user))
        assert await second.store.get("tg:3003") is None
        # The ids logged before the restart were deleted; only the confirmation's is left.
        [delete] = harness.session.of(DeleteMessages)
        assert len(delete.message_ids) == 3  # greeting in, reply out, /forget in
        assert await redis.llen("hotline:tg-messages:42:3003") == 1
    await second.close()


async def test_throttling_is_shared_through_redis(redis: Redis, understanding: Any) -> None:
    services = make_services(understanding, redis_settings())
    async for harness in make_harness(services, throttle_limit=2):
        for _ in range(4):
            await harness.feed(message("Здравствуйте"))
        assert harness.services.metrics.value("telegram_throttled_total") == 2
        assert await redis.exists("hotline:throttle:tg:1001")
    await services.close()
