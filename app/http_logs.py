"""What our HTTP servers log about requests: never their content, never their full size.

A request's path, method, headers and body are chosen by whoever sends it. aiohttp's
default access line logs the request line and headers whole, and its error records
quote the bytes of a malformed request; asyncio's "Task exception was never retrieved"
quotes the exception, whose message may hold a person's text.
"""

from __future__ import annotations

import logging
from typing import Final

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.http_exceptions import HttpProcessingError

from hotline.log_safety import clip, failure_without_message


class AccessLog(AbstractAccessLogger):
    """One line a request: method, path (both cut short), status, size and time.

    Never the query string, the headers or a whole path: the sender chooses them all, and
    aiohttp's default line would log them whole.
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %d %d %.1fms",
            clip(request.method, 16),
            clip(request.path),
            response.status,
            response.body_length,
            time * 1000,
        )


class WithoutExceptionMessages(logging.Filter):
    """Rewrite records that carry an exception: its type and stack stay, its message goes.

    Installed on loggers whose records we do not write ourselves: aiohttp's server (a
    malformed request's error quotes its bytes) and asyncio ("Task exception was never
    retrieved" quotes the exception). A client's malformed HTTP becomes a one-line warning.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or record.exc_info[1] is None:
            return True
        exc = record.exc_info[1]
        what = record.getMessage().split("\n", 1)[0]  # asyncio's 2nd line is the repr
        if isinstance(exc, HttpProcessingError) and exc.code < 500:
            record.msg, record.args = "malformed HTTP request refused (%s)", (type(exc).__name__,)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        else:
            record.msg, record.args = "%s: %s", (clip(what, 200), failure_without_message(exc))
        record.exc_info, record.exc_text = None, None
        return True


_FILTERED: Final = ("aiohttp.server", "aiohttp.web", "asyncio")


def keep_request_content_out_of_logs() -> None:
    """Install `WithoutExceptionMessages` on aiohttp's and asyncio's loggers (idempotent)."""
    for name in _FILTERED:
        logger = logging.getLogger(name)
        if not any(isinstance(f, WithoutExceptionMessages) for f in logger.filters):
            logger.addFilter(WithoutExceptionMessages())
