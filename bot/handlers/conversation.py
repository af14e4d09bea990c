"""Free text and button presses in private chats: everything goes to the core."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message

from bot.filters import has, has_data, private_chat
from bot.middlewares.admission import throttled
from bot.talk import Talk


async def text_message(message: Message, bot: Bot, talk: Talk) -> None:
    assert message.from_user is not None and message.text is not None
    reply = await talk.policy.handle(talk.turn(message.from_user, text=message.text))
    await talk.deliver(bot, message.chat.id, message.from_user, reply, message.message_id)


async def option_pressed(query: CallbackQuery, bot: Bot, talk: Talk) -> None:
    assert query.data is not None and query.message is not None
    over_limit = throttled()
    # Stop the button's spinner before the (slower) answer; over the limit, with the note.
    await query.answer(over_limit.toast if over_limit else None)
    reply = await talk.policy.handle(talk.turn(query.from_user, option=query.data))
    await talk.deliver(bot, query.message.chat.id, query.from_user, reply)


def build_router() -> Router:
    """A fresh router: a router attaches to one Dispatcher only (tests build many)."""
    router = Router(name="conversation")
    router.message.filter(private_chat)
    router.callback_query.filter(private_chat)
    router.message.register(text_message, has("text"))
    router.callback_query.register(option_pressed, has_data)
    return router
