"""Encryption at rest for transcripts, notes, callback numbers and recording links."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from hotline.local_secrets import configured_or_local

log = logging.getLogger(__name__)


class Sealer:
    """Encrypts and decrypts text; several comma-separated keys allow rotation (first encrypts)."""

    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("no encryption key given")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def seal_optional(self, text: str | None) -> bytes | None:
        return None if text is None else self.seal(text)

    def open(self, token: bytes | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            log.error("a stored value could not be decrypted: wrong or rotated-out key")
            return None


def load_sealer(configured_keys: str | None, var_dir: Path) -> Sealer:
    """Use HOTLINE_ENCRYPTION_KEY; on embedded defaults keep a generated key in var/."""
    if configured_keys:
        return Sealer(configured_keys)
    key = configured_or_local(
        None, var_dir, "encryption.key", lambda: Fernet.generate_key().decode("ascii")
    )
    return Sealer(key)
