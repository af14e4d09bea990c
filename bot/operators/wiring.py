"""Build the case outbox's worker for the worker role (`hotline worker`, `bot`, `start`)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.message_log import MessageLog, message_log_of
from bot.operators.access import case_service_of
from bot.outbox import LocalBudget, OutboxWorker, RedisBudget
from hotline.services import Services

log = logging.getLogger(__name__)


def build_case_outbox(
    services: Services, message_log: MessageLog | None = None
) -> OutboxWorker | None:
    """The outbox worker; None (cases only stored) without a bot, an operators' chat or cases.

    `message_log`: where what it sends into a person's chat is logged for /forget; the
    Dispatcher's, in one process without Redis (`app.telegram`). Otherwise the Redis log
    all processes share, or, in a worker process without Redis, one /forget cannot read.
    """
    settings = services.settings
    cases = case_service_of(services)
    if settings.bot_token is None or settings.operators_chat_id is None or cases is None:
        log.info("operators' chat, bot token or case store not configured: cases are only stored")
        return None
    # A Bot of its own, without the retrying request middleware: the outbox decides when to
    # retry (durably), and a flood wait must not hold up the other lanes inside one call.
    api_base = settings.telegram_api_base
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base)) if api_base else None
    bot = Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    chat_id = settings.operators_chat_id
    per_minute = settings.telegram_group_per_minute
    budget = (
        RedisBudget(services.redis, chat_id, per_minute)
        if services.redis is not None
        else LocalBudget(per_minute)
    )
    if message_log is None:
        if services.redis is None:
            log.warning(
                "worker without Redis and apart from the bot: /forget cannot delete what it "
                "sends into people's chats"
            )
        message_log = message_log_of(services)
    return OutboxWorker(
        bot,
        cases.store,
        chat_id,
        metrics=services.metrics,
        budget=budget,
        content=services.content,
        lease_seconds=settings.outbox_lease_seconds,
        poll_seconds=settings.outbox_poll_seconds,
        message_log=message_log,
    )
