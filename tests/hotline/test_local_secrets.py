"""Unset secrets are generated once into var/, kept private, and stable across restarts."""

from __future__ import annotations

import stat
from pathlib import Path

from pydantic import SecretStr

from hotline.local_secrets import configured_or_local, phone_salt
from hotline.settings import Settings


def test_unset_phone_salt_is_generated_once_and_private(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, phone_salt=None)
    first = phone_salt(settings)
    again = phone_salt(Settings(var_dir=tmp_path, phone_salt=None))  # a restart
    assert first == again and len(first) >= 32
    assert first != phone_salt(Settings(var_dir=tmp_path / "other", phone_salt=None))
    mode = stat.S_IMODE((tmp_path / "phone_salt").stat().st_mode)
    assert mode == 0o600


def test_configured_secret_wins_and_writes_nothing(tmp_path: Path) -> None:
    value = configured_or_local(SecretStr("from-env"), tmp_path, "x", lambda: "generated")
    assert value == "from-env"
    assert not (tmp_path / "x").exists()
