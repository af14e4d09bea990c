"""Conversation stores: memory and the real Redis (database 1, flushed only there)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from hotline.cases.crypto import Pseudonyms, Sealer
from hotline.state import (
    MAX_TEXT,
    ConversationState,
    ConversationStore,
    MemoryConversationStore,
    RedisConversationStore,
    TurnRecord,
)
from nlu.types import RiskAssessment

REDIS_URL = "redis://127.0.0.1:6379/1"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


def sample() -> ConversationState:
    state = ConversationState(
        language="ky",
        risk=RiskAssessment("high", ("retention_of_documents",)),
        escalated_level="high",
        case_number="000007",
        offered=("operator", "lang:ru"),
        last_intent="registration_russia",
    )
    return state.with_turn(TurnRecord("паспортумду алып коюшту", "report_exploitation", "high"))


def test_json_round_trip() -> None:
    state = sample()
    assert ConversationState.from_json(state.to_json()) == state


def test_long_messages_are_cut_and_only_six_turns_kept() -> None:
    state = ConversationState()
    for n in range(10):
        state = state.with_turn(TurnRecord(f"{n}" + "x" * 2000, "greet", "none"))
    assert len(state.turns) == 6 and state.turns[0].text.startswith("4")
    assert all(len(t.text) == MAX_TEXT for t in state.turns)


def test_unknown_values_from_storage_fall_back_safely() -> None:
    raw = '{"language": "en", "risk": {"level": "extreme"}, "turns": []}'
    state = ConversationState.from_json(raw)
    assert state.language is None and state.risk.level == "none"


async def check_store(store: ConversationStore) -> None:
    assert await store.get("tg:1") is None
    await store.save("tg:1", sample())
    assert await store.get("tg:1") == sample()
    await store.delete("tg:1")
    assert await store.get("tg:1") is None


async def test_memory_store() -> None:
    await check_store(MemoryConversationStore())


SEALER = Sealer(Fernet.generate_key().decode())
PSEUDONYMS = Pseudonyms("state-test-salt")


@pytest.mark.redis
async def test_redis_store_round_trips_and_expires(redis: Redis) -> None:
    store = RedisConversationStore(redis, 60, SEALER, PSEUDONYMS)
    await check_store(store)
    await store.save("tg:2", sample())
    ttl = await redis.ttl(f"hotline:conv:{PSEUDONYMS.of('tg:2')}")
    assert 0 < ttl <= 60


@pytest.mark.redis
async def test_redis_holds_neither_the_text_nor_the_id(redis: Redis) -> None:
    store = RedisConversationStore(redis, 60, SEALER, PSEUDONYMS)
    await store.save("tg:700123", sample())
    [key] = await redis.keys("*")
    value = await redis.get(key)
    assert b"700123" not in key and b"tg:" not in key
    assert "паспорт".encode() not in value and b"report_exploitation" not in value
    assert SEALER.open(value) == sample().to_json()


@pytest.mark.redis
async def test_a_value_no_key_opens_starts_the_conversation_afresh(redis: Redis) -> None:
    await RedisConversationStore(redis, 60, SEALER, PSEUDONYMS).save("tg:3", sample())
    other = Sealer(Fernet.generate_key().decode())
    assert await RedisConversationStore(redis, 60, other, PSEUDONYMS).get("tg:3") is None
