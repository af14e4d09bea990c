"""Bot API calls that survive flood control and Telegram's bad moments.

Registered as a session request middleware, so every call (replies, deletions, command
menus) gets the same treatment without each caller repeating it. A retried send may
rarely deliver a message twice; that is preferred to a lost answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from hotline.metrics import Metrics

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

MAX_RETRY_AFTER: Final = 60.0  # longer flood waits are Telegram asking us to stop, not pause


class RetryingRequests(BaseRequestMiddleware):
    """Wait out `TelegramRetryAfter`; retry server and network errors with backoff."""

    def __init__(
        self,
        metrics: Metrics,
        attempts: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.metrics = metrics
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts or exc.retry_after > MAX_RETRY_AFTER:
                    self._give_up(method, exc)
                    raise
                delay = float(exc.retry_after)
            except TelegramEntityTooLarge:
                raise  # a network error by class, but sending it again cannot help
            except (TelegramServerError, TelegramNetworkError) as exc:
                if attempt == self.attempts:
                    self._give_up(method, exc)
                    raise
                delay = self.backoff * 2 ** (attempt - 1)
            self.metrics.inc("telegram_retries_total", method=method.__api_method__)
            log.warning("retrying %s in %.1fs (attempt %d)", method.__api_method__, delay, attempt)
            await self.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")

    def _give_up(self, method: TelegramMethod[TelegramType], exc: Exception) -> None:
        self.metrics.inc("telegram_send_failures_total", method=method.__api_method__)
        log.error("%s failed after retries: %s", method.__api_method__, type(exc).__name__)
