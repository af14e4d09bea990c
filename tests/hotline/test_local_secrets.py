"""Keys: configured, or generated once into a private var/, but never over existing data."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from hotline.cases.setup import database_engine
from hotline.keys import load_keys
from hotline.local_secrets import StartRefused, configured_or_local
from hotline.settings import Settings

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def unset(var_dir: Path, **values: Any) -> Settings:
    """Settings with neither key configured (the test environment sets both)."""
    fields: dict[str, Any] = {"var_dir": var_dir, "encryption_key": None, "phone_salt": None}
    fields.update(values)
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_unset_keys_are_generated_once_into_a_private_var(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    first = load_keys(unset(var_dir))
    again = load_keys(unset(var_dir))  # a restart
    assert first.phone_salt == again.phone_salt and len(first.phone_salt) >= 32
    assert again.sealer.open(first.sealer.seal("x")) == "x"
    assert first.phone_salt != load_keys(unset(tmp_path / "other")).phone_salt
    assert mode(var_dir) == 0o700
    assert mode(var_dir / "phone_salt") == mode(var_dir / "encryption.key") == 0o600


def test_a_world_readable_var_and_database_are_made_private(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    var_dir.chmod(0o755)
    settings = unset(var_dir)
    load_keys(settings)
    assert mode(var_dir) == 0o700
    database_engine(settings)  # the SQLite file exists, private, before SQLite writes it
    assert mode(var_dir / "hotline.sqlite3") == 0o600


def test_no_key_is_generated_over_an_existing_database(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "hotline.sqlite3").write_bytes(b"SQLite format 3\x00 and data")
    with pytest.raises(StartRefused, match="HOTLINE_ENCRYPTION_KEY is not set"):
        load_keys(unset(var_dir))
    assert not (var_dir / "encryption.key").exists()
    (var_dir / "encryption.key").write_text(load_keys(unset(tmp_path / "x")).phone_salt)
    with pytest.raises(StartRefused, match="HOTLINE_PHONE_SALT"):
        load_keys(unset(var_dir, encryption_key=SecretStr(_fernet_key())))


def test_postgresql_needs_both_keys_from_the_environment(tmp_path: Path) -> None:
    with pytest.raises(StartRefused) as refused:
        load_keys(unset(tmp_path, database_url=POSTGRES))
    assert "HOTLINE_ENCRYPTION_KEY and HOTLINE_PHONE_SALT" in str(refused.value)
    with pytest.raises(StartRefused, match="HOTLINE_PHONE_SALT must be set"):
        load_keys(unset(tmp_path, database_url=POSTGRES, encryption_key=SecretStr(_fernet_key())))
    keys = load_keys(
        unset(
            tmp_path,
            database_url=POSTGRES,
            encryption_key=SecretStr(_fernet_key()),
            phone_salt=SecretStr("salt"),
        )
    )
    assert keys.phone_salt == "salt"
    assert list(tmp_path.iterdir()) == []  # nothing written beside the data


def test_a_key_that_is_not_a_fernet_key_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(StartRefused, match="not a Fernet key") as refused:
        load_keys(unset(tmp_path, encryption_key=SecretStr("change-me")))
    assert "change-me" not in str(refused.value)


def test_configured_secret_wins_and_writes_nothing(tmp_path: Path) -> None:
    value = configured_or_local(SecretStr("from-env"), tmp_path, "x", lambda: "generated")
    assert value == "from-env"
    assert not (tmp_path / "x").exists()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
