"""How Telegram people are named to the core, and what their client says about language."""

from __future__ import annotations

from aiogram.types import User

from nlu.catalogue import Language

PREFIX = "tg:"


def user_key(user: User) -> str:
    """The core's opaque key for a Telegram user; the cases relay maps it back to a chat."""
    return f"{PREFIX}{user.id}"


def chat_id_of(key: str) -> int | None:
    """The private chat of a `tg:` user key (a private chat's id is the user's id)."""
    return int(key[len(PREFIX) :]) if key.startswith(PREFIX) else None


def language_hint(user: User | None) -> Language | None:
    """Telegram's interface language, when it is one we speak."""
    code = (user.language_code or "").split("-")[0].lower() if user else ""
    if code == "ky":
        return "ky"
    if code == "ru":
        return "ru"
    return None
