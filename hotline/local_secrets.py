"""Secrets and files kept under var/: private to the service's user, never replaced.

A secret that is not configured falls back to a value generated once into var/: fine for
a laptop or a single server on embedded defaults. Production sets the variables (from the
environment or a secrets store), so that every process shares them and the key does not
lie beside the data it protects.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class StartRefused(RuntimeError):
    """The service must not start. The message says why and what to do; it holds no secret."""


def make_private_dir(path: Path) -> None:
    """Create `path` for this user only, or take group and others' access away if it exists."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, PRIVATE_DIR_MODE)


def make_private_file(path: Path) -> None:
    """Create `path` empty and 0600 unless it exists; take others' access away if it does."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        _tighten(path, PRIVATE_FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077:
        try:
            path.chmod(mode)
        except PermissionError:
            log.warning("%s is readable by others and cannot be made private", path)
        else:
            log.info("%s was readable by others: now %o", path, mode)


def configured_or_local(
    configured: SecretStr | None,
    var_dir: Path,
    file_name: str,
    generate: Callable[[], str],
    *,
    refuse_new: str | None = None,
) -> str:
    """Return the configured secret, or the one kept in `var_dir/file_name` (made if missing).

    With `refuse_new` (the reason), a missing file is not generated: StartRefused instead.
    """
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    path = var_dir / file_name
    if not path.exists():
        if refuse_new is not None:
            raise StartRefused(refuse_new)
        make_private_dir(var_dir)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        except FileExistsError:
            pass  # another process made it a moment ago: use theirs
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(generate())
            log.warning("generated %s; set the matching HOTLINE_ variable in production", path)
    _tighten(path, PRIVATE_FILE_MODE)
    return path.read_text(encoding="utf-8").strip()
