"""Real aiogram Update objects, as Telegram would send them."""

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
    Message,
    Update,
    User,
)

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
BOT_USER = User(id=42, is_bot=True, first_name="Hotline")


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


def command(text: str, **kwargs: Any) -> Update:
    from aiogram.types import MessageEntity

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
