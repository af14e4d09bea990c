"""The person's private chat while their case is open: pictures, files and voice notes go
to the case's topic (copied by the outbox), instead of "I cannot look at pictures".

Text needs nothing here: the core's policy relays it (a `RelayToCase` action) and stays
quiet. A caption is text the person wrote, so it goes to the core too, which may
raise the case's level; the copy then drops the caption so it is not shown twice.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.types import Message

from bot.filters import has, private_chat
from bot.identity import language_hint, user_key
from bot.operators.access import case_service_of, content_kind
from bot.operators.message_kinds import MEDIA_FIELDS
from bot.outbox import OutboxWorker
from bot.talk import Talk
from hotline.metrics import Metrics
from hotline.turns import Turn

log = logging.getLogger(__name__)


def build_router() -> Router:
    """A new router each time, so that tests can build several dispatchers."""
    router = Router(name="person_media")
    # Async filters only (aiogram runs synchronous ones in a thread); the case lookup last.
    router.message.filter(private_chat, has(*MEDIA_FIELDS), with_open_case)
    router.message.register(media_to_topic)
    return router


async def with_open_case(message: Message, services: Any = None) -> bool | dict[str, Any]:
    """Filter: the sender has an open Telegram case; hands it on as `open_case`."""
    cases = case_service_of(services)
    if cases is None or message.from_user is None:
        return False
    case = await cases.store.open_case_for(user_key(message.from_user))
    if case is None or case.channel != "telegram":
        return False
    return {"open_case": case}


async def media_to_topic(
    message: Message,
    open_case: Any,
    services: Any,
    bot: Bot,
    talk: Talk,
    metrics: Metrics,
    case_outbox: OutboxWorker | None = None,
) -> None:
    cases = case_service_of(services)
    assert cases is not None and message.from_user is not None
    caption = (message.caption or "").strip()
    kind = content_kind(message)
    await cases.relay_media_from_person(
        user_key(message.from_user),
        message.chat.id,
        message.message_id,
        kind,
        drop_caption=bool(caption),
    )
    metrics.inc("case_media_relayed_total", kind=kind)
    if caption:
        key = user_key(message.from_user)
        turn = Turn(key, "telegram", text=caption, language_hint=language_hint(message.from_user))
        reply = await talk.policy.handle(turn)
        await talk.deliver(bot, message.chat.id, key, reply, message.message_id)
    else:
        await talk.log.remember(bot.id, message.chat.id, [message.message_id])  # for /forget
    if case_outbox is not None:
        case_outbox.wake()
