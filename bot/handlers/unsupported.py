"""Messages the assistant cannot read: a polite note in the person's language.

A caption on a photo or file is text the person wrote, and may carry a red flag, so it
goes to the core like any message; only the attachment itself is declined.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, Router
from aiogram.types import Message

from bot.filters import has, private_chat
from bot.replies import Outgoing, render_reply, t
from bot.talk import Talk
from hotline.i18n import N_
from hotline.ui_strings import TEXT_ONLY

VOICE = N_("I cannot listen to voice messages yet. Please write, or call Hotline 189.")
ATTACHMENT = N_("I cannot look at pictures, stickers or files. Please write in words.")
LOCATION = N_(
    "I cannot use a location here. If you are in danger, call the emergency number, "
    "then write to me what is happening."
)
EDITED = N_("I only read new messages. Please send the corrected text as a new message.")


def note(msgid: str) -> Callable[[Message, Bot, Talk], Awaitable[None]]:
    """A handler answering with one fixed note."""

    async def handler(message: Message, bot: Bot, talk: Talk) -> None:
        if message.from_user is None:
            return
        text = t(await talk.language_of(message.from_user), msgid)
        await talk.deliver(
            bot, message.chat.id, message.from_user, [Outgoing(text)], message.message_id
        )

    return handler


async def captioned(message: Message, bot: Bot, talk: Talk) -> None:
    assert message.from_user is not None and message.caption is not None
    reply = await talk.policy.handle(talk.turn(message.from_user, text=message.caption))
    messages = [Outgoing(t(reply.language, ATTACHMENT)), *render_reply(reply, talk.content)]
    await talk.deliver(
        bot, message.chat.id, message.from_user, messages, message.message_id, urgent=reply
    )


def build_router() -> Router:
    """A fresh router: a router attaches to one Dispatcher only (tests build many)."""
    router = Router(name="unsupported")
    router.message.filter(private_chat)
    router.edited_message.filter(private_chat)
    router.edited_message.register(note(EDITED))
    router.message.register(note(VOICE), has("voice", "audio", "video_note"))
    router.message.register(note(LOCATION), has("location", "venue", "contact"))
    router.message.register(captioned, has("caption"))
    attachments = has("photo", "document", "sticker", "animation", "video")
    router.message.register(note(ATTACHMENT), attachments)
    router.message.register(note(TEXT_ONLY))
    return router
