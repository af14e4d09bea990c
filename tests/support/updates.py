"""Real aiogram Update objects, as Telegram would send them: people and operators."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Document,
    Message,
    MessageEntity,
    PhotoSize,
    Sticker,
    Update,
    User,
    Voice,
)

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
BOT_USER = User(id=42, is_bot=True, first_name="Hotline")
OPERATORS_CHAT = -1001234567890
OPERATOR = User(id=501, is_bot=False, first_name="Гульнара", last_name="Операторова")
OUTSIDER = User(id=666, is_bot=False, first_name="Посторонний")


def _entities(text: str | None) -> list[MessageEntity] | None:
    if not text or not text.startswith("/"):
        return None
    return [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]


def private_message(user: User, text: str | None = None, **fields: Any) -> Update:
    msg = Message(
        message_id=next(_message_ids),
        date=datetime.now(),
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        text=text,
        entities=_entities(text),
        **fields,
    )
    return Update(update_id=next(_update_ids), message=msg)


def group_message(
    user: User,
    text: str | None = None,
    *,
    thread: int | None,
    chat_id: int = OPERATORS_CHAT,
    **fields: Any,
) -> Update:
    msg = Message(
        message_id=next(_message_ids),
        date=datetime.now(),
        chat=Chat(id=chat_id, type="supergroup", is_forum=True, title="Hotline 189"),
        from_user=user,
        text=text,
        entities=_entities(text),
        message_thread_id=thread,
        is_topic_message=thread is not None or None,
        **fields,
    )
    return Update(update_id=next(_update_ids), message=msg)


def photo() -> list[PhotoSize]:
    return [PhotoSize(file_id="photo-1", file_unique_id="u1", width=90, height=90)]


def document() -> Document:
    return Document(file_id="doc-1", file_unique_id="d1", file_name="contract.pdf")


def voice() -> Voice:
    return Voice(file_id="voice-1", file_unique_id="v1", duration=3)


def button_press(user: User, data: str, *, thread: int) -> Update:
    card = Message(
        message_id=next(_message_ids),
        date=datetime.now(),
        chat=Chat(id=OPERATORS_CHAT, type="supergroup", is_forum=True),
        message_thread_id=thread,
        text="card",
    )
    query = CallbackQuery(
        id=str(next(_update_ids)), from_user=user, chat_instance="ops", data=data, message=card
    )
    return Update(update_id=next(_update_ids), callback_query=query)


def person(user_id: int = 1001, language_code: str | None = "ru") -> User:
    return User(id=user_id, is_bot=False, first_name="Айбек", language_code=language_code)


def message(
    text: str | None = None,
    *,
    user: User | None = None,
    chat: Chat | None = None,
    update_id: int | None = None,
    edited: bool = False,
    **fields: Any,
) -> Update:
    user = user or person()
    chat = chat or Chat(id=user.id, type="private")
    msg = Message(
        message_id=next(_message_ids),
        date=datetime.now(),
        chat=chat,
        from_user=user,
        text=text,
        edit_date=int(datetime.now().timestamp()) if edited else None,
        **fields,
    )
    uid = update_id if update_id is not None else next(_update_ids)
    if edited:
        return Update(update_id=uid, edited_message=msg)
    return Update(update_id=uid, message=msg)


def sticker() -> Sticker:
    """A plain sticker, as a person sends one (the bot cannot read it)."""
    return Sticker(
        file_id="s-1",
        file_unique_id="su-1",
        type="regular",
        width=512,
        height=512,
        is_animated=False,
        is_video=False,
    )


def command(text: str, **kwargs: Any) -> Update:
    length = len(text.split()[0])
    entity = MessageEntity(type="bot_command", offset=0, length=length)
    return message(text, entities=[entity], **kwargs)


def press(data: str, *, user: User | None = None) -> Update:
    user = user or person()
    shown = Message(
        message_id=next(_message_ids),
        date=datetime.now(),
        chat=Chat(id=user.id, type="private"),
        from_user=BOT_USER,
        text="…",
    )
    query = CallbackQuery(
        id=str(next(_update_ids)), from_user=user, chat_instance="ci", message=shown, data=data
    )
    return Update(update_id=next(_update_ids), callback_query=query)


def membership(blocked: bool, *, user: User | None = None) -> Update:
    user = user or person()
    member = ChatMemberMember(user=BOT_USER)
    banned = ChatMemberBanned(user=BOT_USER, until_date=datetime.fromtimestamp(0))
    event = ChatMemberUpdated(
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        date=datetime.now(),
        old_chat_member=member if blocked else banned,
        new_chat_member=banned if blocked else member,
    )
    return Update(update_id=next(_update_ids), my_chat_member=event)
