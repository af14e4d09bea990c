"""Who may act on cases: members of the operators' supergroup, checked with Telegram."""

from __future__ import annotations

import logging
from typing import Any, Final

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, Message, User

from hotline.cases.service import CaseService

log = logging.getLogger(__name__)

OPERATOR_STATUSES: Final = frozenset(
    {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)


def content_kind(message: Message) -> str:
    """ "photo", "voice", … (aiogram's enum, as plain text)."""
    kind = message.content_type
    return str(getattr(kind, "value", kind))


def case_service_of(services: Any) -> CaseService | None:
    """The durable case service behind the core's escalator, if that is what it is."""
    escalator = getattr(services, "escalator", None)
    return escalator if isinstance(escalator, CaseService) else None


async def in_operators_chat(
    _: Any, event_chat: Chat | None = None, operators_chat_id: int | None = None
) -> bool:
    """Router filter: the update comes from the configured operators' supergroup."""
    return (
        event_chat is not None
        and operators_chat_id is not None
        and (event_chat.id == operators_chat_id)
    )


async def is_operator(bot: Bot, chat_id: int, user: User | None) -> bool | None:
    """A person (not a bot) who is a member of the operators' chat right now.

    None when Telegram could not say: unknown is not a yes, and the caller tells the
    operator to try again rather than dropping what they wrote without a word.
    """
    if user is None or user.is_bot:
        return False
    try:
        member = await bot.get_chat_member(chat_id, user.id)
    except TelegramAPIError as exc:
        log.warning("membership check failed: %s", type(exc).__name__)
        return None
    return member.status in OPERATOR_STATUSES
