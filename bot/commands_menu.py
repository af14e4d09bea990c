"""The command menu Telegram shows, described in Kyrgyz and in Russian."""

from __future__ import annotations

from typing import Final

from aiogram import Bot
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
