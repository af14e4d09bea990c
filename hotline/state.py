"""Conversation state: what the policy remembers about one person between turns.

The text of recent turns is personal data. It is kept only because an escalation
carries a short excerpt to the operator, it is bounded (`MAX_TURNS`, `MAX_TEXT`), it
expires (`Settings.state_ttl_seconds`) and it is never logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any, Final, Protocol

from redis.asyncio import Redis

from hotline.redis_batch import batcher_for
from nlu.catalogue import LANGUAGES, RISK_LEVELS, Language, RiskLevel
from nlu.types import RiskAssessment

log = logging.getLogger(__name__)

MAX_TURNS: Final = 6
MAX_TEXT: Final = 500  # characters of one message kept for the excerpt


@dataclass(frozen=True, slots=True)
class TurnRecord:
    text: str
    intent: str
    level: RiskLevel


@dataclass(frozen=True, slots=True)
class ConversationState:
    language: Language | None = None
    turns: tuple[TurnRecord, ...] = ()  # oldest first, at most MAX_TURNS
    risk: RiskAssessment = field(default_factory=RiskAssessment)  # accumulated, never decays
    escalated_level: RiskLevel = "none"  # highest level already handed to operators
    case_number: str | None = None
    offered: tuple[str, ...] = ()  # option ids of the last reply, for keypad menus
    last_intent: str | None = None  # the answer "did this help?" refers to
    unreachable: bool = False  # the channel refused delivery (e.g. the bot was blocked)

    def with_turn(self, record: TurnRecord) -> ConversationState:
        """Remember one more message, forgetting the oldest beyond MAX_TURNS."""
        kept = TurnRecord(record.text[:MAX_TEXT], record.intent, record.level)
        return replace(self, turns=(*self.turns, kept)[-MAX_TURNS:])

    def to_json(self) -> str:
        return json.dumps(
            {
                "language": self.language,
                "turns": [[t.text, t.intent, t.level] for t in self.turns],
                "risk": self.risk.to_json(),
                "escalated_level": self.escalated_level,
                "case_number": self.case_number,
                "offered": list(self.offered),
                "last_intent": self.last_intent,
                "unreachable": self.unreachable,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> ConversationState:
        data: dict[str, Any] = json.loads(raw)
        risk = data.get("risk") or {}
        return cls(
            language=_language(data.get("language")),
            turns=tuple(
                TurnRecord(str(text), str(intent), _level(level))
                for text, intent, level in data.get("turns", [])
            )[-MAX_TURNS:],
            risk=RiskAssessment(
                level=_level(risk.get("level")),
                indicators=tuple(str(i) for i in risk.get("indicators", [])),
                situations=tuple(str(i) for i in risk.get("situations", [])),
            ),
            escalated_level=_level(data.get("escalated_level")),
            case_number=data.get("case_number"),
            offered=tuple(str(o) for o in data.get("offered", [])),
            last_intent=data.get("last_intent"),
            unreachable=bool(data.get("unreachable", False)),
        )


def _language(value: object) -> Language | None:
    return value if value in LANGUAGES else None


def _level(value: object) -> RiskLevel:
    return value if value in RISK_LEVELS else "none"


class ConversationStore(Protocol):
    async def get(self, user_key: str) -> ConversationState | None:
        """Return the person's state, or None for a new conversation."""
        ...

    async def save(self, user_key: str, state: ConversationState) -> None:
        """Store the person's state, restarting its expiry."""
        ...

    async def delete(self, user_key: str) -> None:
        """Erase everything stored about the person's conversation."""
        ...


class MemoryConversationStore:
    """In-process store for `hotline chat`, tests and single-process deployments."""

    def __init__(self) -> None:
        # Serialised like the Redis store, so both behave the same (no shared mutable state).
        self._states: dict[str, str] = {}

    async def get(self, user_key: str) -> ConversationState | None:
        raw = self._states.get(user_key)
        return ConversationState.from_json(raw) if raw is not None else None

    async def save(self, user_key: str, state: ConversationState) -> None:
        self._states[user_key] = state.to_json()

    async def delete(self, user_key: str) -> None:
        self._states.pop(user_key, None)

    def __len__(self) -> int:
        return len(self._states)


class RedisConversationStore:
    """Shared store: one JSON value per person, expiring after `ttl_seconds` of silence."""

    def __init__(self, redis: Redis, ttl_seconds: int, prefix: str = "hotline:conv:") -> None:
        self._redis = redis
        self._batch = batcher_for(redis)  # reads and writes pipelined with other turns'
        self._ttl = ttl_seconds
        self._prefix = prefix

    def _key(self, user_key: str) -> str:
        return f"{self._prefix}{user_key}"

    async def get(self, user_key: str) -> ConversationState | None:
        raw = await self._batch.call("GET", self._key(user_key))
        return ConversationState.from_json(raw) if raw is not None else None

    async def save(self, user_key: str, state: ConversationState) -> None:
        await self._batch.call("SET", self._key(user_key), state.to_json(), "EX", self._ttl)

    async def delete(self, user_key: str) -> None:
        await self._batch.call("DEL", self._key(user_key))


class FallbackConversationStore:
    """Redis, or memory while Redis fails: a turn never waits on, or fails with, Redis.

    While Redis is away each process keeps the states it needs in memory (a person's
    language and risk survive the outage in the process that served them); when Redis is
    back, it is the store again. `/forget` erases both.
    """

    def __init__(self, primary: ConversationStore, memory: MemoryConversationStore) -> None:
        self.primary = primary
        self.memory = memory

    async def get(self, user_key: str) -> ConversationState | None:
        try:
            state = await self.primary.get(user_key)
        except (ConnectionError, OSError, TimeoutError):
            return await self.memory.get(user_key)
        return state if state is not None else await self.memory.get(user_key)

    async def save(self, user_key: str, state: ConversationState) -> None:
        try:
            await self.primary.save(user_key, state)
        except (ConnectionError, OSError, TimeoutError):
            await self.memory.save(user_key, state)
        else:
            await self.memory.delete(user_key)  # Redis has it again: no stale copy here

    async def delete(self, user_key: str) -> None:
        await self.memory.delete(user_key)
        try:
            await self.primary.delete(user_key)
        except (ConnectionError, OSError, TimeoutError) as exc:
            # It still expires with its TTL (HOTLINE_STATE_TTL_SECONDS).
            log.warning("state not erased from Redis: %s", type(exc).__name__)
