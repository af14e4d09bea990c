"""Logging a failure without what the caller said or their number.

An exception's message may quote its input (a speech text, an EscalationRequest with a
callback number), so the phone line logs the exception's type and where it was raised,
never its message.
"""

from __future__ import annotations

import logging
import traceback


def log_failure(logger: logging.Logger, what: str, exc: BaseException) -> None:
    """Log `what` failed, with the exception type and stack, without its message."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    cause = type(exc).__qualname__
    if exc.__cause__ is not None or exc.__context__ is not None:
        inner = exc.__cause__ or exc.__context__
        cause += f" (from {type(inner).__qualname__})"
    logger.error("%s: %s\n%s", what, cause, frames.rstrip())
