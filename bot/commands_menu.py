"""The command menu Telegram shows, described in Kyrgyz and in Russian."""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

from hotline.i18n import N_, translate
from nlu.catalogue import LANGUAGES, Language

COMMANDS: Final = (
    ("start", N_("Start again and choose the language")),
    ("help", N_("What I can do")),
    ("language", N_("Change the language")),
    ("operator", N_("Talk to an operator of Hotline 189")),
    ("forget", N_("Delete this conversation")),
)
DEFAULT_LANGUAGE: Final[Language] = "ky"  # clients in other languages see Kyrgyz
RETRY_DELAYS: Final = (5.0, 30.0, 120.0, 600.0)  # seconds; the last one repeats

log = logging.getLogger(__name__)
_retrying: set[asyncio.Task[None]] = set()


def commands_in(language: Language) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=translate(language, description))
        for name, description in COMMANDS
    ]


async def publish_commands(bot: Bot) -> None:
    """Set the menu for each language, plus a default for every other client language."""
    scope = BotCommandScopeAllPrivateChats()
    for language in LANGUAGES:
        await bot.set_my_commands(commands_in(language), scope=scope, language_code=language)
    await bot.set_my_commands(commands_in(DEFAULT_LANGUAGE), scope=scope)


async def publish_commands_on_startup(bot: Bot) -> None:
    """Publish the menu; if Telegram cannot be reached, keep trying in the background.

    The menu is a convenience: a Telegram outage at start must never stop the server,
    whose phone line and webhook do not depend on it.
    """
    task = asyncio.create_task(_publish_until_done(bot), name="command-menu")
    _retrying.add(task)
    task.add_done_callback(_retrying.discard)


async def stop_publishing() -> None:
    for task in list(_retrying):
        task.cancel()


async def _publish_until_done(bot: Bot) -> None:
    for attempt in range(1_000_000):
        if await _try_publish(bot):
            return
        await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])


async def _try_publish(bot: Bot) -> bool:
    try:
        await publish_commands(bot)
    except (TelegramAPIError, TelegramNetworkError) as exc:
        log.warning("command menu not published (%s); will retry", type(exc).__name__)
        return False
    return True
