"""Every setting is documented in .env.example, and the documented names all exist."""

from __future__ import annotations

import re
from pathlib import Path

from hotline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Read by the Rasa tooling in nlu/ (which may not import hotline), not by Settings.
NLU_ONLY = {"HOTLINE_RASA_HOME", "HOTLINE_RASA_PYTHON"}


def documented_names() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*(HOTLINE_[A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_setting_is_documented() -> None:
    names = {f"HOTLINE_{name.upper()}" for name in Settings.model_fields}
    assert names - documented_names() == set()


def test_every_documented_name_is_a_setting() -> None:
    names = {f"HOTLINE_{name.upper()}" for name in Settings.model_fields} | NLU_ONLY
    assert documented_names() - names == set()


def test_empty_values_in_env_example_mean_defaults(monkeypatch: object, tmp_path: Path) -> None:
    """Copying .env.example to .env as it is must start on the embedded defaults."""
    env_file = tmp_path / ".env"
    env_file.write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.bot_token is None
    assert settings.nlu_engine == "embedded"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")


def test_default_database_lives_in_the_var_dir(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, database_url="")
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'hotline.sqlite3'}"
    explicit = Settings(var_dir=tmp_path, database_url="postgresql+asyncpg://h@db/hotline")
    assert explicit.database_url == "postgresql+asyncpg://h@db/hotline"
