"""The console on a real case database, served by aiohttp, with accounts and a fake clock.

The store's clock is a `FakeClock`, so TOTP codes, lockouts and waiting times are tested
without waiting; sessions have a clock of their own (`SessionClock`) for the idle timeout.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from console import totp
from console.accounts import AccountStore, Role
from console.desk import ServiceDesk
from console.live import QueueWatcher
from console.sessions import MemorySessions
from console.voicemail import Recording
from console.web import ConsoleDeps, setup_console
from hotline.cases.crypto import Sealer
from hotline.cases.database import session_factory, upgrade_database
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from hotline.escalation import EscalationRequest
from tests.support.db import FakeClock

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class SessionClock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeRecordings:
    """Stands for Twilio's recordings API: audio for the URLs it knows, None otherwise."""

    audio: dict[str, bytes] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def fetch(self, url: str) -> Recording | None:
        self.asked.append(url)
        data = self.audio.get(url)
        return Recording(data, "audio/mpeg") if data is not None else None


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    secret: str


@dataclass
class ConsoleWorld:
    """Accounts, cases and a signed-in (or not) HTTP client of the console."""

    store: CaseStore
    cases: CaseService
    accounts: AccountStore
    clock: FakeClock
    session_clock: SessionClock
    recordings: FakeRecordings
    deps: ConsoleDeps
    app: web.Application

    async def account(
        self, username: str, role: Role = Role.OPERATOR, *, password: str = "a-good-long-secret"
    ) -> Credentials:
        """An account whose first password was already changed to `password`."""
        created = await self.accounts.create(username, role)
        account = next(a for a in await self.accounts.list() if a.username == username)
        assert await self.accounts.change_password(account.id, created.password, password) is None
        return Credentials(username, password, created.totp_secret)

    def code(self, secret: str) -> str:
        """The current TOTP code; the clock moves on, so that no code is used twice."""
        self.clock.advance(seconds=30)
        return totp.code_at(secret, totp.step_of(self.clock.now.timestamp()))

    async def client(self) -> TestClient[web.Request, web.Application]:
        client = TestClient(TestServer(self.app))
        await client.start_server()
        self._clients.append(client)
        return client

    async def signed_in(self, creds: Credentials) -> TestClient[web.Request, web.Application]:
        client = await self.client()
        response = await post_login(client, creds.username, creds.password, self.code(creds.secret))
        assert response.status == 303, await response.text()
        return client

    async def open_case(self, user: str = "tg:1001", **extra: object) -> int:
        fields: dict[str, object] = {
            "user_key": user,
            "channel": "telegram",
            "language": "ru",
            "level": "high",
            "indicators": ("retention_of_documents",),
            "reason": "risk",
            "intent": "report_exploitation",
            "excerpt": ("работодатель забрал паспорт",),
        }
        fields.update(extra)
        ref = await self.cases.escalate(EscalationRequest(**fields))  # type: ignore[arg-type]
        return int(ref.number)

    _clients: list[TestClient[web.Request, web.Application]] = field(default_factory=list)


async def post_login(
    client: TestClient[web.Request, web.Application],
    username: str,
    password: str,
    code: str,
    **kwargs: Any,
) -> ClientResponse:
    """The login form as a browser sends it: its page first (for the CSRF token), then POST."""
    page = await (await client.get("/console/login")).text()
    form = {"csrf": csrf_of(page), "username": username, "password": password, "totp": code}
    return await client.post("/console/login", data=form, allow_redirects=False, **kwargs)


def csrf_of(page: str) -> str:
    found = CSRF_RE.search(page)
    assert found, "no CSRF field in the page"
    return found.group(1)


def build_world(
    engine: AsyncEngine, sealer: Sealer, clock: FakeClock, *, poll: float = 0.1
) -> ConsoleWorld:
    store = CaseStore(session_factory(engine), sealer, clock=clock)
    cases = CaseService(store)
    accounts = AccountStore(store)
    session_clock = SessionClock()
    recordings = FakeRecordings()
    desk = ServiceDesk(cases)
    deps = ConsoleDeps(
        desk=desk,
        accounts=accounts,
        sessions=MemorySessions(30 * 60, 12 * 3600, clock=session_clock),
        recordings=recordings,
        watcher=QueueWatcher(desk.queue_state, interval=poll),
    )
    app = web.Application()
    setup_console(app, deps)
    return ConsoleWorld(store, cases, accounts, clock, session_clock, recordings, deps, app)


@pytest.fixture
async def sqlite_engine(tmp_path: object) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3")
    await upgrade_database(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def world(
    sqlite_engine: AsyncEngine, sealer: Sealer, clock: FakeClock
) -> AsyncIterator[ConsoleWorld]:
    built = build_world(sqlite_engine, sealer, clock)
    yield built
    for client in built._clients:
        await client.close()


@pytest.fixture
def sealer() -> Sealer:
    from cryptography.fernet import Fernet

    return Sealer(Fernet.generate_key().decode())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
