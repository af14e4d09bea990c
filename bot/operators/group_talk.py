"""The operators' supergroup: replies in a case topic go to the person; case commands.

What an operator writes in a topic is copied to the person's private chat by the outbox
(copyMessage carries no author, so the operator stays anonymous). `/claim`, `/note` and
`/close` act on the topic's case; `/note` is never relayed. Only members of the chat,
checked with getChatMember, can act; messages from bots and from other chats are ignored.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.filters import has, in_topic, looks_like_command, not_from_bot
from bot.operators import notices as say
from bot.operators.access import case_store_of, content_kind, in_operators_chat, is_operator
from bot.operators.cards import CallbackDone
from bot.operators.message_kinds import RELAYABLE_FIELDS
from bot.outbox_worker import OutboxWorker
from hotline.cases.store import CaseNotFound, CaseStore, CaseView

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
) -> tuple[CaseStore, CaseView] | None:
    """The topic's case, if the author is an operator; None (and maybe a word) otherwise."""
    store = case_store_of(services)
    if store is None or message.message_thread_id is None or not message.is_topic_message:
        return None
    case = await store.by_topic(message.message_thread_id)
    if case is None:
        return None
    member = await is_operator(bot, operators_chat_id, message.from_user)
    if member is None:
        await store.enqueue(case.id, "topic_notice", {"text": say.UNVERIFIED})
        return None
    if not member:
        log.warning("a non-member tried to act on case %s", case.number)
        return None
    return store, case


def _name(message: Message) -> str:
    user = message.from_user
    return user.full_name[:128] if user is not None else "оператор"


async def claim(
    message: Message,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is None or message.from_user is None:
        return
    store, case = found
    try:
        case = await store.claim(case.id, message.from_user.id, _name(message))
    except CaseNotFound:
        await store.enqueue(case.id, "topic_notice", {"text": say.CASE_CLOSED_ALREADY})
        return
    await store.enqueue(case.id, "card_update", {"quiet": True})
    notice = say.CLAIMED_BY.format(name=html.escape(_name(message)))
    await store.enqueue(case.id, "topic_notice", {"text": notice})
    if case.channel == "telegram":
        await store.enqueue(case.id, "person_notice", {"msgid": say.CLAIMED})
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
    if found is None or message.from_user is None:
        return
    store, case = found
    text = (command.args or "").strip()
    if not text:
        await store.enqueue(case.id, "topic_notice", {"text": say.NOTE_USAGE})
    else:
        try:
            await store.add_note(case.id, message.from_user.id, text)
        except CaseNotFound:
            await store.enqueue(case.id, "topic_notice", {"text": say.CASE_CLOSED_ALREADY})
        else:
            await store.enqueue(case.id, "topic_notice", {"text": say.NOTE_SAVED})
    _wake(case_outbox)


async def close(
    message: Message,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is None or message.from_user is None:
        return
    store, case = found
    try:
        await store.close(case.id, f"operator:{message.from_user.id}")
    except CaseNotFound:
        await store.enqueue(case.id, "topic_notice", {"text": say.CASE_CLOSED_ALREADY})
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
    if found is None:
        return
    store, case = found
    await store.enqueue(case.id, "topic_notice", {"text": say.UNKNOWN_COMMAND})
    _wake(case_outbox)


async def relay_to_person(
    message: Message,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    found = await _case_for(message, bot, services, operators_chat_id)
    if found is None or message.from_user is None:
        return
    store, case = found
    if case.status == "closed" or case.user_key is None:
        await store.enqueue(case.id, "topic_notice", {"text": say.CASE_CLOSED_ALREADY})
    elif case.channel != "telegram":
        await store.enqueue(case.id, "topic_notice", {"text": say.PHONE_CASE})
    else:
        await store.enqueue(case.id, "operator_to_person", {"message_id": message.message_id})
        await store.record_message(case.id, "operator", _transcript_line(message))
        await store.log_operator_reply(case.id, message.from_user.id)
    _wake(case_outbox)


async def callback_done(
    query: CallbackQuery,
    callback_data: CallbackDone,
    bot: Bot,
    services: Any,
    operators_chat_id: int,
    case_outbox: OutboxWorker | None = None,
) -> None:
    store = case_store_of(services)
    if store is None or not await is_operator(bot, operators_chat_id, query.from_user):
        await query.answer(say.NOT_OPERATOR, show_alert=True)
        return
    try:
        await store.mark_callback_done(callback_data.case_id, query.from_user.id)
    except CaseNotFound:
        await query.answer(say.NO_CASE, show_alert=True)
        return
    await store.enqueue(callback_data.case_id, "card_update", {"quiet": True})
    name = html.escape(query.from_user.full_name[:128])
    await store.enqueue(
        callback_data.case_id, "topic_notice", {"text": say.CALLBACK_DONE.format(name=name)}
    )
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
