"""Redis keys of earlier versions (named by Telegram ids, state in clear) are moved once."""

from __future__ import annotations

from cryptography.fernet import Fernet
from redis.asyncio import Redis

from app.redis_upgrade import upgrade_redis_keys
from bot.message_log import RedisMessageLog
from hotline.cases.crypto import Pseudonyms, Sealer
from hotline.keys import Keys
from hotline.state import ConversationState, RedisConversationStore, TurnRecord

KEYS = Keys(Sealer(Fernet.generate_key().decode()), Pseudonyms("upgrade-salt"), "upgrade-salt")
PHONE_KEY = "phone:" + "ab" * 32


async def test_old_keys_move_to_pseudonyms_and_old_state_is_encrypted(redis: Redis) -> None:
    state = ConversationState(language="ru").with_turn(
        TurnRecord("хозяин отобрал паспорт", "report_exploitation", "high")
    )
    await redis.set("hotline:conv:tg:1001", state.to_json(), ex=1000)
    await redis.set(f"hotline:conv:{PHONE_KEY}", state.to_json(), ex=1000)
    await redis.hset("hotline:case-index:tg:1001", mapping={"in_flight": 0, "gen": "g"})
    await redis.hset(f"hotline:case-index:{PHONE_KEY}", mapping={"in_flight": 0, "gen": "g"})
    await redis.set("hotline:throttle:tg:1001", 3, ex=10)
    await redis.rpush("hotline:tg-messages:42:1001", "5:1700000000", "6:1700000001")
    await redis.expire("hotline:tg-messages:42:1001", 1000)

    assert await upgrade_redis_keys(redis, KEYS) == 6

    store = RedisConversationStore(redis, 1000, KEYS.sealer, KEYS.pseudonyms)
    assert await store.get("tg:1001") == state
    assert await store.get(PHONE_KEY) == state
    names = [key.decode() async for key in redis.scan_iter()]
    assert len(names) == 3 and not any("1001" in n or PHONE_KEY in n for n in names)
    for name in names:
        assert 0 < await redis.ttl(name) <= 1000
        if await redis.type(name) == b"string":
            assert "паспорт".encode() not in await redis.get(name)
    log = RedisMessageLog(redis, KEYS.pseudonyms)
    assert await redis.lrange(log._keys(42, 1001)[0], 0, -1) == [b"5:1700000000", b"6:1700000001"]
    assert await upgrade_redis_keys(redis, KEYS) == 0  # once is enough
