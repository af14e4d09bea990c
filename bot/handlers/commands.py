"""/start, /help, /language, /operator, /forget and unknown commands, in private chats."""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.filters import looks_like_command, private_chat
from bot.identity import user_key
from bot.keyboards import option_rows
from bot.replies import Outgoing, t
from bot.talk import Talk
from hotline import options as opt
from hotline.i18n import N_
from hotline.ui_strings import DATA_ERASED
from nlu.catalogue import LANGUAGES

log = logging.getLogger(__name__)

HELP = N_(
    "I answer questions about work rights, registration and documents in Russia and "
    "Kazakhstan, and about the warning signs of trafficking. Write your question in your own "
    "words, or choose a topic.\n\n"
    "/language: choose the language\n"
    "/operator: talk to an operator of Hotline 189\n"
    "/forget: delete this conversation"
)
FORGOTTEN = N_("I have deleted what I remembered about you and the messages I could delete.")
# Said only when the log shows messages the bot may no longer delete, or Telegram refused.
OLDER_REMAIN = N_(
    "Some older messages of this chat are still here: Telegram does not let me delete "
    "messages older than 48 hours. To remove them, clear the chat in your Telegram app: "
    "open the menu of this chat (⋮ or the bot's name at the top) and choose "
    '"Clear history" or "Delete chat".'
)
UNKNOWN_COMMAND = N_("I do not know the command %(command)s. Send /help to see what I can do.")
DELETE_BATCH: Final = 100  # deleteMessages takes at most 100 ids


async def start(message: Message, command: CommandObject, bot: Bot, talk: Talk) -> None:
    """Greet in both languages and ask for one, pre-selecting what we know or guess."""
    assert message.from_user is not None
    payload = (command.args or "").strip().lower()  # t.me/<bot>?start=ky
    hint = next((lang for lang in LANGUAGES if lang == payload), None)
    reply = await talk.policy.start(talk.turn(message.from_user, hint=hint))
    await talk.deliver(bot, message.chat.id, message.from_user, reply, message.message_id)


async def help_(message: Message, bot: Bot, talk: Talk) -> None:
    assert message.from_user is not None
    language = await talk.language_of(message.from_user)
    rows = option_rows(opt.top_menu(), language, talk.content)
    outgoing = Outgoing(t(language, HELP), rows)
    await talk.deliver(bot, message.chat.id, message.from_user, [outgoing], message.message_id)


async def option_command(message: Message, command: CommandObject, bot: Bot, talk: Talk) -> None:
    """The commands that are options of the core: /language and /operator."""
    assert message.from_user is not None
    option = opt.LANGUAGE if command.command == "language" else opt.OPERATOR
    reply = await talk.policy.handle(talk.turn(message.from_user, option=option))
    await talk.deliver(bot, message.chat.id, message.from_user, reply, message.message_id)


async def forget(message: Message, bot: Bot, state: FSMContext, talk: Talk) -> None:
    """Erase the person's state, their case data and both sides of the chat where allowed."""
    assert message.from_user is not None
    language = await talk.language_of(message.from_user)
    history = await talk.log.pop_all(bot.id, message.chat.id)
    # The chat first: it is what a watched phone shows, and needs none of our stores.
    not_deleted = history.undeletable + await delete_all(
        bot, message.chat.id, sorted({*history.deletable, message.message_id})
    )
    await talk.policy.forget(user_key(message.from_user))
    try:
        async with asyncio.timeout(1.0):
            await state.clear()
    except Exception as exc:  # noqa: BLE001 - Redis away: the FSM data expires with its TTL
        log.warning("FSM state not cleared: %s", type(exc).__name__)
    # It says only that it is done, and how to clear what the bot could not: a watched
    # phone must not learn what was talked about.
    text = f"{t(language, DATA_ERASED)} {t(language, FORGOTTEN)}"
    if not_deleted:
        text += "\n\n" + t(language, OLDER_REMAIN)
    # Even over the flood limit: the person must learn what is left to clear by hand.
    await talk.deliver(bot, message.chat.id, message.from_user, [Outgoing(text)], always=True)


async def delete_all(bot: Bot, chat_id: int, message_ids: list[int]) -> int:
    """Delete in batches of at most 100; return how many Telegram refused to delete."""
    refused = 0
    for first in range(0, len(message_ids), DELETE_BATCH):
        batch = message_ids[first : first + DELETE_BATCH]
        try:
            if not await bot.delete_messages(chat_id, batch):
                refused += len(batch)
        except TelegramAPIError as exc:
            # Older than 48 hours, or Telegram away: the person is told how to clear them.
            log.info("deleting messages failed: %s", type(exc).__name__)
            refused += len(batch)
    return refused


async def unknown_command(message: Message, bot: Bot, talk: Talk) -> None:
    assert message.from_user is not None and message.text is not None
    language = await talk.language_of(message.from_user)
    # The command is the person's own text: `t` escapes it, so it never becomes markup.
    text = t(language, UNKNOWN_COMMAND, command=message.text.split()[0][:64])
    # Through `deliver`, withheld over the limit, and both messages logged for /forget.
    await talk.deliver(
        bot, message.chat.id, message.from_user, [Outgoing(text)], message.message_id
    )


def build_router() -> Router:
    """A fresh router: a router attaches to one Dispatcher only (tests build many)."""
    router = Router(name="commands")
    # One cheap check first: most messages are not commands, and each Command filter
    # parses the text again.
    router.message.filter(private_chat, looks_like_command)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(option_command, Command("language", "operator"))
    router.message.register(forget, Command("forget"))
    router.message.register(unknown_command, looks_like_command)
    return router
