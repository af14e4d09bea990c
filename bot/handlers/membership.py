"""The person blocked or unblocked the bot: remember whether they can be reached."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from bot.filters import private_chat
from bot.identity import user_key
from bot.talk import Talk


async def blocked(event: ChatMemberUpdated, talk: Talk) -> None:
    talk.metrics.inc("telegram_blocked_total")
    await talk.policy.mark_unreachable(user_key(event.from_user))


async def unblocked(event: ChatMemberUpdated, talk: Talk) -> None:
    await talk.policy.mark_unreachable(user_key(event.from_user), unreachable=False)


def build_router() -> Router:
    """A fresh router: a router attaches to one Dispatcher only (tests build many)."""
    router = Router(name="membership")
    router.my_chat_member.filter(private_chat)
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(member_status_changed=KICKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(member_status_changed=MEMBER))
    return router
