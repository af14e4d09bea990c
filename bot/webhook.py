"""The Telegram webhook as one route of the `hotline serve` aiohttp application.

aiogram's own handler answers 500 with a traceback to a malformed request, and a body
that fails validation in its background task is logged with the message text it holds
("Task exception was never retrieved", pydantic's `input_value`). Here every malformed
request gets a 4xx before anything runs: 403 for a secret that no Telegram secret can be
(non-ASCII), 401 for a wrong one, 400 for a body that is not a valid update. Nothing of a
request's content is logged, only what kind of fault it had. A valid update is handled in
the background, or before the answer with `handle_in_background=False`; either way a
failure is logged by type only.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any, Final

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from pydantic import ValidationError

log = logging.getLogger(__name__)

WEBHOOK_PATH: Final = "/telegram/webhook"
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhook(SimpleRequestHandler):
    """Validate the secret and the update in the request; handle the update in the background."""

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if not self.secret_token:
            return False  # never mounted without one (setup_telegram_webhook)
        return hmac.compare_digest(
            telegram_secret_token.encode("utf-8", "surrogateescape"),
            self.secret_token.encode("utf-8"),
        )

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        given = request.headers.get(SECRET_HEADER, "")
        if not given.isascii():
            log.warning("webhook request refused: a secret no Telegram secret can be")
            return web.Response(status=403, text="Forbidden")
        if not self.verify_secret(given, bot):
            log.warning("webhook request refused: %s secret", "wrong" if given else "no")
            return web.Response(status=401, text="Unauthorized")
        update = await self._read_update(request, bot)
        if update is None:
            return web.Response(status=400, text="Bad Request")
        if not self.handle_in_background:
            result = await self._feed(bot, update)
            return web.Response(body=self._build_response_writer(bot=bot, result=result))
        task = asyncio.create_task(self._feed_in_background(bot, update))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        return web.json_response({})

    async def _read_update(self, request: web.Request, bot: Bot) -> Update | None:
        """The update in the body, or None (logged by kind of fault only) for anything else."""
        try:
            body = await request.read()  # over client_max_size: 413 by aiohttp
        except HttpProcessingError:  # e.g. a Content-Encoding the body does not have
            log.warning("webhook request refused: the body cannot be read")
            return None
        try:
            data: Any = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep
            log.warning("webhook request refused: the body is not JSON")
            return None
        if not isinstance(data, dict):
            log.warning("webhook request refused: the body is not a JSON object")
            return None
        try:
            return Update.model_validate(data, context={"bot": bot})
        except ValidationError as exc:  # its message quotes the input: only the count
            log.warning("webhook request refused: not an update (%d errors)", exc.error_count())
        except (ValueError, TypeError, RecursionError) as exc:
            log.warning("webhook request refused: not an update (%s)", type(exc).__name__)
        return None

    async def _feed(self, bot: Bot, update: Update) -> TelegramMethod[Any] | None:
        """Handle one update; a failure is logged by type only (its message may quote text).

        Telegram still gets its 200: an update whose handling fails would otherwise be sent
        again and again.
        """
        try:
            result = await self.dispatcher.feed_update(bot, update, **self.data)
        except Exception as exc:  # noqa: BLE001 - logged without its message
            log.error("update %d failed: %s", update.update_id, type(exc).__name__)
            return None
        return result if isinstance(result, TelegramMethod) else None

    async def _feed_in_background(self, bot: Bot, update: Update) -> None:
        result = await self._feed(bot, update)
        if result is not None:
            await self.dispatcher.silent_call_request(bot=bot, result=result)


def setup_telegram_webhook(
    app: web.Application, dispatcher: Dispatcher, bot: Bot, secret: str | None
) -> bool:
    """Mount the webhook; refuse without a secret, since anyone could then forge updates."""
    if not secret:
        log.warning("Telegram webhook off: set HOTLINE_TELEGRAM_WEBHOOK_SECRET to enable it")
        return False
    # Handled before Telegram gets its answer, not in the background: a person's next
    # update is then never handled before this one, whichever web process gets it.
    handler = TelegramWebhook(dispatcher, bot, secret_token=secret, handle_in_background=False)
    handler.register(app, path=WEBHOOK_PATH)
    setup_application(app, dispatcher, bot=bot)
    return True


async def register_webhook(bot: Bot, dispatcher: Dispatcher, url: str, secret: str) -> None:
    """Tell Telegram where to deliver updates and which secret header to send."""
    await bot.set_webhook(
        url,
        secret_token=secret,
        allowed_updates=dispatcher.resolve_used_update_types(),
    )
