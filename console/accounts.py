"""Console accounts: argon2 password hashes, a TOTP second factor, lockout, audit.

An account is made with `hotline operators add NAME` (a one-time password, changed at the
first login, and a TOTP secret for an authenticator app). The TOTP secret is encrypted at
rest like case data. After `MAX_FAILURES` failed logins in a row the account is locked for
`LOCK_MINUTES`; every login, failure, lock and change is in the audit log.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from console import totp
from console.models import Account
from hotline.cases.store import CaseStore
from hotline.cases.views import Actor, aware
from hotline.i18n import N_

MAX_FAILURES: Final = 5
LOCK_MINUTES: Final = 15
MIN_PASSWORD_LENGTH: Final = 12
USERNAME_RE: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
# No 0/O, 1/l/I: a one-time password is read off a screen and typed.
PASSWORD_ALPHABET: Final = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_hasher = PasswordHasher()
# Checked against when the name is unknown, so that a wrong name takes as long as a wrong
# password and the timing does not tell which names exist.
_DUMMY_HASH: Final = _hasher.hash(secrets.token_hex(16))


class Role(StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"


class LoginResult(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # wrong name, password or code: the page says no more than that
    LOCKED = "locked"
    DISABLED = "disabled"


class AccountError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    username: str
    role: Role
    must_change_password: bool
    disabled: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime

    @property
    def actor(self) -> Actor:
        """Who acts on a case: `console:<name>` in the audit log, the name on the card."""
        return Actor(f"console:{self.username}", self.username)


@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    role: Role
    password: str  # shown once
    totp_secret: str  # shown once, base32


@dataclass(frozen=True, slots=True)
class Login:
    result: LoginResult
    account: AccountView | None = None


def new_password() -> str:
    groups = ["".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def check_new_password(password: str, username: str) -> str | None:
    """Why `password` cannot be used (a msgid), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("The password must have at least 12 characters.")
    if username.lower() in password.lower():
        return N_("The password must not contain your name.")
    return None


class AccountStore:
    """Accounts in the case database (same engine, same encryption key, same audit log)."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    async def create(self, username: str, role: Role, *, by: str = "cli") -> NewAccount:
        username = username.strip().lower()
        if not USERNAME_RE.match(username):
            raise AccountError(
                "a name is 2-32 characters: lower-case latin letters, digits, '.', '_' or '-'"
            )
        password, secret = new_password(), totp.new_secret()
        hashed = await asyncio.to_thread(_hasher.hash, password)
        now = self.store.now()
        try:
            async with self.store.transaction() as session:
                account = Account(
                    username=username,
                    role=role.value,
                    password_hash=hashed,
                    must_change_password=True,
                    totp_secret_enc=self.store.sealer.seal(secret),
                    failed_logins=0,
                    created_at=now,
                )
                session.add(account)
                await session.flush()
                self.store.audit(session, None, by, "account_created", f"{username}:{role.value}")
        except IntegrityError as exc:
            raise AccountError(f"an account named {username!r} exists already") from exc
        return NewAccount(username, role, password, secret)

    async def list(self) -> list[AccountView]:
        async with self.store.reading() as session:
            rows = await session.scalars(select(Account).order_by(Account.username))
            return [_view(row) for row in rows]

    async def get(self, account_id: int) -> AccountView | None:
        async with self.store.reading() as session:
            row = await session.get(Account, account_id)
            return _view(row) if row is not None else None

    async def set_disabled(self, username: str, disabled: bool, *, by: str) -> bool:
        async with self.store.transaction() as session:
            row = await _by_name(session, username)
            if row is None:
                return False
            row.disabled_at = self.store.now() if disabled else None
            if not disabled:
                row.failed_logins, row.locked_until = 0, None
            action = "account_disabled" if disabled else "account_enabled"
            self.store.audit(session, None, by, action, row.username)
            return True

    async def unlock(self, username: str, *, by: str) -> bool:
        async with self.store.transaction() as session:
            row = await _by_name(session, username)
            if row is None:
                return False
            row.failed_logins, row.locked_until = 0, None
            self.store.audit(session, None, by, "account_unlocked", row.username)
            return True

    async def login(self, username: str, password: str, code: str) -> Login:
        """Check name, password and TOTP code; count failures; audit the outcome."""
        now = self.store.now()
        async with self.store.transaction() as session:
            row = await _by_name(session, username.strip().lower())
            if row is None:
                await asyncio.to_thread(_verify, _DUMMY_HASH, password)
                self.store.audit(session, None, "console:?", "login_failed", None)
                return Login(LoginResult.REFUSED)
            actor = f"console:{row.username}"
            if row.disabled_at is not None:
                self.store.audit(session, None, actor, "login_failed", "disabled")
                return Login(LoginResult.DISABLED)
            locked_until = aware(row.locked_until)
            if locked_until is not None and locked_until > now:
                self.store.audit(session, None, actor, "login_failed", "locked")
                return Login(LoginResult.LOCKED)
            good_password = await asyncio.to_thread(_verify, row.password_hash, password)
            secret = self.store.sealer.open(row.totp_secret_enc) or ""
            step = totp.matching_step(secret, code, now.timestamp(), after=row.last_totp_step)
            if not good_password or step is None:
                row.failed_logins += 1
                detail = "password" if not good_password else "code"
                self.store.audit(session, None, actor, "login_failed", detail)
                if row.failed_logins >= MAX_FAILURES:
                    row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    row.failed_logins = 0
                    self.store.audit(session, None, actor, "locked", f"{LOCK_MINUTES} min")
                return Login(LoginResult.REFUSED)
            row.failed_logins, row.locked_until = 0, None
            row.last_totp_step = step
            row.last_login_at = now
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = await asyncio.to_thread(_hasher.hash, password)
            self.store.audit(session, None, actor, "login", None)
            return Login(LoginResult.OK, _view(row))

    async def change_password(self, account_id: int, old: str, new: str) -> str | None:
        """Set a new password; the reason (a msgid) when it cannot be done."""
        async with self.store.transaction() as session:
            row = await session.get(Account, account_id)
            if row is None or row.disabled_at is not None:
                return N_("This account cannot sign in.")
            if not await asyncio.to_thread(_verify, row.password_hash, old):
                self.store.audit(
                    session, None, f"console:{row.username}", "password_change_failed", None
                )
                return N_("The current password is not right.")
            problem = check_new_password(new, row.username)
            if problem is None and new == old:
                problem = N_("The new password must differ from the one-time password.")
            if problem is not None:
                return problem
            row.password_hash = await asyncio.to_thread(_hasher.hash, new)
            row.must_change_password = False
            self.store.audit(session, None, f"console:{row.username}", "password_changed", None)
            return None


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def _by_name(session: AsyncSession, username: str) -> Account | None:
    row: Account | None = await session.scalar(select(Account).where(Account.username == username))
    return row


def _view(row: Account) -> AccountView:
    created = aware(row.created_at)
    assert created is not None
    return AccountView(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        must_change_password=row.must_change_password,
        disabled=row.disabled_at is not None,
        locked_until=aware(row.locked_until),
        last_login_at=aware(row.last_login_at),
        created_at=created,
    )
