"""Personal data at rest: encrypted text (`Sealer`) and pseudonymous identifiers (`Pseudonyms`).

Keys are loaded, and checked against the stored data, by `hotline.keys`.
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
from typing import Final

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)

# The pseudonym key is derived from the configured secret, so that a pseudonym never equals
# another HMAC made with the same secret (the phone line's hash of a caller's number).
_PSEUDONYM_CONTEXT: Final = b"hotline person pseudonym v1"
PSEUDONYM_RE: Final = re.compile(r"[0-9a-f]{64}")
_CACHE_SIZE: Final = 16_384


class Sealer:
    """Encrypts and decrypts text; several comma-separated keys allow rotation (first encrypts)."""

    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("no encryption key given")
        self._primary = Fernet(parts[0].encode())
        self._fernet = MultiFernet([self._primary, *(Fernet(k.encode()) for k in parts[1:])])

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def seal_optional(self, text: str | None) -> bytes | None:
        return None if text is None else self.seal(text)

    def open(self, token: bytes | str | None) -> str | None:
        """The text, or None (logged) when no configured key opens the token."""
        if token is None:
            return None
        try:
            return self.open_strict(token)
        except InvalidToken:
            log.error("a stored value could not be decrypted: wrong or rotated-out key")
            return None

    def open_strict(self, token: bytes | str) -> str:
        """The text; raise `InvalidToken` when no configured key opens it."""
        raw = token.encode("ascii", "replace") if isinstance(token, str) else token
        return self._fernet.decrypt(raw).decode("utf-8")

    def needs_rotation(self, token: bytes) -> bool:
        """Whether the token was sealed with an older key than the first configured one."""
        try:
            self._primary.decrypt(token)
        except InvalidToken:
            return True
        return False


class Pseudonyms:
    """What stands for a person wherever data is kept: an HMAC-SHA256 of their user key.

    The same person always gets the same pseudonym, so stores find them again; without the
    secret nobody can tell whose it is, not even by trying every Telegram id or number.
    """

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("no pseudonym secret given")
        key = hmac.digest(secret.encode("utf-8"), _PSEUDONYM_CONTEXT, "sha256")

        # Every update asks for the same person's pseudonym several times (state, case
        # index, throttle, message log): a small cache, in this process's memory only.
        @functools.lru_cache(maxsize=_CACHE_SIZE)
        def compute(user_key: str) -> str:
            return hmac.digest(key, user_key.encode("utf-8", "surrogatepass"), "sha256").hex()

        self._compute = compute

    def of(self, user_key: str) -> str:
        """64 hex digits for `user_key` (`tg:<id>`, `phone:<hash>`, …)."""
        return self._compute(user_key)


def is_pseudonym(value: str) -> bool:
    return PSEUDONYM_RE.fullmatch(value) is not None
