"""The bot's side of one process: Bot, Dispatcher, and the log of people's chats they share
with the outbox worker of the same process (`WorkerJobs(services, telegram.chat_log)`).

Everything that sends into a person's private chat logs it there, so that /forget can
delete it (`bot.message_log`): the Dispatcher's replies and the worker's deliveries alike.
With Redis all processes share its keys; without, this one instance is the only log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

    from bot.message_log import MessageLog
    from hotline.services import Services


@dataclass
class Telegram:
    bot: Bot
    dispatcher: Dispatcher
    chat_log: MessageLog


def build_telegram(services: Services, clock: Callable[[], float] = time.time) -> Telegram:
    """Needs HOTLINE_BOT_TOKEN; aiogram is imported only here (the phone line runs without)."""
    from bot.dispatcher import build_bot, build_dispatcher
    from bot.message_log import message_log_of

    chat_log = message_log_of(services, clock)
    bot = build_bot(services)
    return Telegram(bot, build_dispatcher(services, message_log=chat_log), chat_log)
