"""Secrets that fall back to a value generated once into var/ when not configured.

Fine for a laptop or a single server on embedded defaults; production sets the variables,
so that every process and every restart shares them.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from hotline.settings import Settings

log = logging.getLogger(__name__)


def configured_or_local(
    configured: SecretStr | None, var_dir: Path, file_name: str, generate: Callable[[], str]
) -> str:
    """Return the configured secret, or the one kept in `var_dir/file_name` (made if missing)."""
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    path = var_dir / file_name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it a moment ago: use theirs
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(generate())
            log.warning("generated %s; set the matching HOTLINE_ variable in production", path)
    return path.read_text(encoding="utf-8").strip()


def phone_salt(settings: Settings) -> str:
    """The secret salt of the hash that stands for a caller's number (HOTLINE_PHONE_SALT)."""
    return configured_or_local(
        settings.phone_salt, settings.var_dir, "phone_salt", lambda: secrets.token_urlsafe(32)
    )
