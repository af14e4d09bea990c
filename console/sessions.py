"""Server-side console sessions: in Redis when there is one, else in this process's memory.

The browser holds only a random token; the store keys sessions by its SHA-256, so what is
in Redis cannot be replayed as a cookie. A session ends after `idle` seconds without a
request, after `lifetime` seconds whatever happens, and at logout.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Final, Protocol

from redis.asyncio import Redis

KEY_PREFIX: Final = "hotline:console:session:"


@dataclass(frozen=True, slots=True)
class Session:
    key: str  # SHA-256 of the token, never the token itself
    account_id: int
    username: str
    role: str
    csrf: str
    must_change_password: bool
    created_at: float
    seen_at: float


def key_of(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class SessionStore(Protocol):
    async def create(
        self, account_id: int, username: str, role: str, *, must_change_password: bool
    ) -> tuple[str, Session]:
        """A new session; returns the token for the cookie with it."""
        ...

    async def get(self, token: str, *, touch: bool = True) -> Session | None:
        """The live session of `token`; `touch` counts the request as activity."""
        ...

    async def save(self, session: Session) -> None: ...

    async def delete(self, token: str) -> None: ...


class _Policy:
    def __init__(self, idle: float, lifetime: float, clock: Callable[[], float]) -> None:
        self.idle, self.lifetime, self.clock = idle, lifetime, clock

    def new(
        self, account_id: int, username: str, role: str, must_change_password: bool
    ) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        session = Session(
            key=key_of(token),
            account_id=account_id,
            username=username,
            role=role,
            csrf=secrets.token_urlsafe(32),
            must_change_password=must_change_password,
            created_at=now,
            seen_at=now,
        )
        return token, session

    def alive(self, session: Session) -> bool:
        now = self.clock()
        return now - session.seen_at < self.idle and now - session.created_at < self.lifetime


class MemorySessions(_Policy):
    """One process only (the embedded defaults): a second web process would not know them."""

    def __init__(
        self, idle: float, lifetime: float, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(idle, lifetime, clock)
        self._sessions: dict[str, Session] = {}

    async def create(
        self, account_id: int, username: str, role: str, *, must_change_password: bool
    ) -> tuple[str, Session]:
        token, session = self.new(account_id, username, role, must_change_password)
        self._sessions[session.key] = session
        return token, session

    async def get(self, token: str, *, touch: bool = True) -> Session | None:
        session = self._sessions.get(key_of(token))
        if session is None or not self.alive(session):
            self._sessions.pop(key_of(token), None)
            return None
        if touch:
            session = replace(session, seen_at=self.clock())
            self._sessions[session.key] = session
        return session

    async def save(self, session: Session) -> None:
        self._sessions[session.key] = session

    async def delete(self, token: str) -> None:
        self._sessions.pop(key_of(token), None)


class RedisSessions(_Policy):
    """Shared by every web process; Redis expires a session when it has been idle."""

    def __init__(
        self, redis: Redis, idle: float, lifetime: float, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(idle, lifetime, clock)
        self.redis = redis

    async def create(
        self, account_id: int, username: str, role: str, *, must_change_password: bool
    ) -> tuple[str, Session]:
        token, session = self.new(account_id, username, role, must_change_password)
        await self.save(session)
        return token, session

    async def get(self, token: str, *, touch: bool = True) -> Session | None:
        raw = await self.redis.get(KEY_PREFIX + key_of(token))
        if raw is None:
            return None
        session = Session(**json.loads(raw))
        if not self.alive(session):
            await self.redis.delete(KEY_PREFIX + session.key)
            return None
        if touch:
            session = replace(session, seen_at=self.clock())
            await self.save(session)
        return session

    async def save(self, session: Session) -> None:
        await self.redis.set(
            KEY_PREFIX + session.key, json.dumps(asdict(session)), ex=max(1, int(self.idle))
        )

    async def delete(self, token: str) -> None:
        await self.redis.delete(KEY_PREFIX + key_of(token))
