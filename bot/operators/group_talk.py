"""The operators' supergroup: replies in a case topic go to the person; case commands.

What an operator writes in a topic is copied to the person's private chat by the outbox
(copyMessage carries no author, so the operator stays anonymous). `/claim`, `/note` and
`/close` act on the topic's case; `/note` is never relayed. Only members of the chat,
checked with getChatMember, can act; messages from bots and from other chats are ignored.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, User

from bot.filters import has, in_topic, looks_like_command, not_from_bot
from bot.operators import notices as say
from bot.operators.access import case_service_of, content_kind, in_operators_chat, is_operator
from bot.operators.cards import CallbackDone
from bot.operators.message_kinds import RELAYABLE_FIELDS
from bot.outbox import OutboxWorker
from hotline.cases.events import OperatorNotice
from hotline.cases.service import CaseService
from hotline.cases.views import Actor, CaseView, Outcome

log = logging.getLogger(__name__)


def build_router() -> Router:
    """A new router each time, so that tests can build several dispatchers."""
    router = Router(name="operator_topics")
    # Async filters only: aiogram runs synchronous ones (magic F too) in a thread each.
    router.message.filter(in_operators_chat, not_from_bot)
    router.callback_query.filter(in_operators_chat)
    router.message.register(claim, Command("claim"))
    router.message.register(note, Command("note"))
    router.message.register(close, Command("close"))
    router.message.register(unknown_command, looks_like_command)
    router.message.register(relay_to_person, in_topic, has(*RELAYABLE_FIELDS))
    router.callback_query.register(callback_done, CallbackDone.filter())
    return router


async def _case_for(
    message: Message, bot: Bot, services: Any, operators_chat_id: int
) -> tuple[CaseService, CaseView, Actor] | None:
    """The topic's case and the operator acting on it; None (and maybe a word) otherwise."""
    cases = case_service_of(services)
    if cases is None or message.message_thread_id is None or not message.is_topic_message:
        return None
    case = await cases.by_topic(message.message_thread_id)
    if case is None or message.from_user is None:
        return None
    member = await is_operator(bot, operators_chat_id, message.from_user)
    if member is None:
        await cases.notify_operators(case.id, OperatorNotice.UNVERIFIED)
        return None
    if not member:
        log.warning("a non-member tried to act on case %s", case.number)
        return None
    return cases, case, operator_of(message.from_user)


def operator_of(user: User) -> Actor:
    """The operator as the case service knows them: their id for the audit, their name."""
    return Actor(f"operator:{user.id}", user.full_name[:128] or "оператор")


async def claim(
    message: Message,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is not None:
        cases, case, operator = found
        await cases.claim(case.id, operator)
        _wake(case_outbox)


async def note(
    message: Message,
    command: CommandObject,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is not None:
        cases, case, operator = found
        await cases.note(case.id, operator, (command.args or "").strip())
        _wake(case_outbox)


async def close(
    message: Message,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is not None:
        cases, case, operator = found
        await cases.close(case.id, operator)
        _wake(case_outbox)


async def unknown_command(
    message: Message,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    """A mistyped command must not reach the person."""
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is not None:
        cases, case, _ = found
        await cases.notify_operators(case.id, OperatorNotice.UNKNOWN_COMMAND)
        _wake(case_outbox)


async def relay_to_person(
    message: Message,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is not None:
        cases, case, operator = found
        line = _transcript_line(message)
        await cases.relay_to_person(case.id, operator, message.message_id, line)
        _wake(case_outbox)


async def callback_done(
    query: CallbackQuery,
    callback_data: CallbackDone,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    cases = case_service_of(services)
    if cases is None or not await is_operator(bot, operators_chat_id, query.from_user):
        await query.answer(say.NOT_OPERATOR, show_alert=True)
        return
    outcome = await cases.callback_done(callback_data.case_id, operator_of(query.from_user))
    if outcome is Outcome.CALLBACK_UNSAFE:
        await query.answer(say.CALLBACK_UNSAFE, show_alert=True)
        _wake(case_outbox)
        return
    if outcome is not Outcome.DONE:
        await query.answer(say.NO_CASE, show_alert=True)
        return
    await query.answer("✅")
    _wake(case_outbox)


def _transcript_line(message: Message) -> str:
    """What the operator sent, for the case's encrypted transcript."""
    text = message.text or message.caption or ""
    kind = "" if message.text else f"[{content_kind(message)}] "
    return f"{kind}{text}".strip()


def _wake(worker: OutboxWorker | None) -> None:
    if worker is not None:
        worker.wake()
