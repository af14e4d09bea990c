"""Build the Bot and the Dispatcher: routers, middlewares and the core as workflow data."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage

from bot.commands_menu import publish_commands_on_startup, stop_publishing
from bot.delivery import RetryingRequests
from bot.handlers import commands, conversation, errors, membership, unsupported
from bot.message_log import MessageLog, log_for
from bot.middlewares.admission import (
    AdmitUpdates,
    FallbackUpdateGate,
    MemoryUpdateGate,
    RedisUpdateGate,
    UpdateGate,
)
from bot.middlewares.chats import PrivateChatsOnly
from bot.middlewares.fsm import FSMWithoutStates
from bot.operators import group_talk, pm_talk
from bot.talk import Talk
from hotline.services import Services


def build_bot(services: Services, session: BaseSession | None = None) -> Bot:
    """A Bot on the configured API server, whose every call retries what can be retried."""
    settings = services.settings
    if settings.bot_token is None:
        raise ValueError("HOTLINE_BOT_TOKEN is not set")
    if session is None:
        api_base = settings.telegram_api_base
        session = (
            AiohttpSession(api=TelegramAPIServer.from_base(api_base))
            if api_base
            else AiohttpSession()
        )
    session.middleware(RetryingRequests(services.metrics))
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_storage(services: Services) -> BaseStorage:
    if services.redis is None:
        return MemoryStorage()
    ttl = services.settings.state_ttl_seconds
    return RedisStorage(
        services.redis,
        key_builder=DefaultKeyBuilder(with_bot_id=True, with_destiny=True),
        state_ttl=ttl,
        data_ttl=ttl,
    )


def build_dispatcher(
    services: Services,
    *,
    storage: BaseStorage | None = None,
    gate: UpdateGate | None = None,
    message_log: MessageLog | None = None,
    throttle_limit: int = 12,
) -> Dispatcher:
    """The Dispatcher with every router; deps reach handlers by parameter name."""
    redis = services.redis
    storage = storage or build_storage(services)
    talk = Talk(
        services.policy, services.content, services.metrics, message_log or log_for(storage)
    )
    dp = Dispatcher(
        storage=storage,
        disable_fsm=True,  # FSMWithoutStates instead, after admission (see there)
        services=services,
        policy=services.policy,
        content=services.content,
        metrics=services.metrics,
        operators_chat_id=services.settings.operators_chat_id,
        talk=talk,
    )
    gate = gate or (FallbackUpdateGate(RedisUpdateGate(redis)) if redis else MemoryUpdateGate())
    dp.update.outer_middleware(PrivateChatsOnly(services.settings.operators_chat_id))
    dp.update.outer_middleware(AdmitUpdates(gate, services.metrics, limit=throttle_limit))
    dp.update.outer_middleware(
        FSMWithoutStates(storage, dp.fsm.events_isolation, strategy=dp.fsm.strategy)
    )
    dp.include_routers(
        group_talk.build_router(),  # first: case topics (operator replies, /claim, /note, /close)
        commands.build_router(),
        conversation.build_router(),
        pm_talk.build_router(),  # media from a person with an open case go to its topic
        unsupported.build_router(),
        membership.build_router(),
        errors.build_router(),
    )
    dp.startup.register(publish_commands_on_startup)
    dp.shutdown.register(stop_publishing)
    return dp
