"""The key check: refuse keys that cannot open the data already stored.

The database keeps, in `key_checks`, a Fernet token of a constant (the encryption key)
and an HMAC of a constant (the pseudonym secret, `HOTLINE_PHONE_SALT`). Each start checks
both after the migrations. A database that has data but no check yet (made before the
check existed) is checked against a sample of its encrypted values, then gets one.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from cryptography.fernet import InvalidToken
from sqlalchemy import Connection, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from hotline.cases.crypto import Sealer
from hotline.cases.models import KeyCheck
from hotline.local_secrets import StartRefused

if TYPE_CHECKING:
    from hotline.keys import Keys

CHECK_TEXT: Final = "hotline189 key check"
ENCRYPTION: Final = "encryption"
PSEUDONYM: Final = "pseudonym"
SAMPLE_SIZE: Final = 20
# Encrypted columns of the migrations before the check's (0006), for databases without one.
_SEALED_COLUMNS: Final = (
    ("cases", "excerpt_enc"),
    ("cases", "callback_number_enc"),
    ("cases", "recording_url_enc"),
    ("case_messages", "body_enc"),
    ("outbox", "payload_enc"),
    ("console_accounts", "totp_secret_enc"),  # 0004: the console's accounts
    ("cases", "callback_when_enc"),  # 0005: when a caller may be called back
)

ENCRYPTION_MISMATCH: Final = (
    "HOTLINE_ENCRYPTION_KEY cannot open the data in this database (the key check failed). "
    "Set the key the database was made with. To change keys, put the new key first and the "
    "old one after it, comma-separated, for as long as data sealed with it is kept."
)
PSEUDONYM_MISMATCH: Final = (
    "HOTLINE_PHONE_SALT is not the salt this database was made with (the key check failed): "
    "nobody would find their own case again. Set the salt the database was made with; it "
    "cannot be changed on existing data."
)


class KeyMismatch(StartRefused):
    """The configured keys cannot open the stored data."""


def verify_sealed_sample(connection: Connection, sealer: Sealer) -> None:
    """Raise KeyMismatch unless every sampled encrypted value opens with `sealer`."""
    for table, column in _SEALED_COLUMNS:
        rows = connection.execute(
            text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL LIMIT :n"),
            {"n": SAMPLE_SIZE},
        )
        for (value,) in rows:
            try:
                sealer.open_strict(bytes(value))
            except InvalidToken:
                raise KeyMismatch(ENCRYPTION_MISMATCH) from None


def check_keys(connection: Connection, keys: Keys) -> None:
    """Check both keys against the stored checks; write the checks a database lacks."""
    stored = {
        name: bytes(value)
        for name, value in connection.execute(select(KeyCheck.name, KeyCheck.value))
    }
    now = datetime.now(UTC)
    sealed = stored.get(ENCRYPTION)
    if sealed is None:
        verify_sealed_sample(connection, keys.sealer)
        connection.execute(
            insert(KeyCheck).values(
                name=ENCRYPTION, value=keys.sealer.seal(CHECK_TEXT), created_at=now
            )
        )
    else:
        try:
            opened = keys.sealer.open_strict(sealed)
        except InvalidToken:
            opened = None
        if opened != CHECK_TEXT:
            raise KeyMismatch(ENCRYPTION_MISMATCH)
        if keys.sealer.needs_rotation(sealed):  # a new first key: the check moves to it
            connection.execute(
                update(KeyCheck)
                .where(KeyCheck.name == ENCRYPTION)
                .values(value=keys.sealer.seal(CHECK_TEXT))
            )
    expected = keys.pseudonyms.of(CHECK_TEXT).encode("ascii")
    pseudonym = stored.get(PSEUDONYM)
    if pseudonym is None:
        connection.execute(insert(KeyCheck).values(name=PSEUDONYM, value=expected, created_at=now))
    elif not hmac.compare_digest(pseudonym, expected):
        raise KeyMismatch(PSEUDONYM_MISMATCH)


async def verify_keys(engine: AsyncEngine, keys: Keys) -> None:
    """Run the key check in its own transaction (two processes starting at once: retried)."""
    for attempt in range(2):
        try:
            async with engine.begin() as connection:
                await connection.run_sync(check_keys, keys)
            return
        except IntegrityError:
            if attempt:
                raise
