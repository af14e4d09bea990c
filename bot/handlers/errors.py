"""A handler that failed still leaves the person with something to do, and logs no text.

aiogram would log the exception with its message, and database errors quote the stored
values (a transcript, a user key). Here only the type and the update id are logged.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.types import Chat, ErrorEvent, User

from bot.identity import language_hint
from bot.replies import t
from bot.talk import Talk
from hotline.i18n import N_
from nlu.catalogue import Language

log = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = N_(
    "Sorry, something went wrong on my side. Please write again. If you are in danger, "
    "call the emergency number or Hotline 189."
)


async def handler_failed(
    event: ErrorEvent,
    bot: Bot,
    talk: Talk,
    event_chat: Chat | None = None,
    event_from_user: User | None = None,
) -> None:
    talk.metrics.inc("telegram_handler_errors_total")
    log.error("update %d failed: %s", event.update.update_id, type(event.exception).__name__)
    if event_chat is None or event_chat.type != ChatType.PRIVATE or event_from_user is None:
        return
    language: Language = language_hint(event_from_user) or "ky"
    try:
        language = await talk.language_of(event_from_user)
    except Exception as exc:  # noqa: BLE001 - the store may be what failed
        log.error("no language for the error notice: %s", type(exc).__name__)
    incoming = event.update.message or event.update.edited_message
    ids: list[int | None] = [incoming.message_id if incoming else None]
    try:
        sent = await bot.send_message(event_chat.id, t(language, SOMETHING_WENT_WRONG))
        ids.append(sent.message_id)
    except Exception as exc:  # noqa: BLE001 - nothing more can be done for this update
        log.error("the error notice failed too: %s", type(exc).__name__)
    try:
        # Both, for /forget (the handler may have failed before it logged the incoming one).
        await talk.log.remember(bot.id, event_chat.id, ids)
    except Exception as exc:  # noqa: BLE001 - the store may be what failed
        log.error("the error notice not logged: %s", type(exc).__name__)


def build_router() -> Router:
    """A fresh router: a router attaches to one Dispatcher only (tests build many)."""
    router = Router(name="errors")
    router.errors.register(handler_failed)
    return router
