"""The secrets that protect personal data at rest, loaded once per process.

- `HOTLINE_ENCRYPTION_KEY` (Fernet; comma-separated to rotate, the first encrypts):
  transcripts, notes, callback numbers, recording links, how a case reaches its person,
  conversation state in Redis, the spool.
- `HOTLINE_PHONE_SALT`: the HMAC key of the hash that stands for a caller's number and,
  derived from it, of the pseudonym that stands for any person in Redis keys and in the
  cases table.

With PostgreSQL both must come from the environment (or a secrets store that sets it):
several processes share the data and must share its keys, and a key kept beside the data
protects nothing. With the default SQLite file a missing key is generated once into
var/, but never over an existing database: a new key could open nothing stored there.
The database keeps a key check (`hotline.cases.key_check`): a key that cannot open it
refuses to start.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from hotline.cases.crypto import Pseudonyms, Sealer
from hotline.local_secrets import StartRefused, configured_or_local, make_private_dir
from hotline.settings import Settings

ENCRYPTION_KEY_FILE: Final = "encryption.key"
PHONE_SALT_FILE: Final = "phone_salt"
GENERATE_HINT: Final = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


@dataclass(frozen=True)
class Keys:
    sealer: Sealer
    pseudonyms: Pseudonyms
    phone_salt: str = field(default="", repr=False)  # HMAC key of a caller's number


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database or an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def load_keys(settings: Settings) -> Keys:
    """Read the keys; generate missing ones only for a new SQLite database. StartRefused else."""
    if make_url(settings.database_url).get_backend_name() != "sqlite":
        missing = [
            name
            for name, value in (
                ("HOTLINE_ENCRYPTION_KEY", settings.encryption_key),
                ("HOTLINE_PHONE_SALT", settings.phone_salt),
            )
            if value is None or not value.get_secret_value()
        ]
        if missing:
            raise StartRefused(
                f"{' and '.join(missing)} must be set in the environment for a PostgreSQL "
                "database: every process must use the same keys, and they must not be kept "
                "beside the data. Set them from your secrets store."
            )
    make_private_dir(settings.var_dir)
    database = sqlite_file(settings.database_url)
    existing = database is not None and database.exists() and database.stat().st_size > 0
    key = configured_or_local(
        settings.encryption_key,
        settings.var_dir,
        ENCRYPTION_KEY_FILE,
        lambda: Fernet.generate_key().decode("ascii"),
        refuse_new=_no_new_key(database, "HOTLINE_ENCRYPTION_KEY", ENCRYPTION_KEY_FILE)
        if existing
        else None,
    )
    salt = configured_or_local(
        settings.phone_salt,
        settings.var_dir,
        PHONE_SALT_FILE,
        lambda: secrets.token_urlsafe(32),
        refuse_new=_no_new_key(database, "HOTLINE_PHONE_SALT", PHONE_SALT_FILE)
        if existing
        else None,
    )
    try:
        sealer = Sealer(key)
    except ValueError:
        raise StartRefused(
            "HOTLINE_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes; "
            f"several separated by commas). Generate one with: {GENERATE_HINT}"
        ) from None
    return Keys(sealer, Pseudonyms(salt), salt)


def _no_new_key(database: Path | None, variable: str, file_name: str) -> str:
    return (
        f"the database {database} already exists but {variable} is not set and there is "
        f"no {file_name} beside it. Set {variable} to the value the database was made with, "
        f"or restore {file_name}. A new one would make what is stored there unreadable, "
        "so none is generated."
    )
