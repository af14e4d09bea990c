"""What may go into a log line from a request: a bounded, escaped excerpt, never more.

Whoever sends a request chooses its path, method and headers. Logged whole, they let a
client fill the disk (one 8,000-character path a request) or write fake log lines.
"""

from __future__ import annotations

import traceback
from typing import Final

DEFAULT_LIMIT: Final = 64


def clip(value: str, limit: int = DEFAULT_LIMIT) -> str:
    """At most `limit` characters of `value`, control and non-ASCII characters escaped."""
    shown = value[:limit].encode("unicode_escape").decode("ascii")
    return shown if len(value) <= limit else f"{shown}…(+{len(value) - limit})"


def failure_without_message(exc: BaseException) -> str:
    """An exception's type, its cause's type and its stack, but not its message (which may
    quote a request, a message text or a stored value)."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    cause = type(exc).__qualname__
    inner = exc.__cause__ or exc.__context__
    if inner is not None:
        cause += f" (from {type(inner).__qualname__})"
    return f"{cause}\n{frames.rstrip()}" if frames else cause
