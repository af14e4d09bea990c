"""Call state by CallSid, and each caller's language by the salted hash of their number.

Redis when HOTLINE_REDIS_URL is set, memory otherwise. A call must never fail because
Redis is away: a failed Redis operation falls back to memory for that request, and Redis
is tried again after a short pause.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Final

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from nlu.catalogue import LANGUAGES, RISK_LEVELS, Language, RiskLevel, risk_rank

log = logging.getLogger(__name__)

CALL_PREFIX: Final = "hotline:ivr:call:"
LANGUAGE_PREFIX: Final = "hotline:ivr:lang:"
REDIS_TIMEOUT_SECONDS: Final = 0.25
REDIS_RETRY_AFTER_SECONDS: Final = 5.0
_MEMORY_MAX_KEYS: Final = 100_000


@dataclass(slots=True)
class CallState:
    """What the phone line keeps about one call: nothing the caller said."""

    level: RiskLevel = "none"
    indicators: tuple[str, ...] = ()
    recording_reported: bool = False
    caller_key: str | None = None  # the salted hash; Twilio's recording callback has no From
    # What the case service already has about this call: "level", "level+callback".
    reported: str = ""
    # What the caller said about a call back (a `CallbackPreference` value); "" no answer yet.
    callback: str = ""
    situations: tuple[str, ...] = ()  # INTENTS.md's names, most serious first
    callback_asked: bool = False  # the question was put; until answered, no number is kept

    def raise_level(
        self, level: RiskLevel, indicators: tuple[str, ...], situations: tuple[str, ...] = ()
    ) -> None:
        # A more serious report's situations lead; at the same level the first seen stay
        # first (as the case service orders them).
        raised = risk_rank(level) > risk_rank(self.level)
        first, then = (situations, self.situations) if raised else (self.situations, situations)
        self.level = max(self.level, level, key=risk_rank)
        self.indicators = tuple(dict.fromkeys((*self.indicators, *indicators)))
        self.situations = tuple(dict.fromkeys((*first, *then)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | None) -> CallState:
        if not raw:
            return cls()
        data = json.loads(raw)
        level: RiskLevel = next((lvl for lvl in RISK_LEVELS if lvl == data.get("level")), "none")
        indicators = tuple(str(i) for i in data.get("indicators", ()))
        key = data.get("caller_key")
        return cls(
            level,
            indicators,
            bool(data.get("recording_reported", False)),
            key if isinstance(key, str) else None,
            str(data.get("reported", "")),
            str(data.get("callback", "")),
            tuple(str(s) for s in data.get("situations", ())),
            bool(data.get("callback_asked", False)),
        )


@dataclass
class _MemoryStore:
    """Strings with expiry, bounded in size; the oldest keys go first when full."""

    _items: dict[str, tuple[float, str]] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] < time.monotonic():
            del self._items[key]
            return None
        return item[1]

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self._items.pop(key, None)
        self._items[key] = (time.monotonic() + ttl_seconds, value)
        if len(self._items) > _MEMORY_MAX_KEYS:
            now = time.monotonic()
            for stale in [k for k, (expires, _) in self._items.items() if expires < now]:
                del self._items[stale]
            while len(self._items) > _MEMORY_MAX_KEYS:
                del self._items[next(iter(self._items))]


class CallStore:
    def __init__(
        self,
        redis: Redis | None,
        call_ttl_seconds: int,
        language_ttl_seconds: int,
    ) -> None:
        self._redis = redis
        self._memory = _MemoryStore()
        self._call_ttl = call_ttl_seconds
        self._language_ttl = language_ttl_seconds
        self._redis_down_since: float | None = None

    @classmethod
    def from_url(
        cls, redis_url: str | None, call_ttl_seconds: int, language_ttl_seconds: int
    ) -> CallStore:
        redis = None
        if redis_url:
            redis = Redis.from_url(
                redis_url,
                decode_responses=True,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 0),  # a caller waits: fall back at once, not later
            )
        return cls(redis, call_ttl_seconds, language_ttl_seconds)

    async def get_call(self, call_sid: str) -> CallState:
        try:
            return CallState.from_json(await self._get(CALL_PREFIX + call_sid))
        except (ValueError, TypeError):
            log.warning("unreadable call state; starting afresh")
            return CallState()

    async def save_call(self, call_sid: str, state: CallState) -> None:
        await self._set(CALL_PREFIX + call_sid, state.to_json(), self._call_ttl)

    async def remembered_language(self, caller_key: str) -> Language | None:
        raw = await self._get(LANGUAGE_PREFIX + caller_key)
        return next((lang for lang in LANGUAGES if lang == raw), None)

    async def remember_language(self, caller_key: str, language: Language) -> None:
        await self._set(LANGUAGE_PREFIX + caller_key, language, self._language_ttl)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

    # -- Redis with a memory fallback ------------------------------------------------

    def _redis_usable(self) -> Redis | None:
        if self._redis is None:
            return None
        down = self._redis_down_since
        if down is not None and time.monotonic() - down < REDIS_RETRY_AFTER_SECONDS:
            return None
        return self._redis

    def _redis_failed(self, exc: Exception) -> None:
        if self._redis_down_since is None:
            log.error("Redis unavailable (%s): call state kept in memory", type(exc).__name__)
        self._redis_down_since = time.monotonic()

    def _redis_worked(self) -> None:
        if self._redis_down_since is not None:
            log.info("Redis is back: call state in Redis again")
            self._redis_down_since = None

    async def _get(self, key: str) -> str | None:
        redis = self._redis_usable()
        if redis is not None:
            try:
                value = await redis.get(key)
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
            else:
                self._redis_worked()
                return value if isinstance(value, str) or value is None else value.decode()
        return self._memory.get(key)

    async def _set(self, key: str, value: str, ttl_seconds: int) -> None:
        redis = self._redis_usable()
        if redis is not None:
            try:
                await redis.set(key, value, ex=ttl_seconds)
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
            else:
                self._redis_worked()
                return
        self._memory.set(key, value, ttl_seconds)
