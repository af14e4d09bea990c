"""`hotline bot`: run the Telegram bot with long polling."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from hotline.settings import get_settings

if TYPE_CHECKING:
    from hotline.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("bot", help="run the Telegram bot with long polling")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.bot_token is None:
        print("Set HOTLINE_BOT_TOKEN to run the Telegram bot.")
        return 2
    from hotline.services import build_services  # loads the NLU model: only when running

    asyncio.run(poll(build_services(settings)))
    return 0


async def poll(services: Services) -> None:
    from bot.dispatcher import build_bot, build_dispatcher
    from hotline.cases.purging import start_daily_purge

    bot = build_bot(services)
    dispatcher = build_dispatcher(services)
    purge = start_daily_purge(services)  # HOTLINE_RETENTION_DAYS, once a day
    try:
        await bot.delete_webhook()  # polling and a webhook cannot both be active
        await dispatcher.start_polling(bot, allowed_updates=dispatcher.resolve_used_update_types())
    finally:
        if purge is not None:
            purge.cancel()
        await bot.session.close()
        await services.close()
