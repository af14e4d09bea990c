"""The Telegram webhook as one route of the `hotline serve` aiohttp application."""

from __future__ import annotations

import logging
from typing import Final

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

log = logging.getLogger(__name__)

WEBHOOK_PATH: Final = "/telegram/webhook"


def setup_telegram_webhook(
    app: web.Application, dispatcher: Dispatcher, bot: Bot, secret: str | None
) -> bool:
    """Mount the webhook; refuse without a secret, since anyone could then forge updates."""
    if not secret:
        log.warning("Telegram webhook off: set HOTLINE_TELEGRAM_WEBHOOK_SECRET to enable it")
        return False
    # Handled before Telegram gets its answer, not in the background: a person's next
    # update is then never handled before this one, whichever web process gets it.
    handler = SimpleRequestHandler(dispatcher, bot, secret_token=secret, handle_in_background=False)
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
