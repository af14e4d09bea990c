"""Redis keys of earlier versions, which named people by their ids, brought up to date.

Before pseudonyms, the conversation state lay in clear under `hotline:conv:tg:<id>`, the
case index and throttle counters under the user key, and the message log under the chat
id. Each start (and `hotline db upgrade`) moves what is left of them: a conversation to
its pseudonymous key, encrypted, with its remaining expiry; a message log likewise; the
case index and throttle counters, which are caches, are dropped. Idempotent, and cheap
when nothing is left (one SCAN per prefix).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Final

from redis.asyncio import Redis

from hotline.cases.crypto import is_pseudonym
from hotline.keys import Keys
from hotline.state import ConversationState

log = logging.getLogger(__name__)

CONVERSATIONS: Final = "hotline:conv:"
CASE_INDEX: Final = "hotline:case-index:"
THROTTLE: Final = "hotline:throttle:"
MESSAGE_LOGS: Final = "hotline:tg-messages:"  # bot.message_log.KEY_PREFIX
SCAN_COUNT: Final = 1000


async def upgrade_redis_keys(redis: Redis, keys: Keys) -> int:
    """Move or drop every key that still names a person by id; return how many."""
    moved = 0
    async for name in _legacy(redis, CONVERSATIONS):
        user_key = name[len(CONVERSATIONS) :]
        raw, ttl = await redis.get(name), await redis.pttl(name)
        if raw is not None:
            try:
                state = ConversationState.from_json(raw)
            except (ValueError, TypeError, KeyError):
                state = None  # unreadable: dropped
            if state is not None:
                target = CONVERSATIONS + keys.pseudonyms.of(user_key)
                sealed = keys.sealer.seal(state.to_json())
                await redis.set(target, sealed, px=ttl if ttl > 0 else None, nx=True)
        await redis.delete(name)
        moved += 1
    for prefix in (CASE_INDEX, THROTTLE):
        async for name in _legacy(redis, prefix):
            await redis.delete(name)
            moved += 1
    async for name in _legacy(redis, MESSAGE_LOGS):
        bot_id, _, chat_id = name[len(MESSAGE_LOGS) :].partition(":")
        entries, ttl = await redis.lrange(name, 0, -1), await redis.pttl(name)
        if entries and chat_id.lstrip("-").isdigit():
            target = f"{MESSAGE_LOGS}{bot_id}:{keys.pseudonyms.of(f'tg-chat:{chat_id}')}"
            await redis.rpush(target, *entries)
            if ttl > 0:
                await redis.pexpire(target, ttl)
        await redis.delete(name)
        moved += 1
    if moved:
        log.info("Redis: %d keys named by person ids moved to pseudonyms or dropped", moved)
    return moved


async def _legacy(redis: Redis, prefix: str) -> AsyncIterator[str]:
    """Keys under `prefix` that do not end in a pseudonym right after it (or the bot id)."""
    async for raw in redis.scan_iter(match=f"{prefix}*", count=SCAN_COUNT):
        name = raw.decode() if isinstance(raw, bytes) else str(raw)
        rest = name[len(prefix) :]
        if prefix == MESSAGE_LOGS:
            rest = rest.partition(":")[2]
        if not is_pseudonym(rest):
            yield name
