"""One handler per outbox event kind: the Telegram calls that deliver it.

A handler gets the item and its case, makes its calls, records each finished step of a
several-step item (`progress`), and returns what was delivered: the items now sent and
the message id Telegram gave the last message, recorded in the same step.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, assert_never

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest

from bot.identity import chat_id_of
from bot.message_log import MessageLog
from bot.operators import cards
from bot.operators import notices as say
from bot.outbox.failures import TOPIC_GONE_MARKERS
from bot.outbox.topics import TopicDesk
from hotline.cases.events import OperatorNotice, OutboxEvent, PersonNotice
from hotline.cases.outbox import OutboxQueue
from hotline.cases.views import CaseView, OutboxView
from hotline.i18n import translate
from hotline.metrics import Metrics

log = logging.getLogger(__name__)

TELEGRAM_MAX_CHARS: Final = 4096
CHUNK_CHARS: Final = TELEGRAM_MAX_CHARS - 8


@dataclass(frozen=True, slots=True)
class Delivered:
    item_ids: tuple[int, ...]
    message_id: int | None = None


@dataclass
class Delivery:
    """What every handler needs; one per worker."""

    bot: Bot
    chat_id: int  # the operators' group
    queue: OutboxQueue
    topics: TopicDesk
    danger_numbers: dict[str, str]
    metrics: Metrics = field(default_factory=Metrics)
    # Where what is sent into a person's chat is logged, for /forget: the dispatcher's log
    # (the same Redis keys, or the same instance in one process; see `app.telegram`).
    message_log: MessageLog | None = None


Handler = Callable[[Delivery, OutboxView, CaseView], Awaitable[Delivered]]


def handler_for(event: OutboxEvent) -> Handler:
    match event:
        case OutboxEvent.TOPIC_CREATE:
            return topic_create
        case OutboxEvent.CARD_UPDATE:
            return card_update
        case OutboxEvent.PERSON_TEXT:
            return person_text
        case OutboxEvent.PERSON_MEDIA:
            return person_media
        case OutboxEvent.TOPIC_NOTICE:
            return topic_notice
        case OutboxEvent.TOPIC_CLOSE:
            return topic_close
        case OutboxEvent.FORGOTTEN:
            return forgotten
        case OutboxEvent.TOPIC_DELETE:
            return topic_delete
        case OutboxEvent.OPERATOR_TO_PERSON:
            return operator_to_person
        case OutboxEvent.PERSON_NOTICE:
            return person_notice
        case _:
            assert_never(event)


def done(item: OutboxView, message_id: int | None = None) -> Delivered:
    return Delivered((item.id,), message_id)


async def topic_create(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    if case.user_key is None and case.topic_id is None:
        return done(item)  # erased (/forget) before its topic existed: nothing to show
    _, card = await d.topics.ensure(case, item.id)
    return done(item, card)


async def card_update(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    """Steps: 1 the card, 2 the topic's name (when raised), 3 the notice (unless quiet)."""
    if case.user_key is None:
        return done(item)
    topic, _ = await d.topics.ensure(case, item.id)
    case = await d.queue.store.get(case.id)
    step = item.progress
    if step < 1:
        await d.topics.show_card(case, topic)
        step = await _step(d, item, 1)
    if item.payload.get("quiet"):
        return done(item)
    raised = bool(item.payload.get("raised"))
    if step < 2 and raised:
        name = cards.topic_name(case)
        await d.topics.call(
            d.bot.edit_forum_topic(d.chat_id, topic, name=name), not_modified_ok=True
        )
        step = await _step(d, item, 2)
    if raised:
        level = cards.LEVEL_NAMES.get(case.level, case.level)
        names = "; ".join(cards.indicator_names(case.indicators)) or "не названы"
        situations = "; ".join(cards.situation_names(case.situations)) or "не названа"
        text = say.RAISED.format(
            level=html.escape(level),
            situations=html.escape(situations),
            indicators=html.escape(names),
        )
    elif item.payload.get("reason") == "voicemail" and case.recording_url:
        text = say.RECORDING.format(url=html.escape(case.recording_url, quote=True))
    else:
        text = say.UPDATED
    return done(item, await d.topics.post(topic, text))


async def person_text(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    """The person's messages: the ones waiting together as one message; a long one in
    chunks, resumed from the chunk that failed."""
    topic, _ = await d.topics.ensure(case, item.id)
    batch = _batch(item, await d.queue.following(item))
    if len(batch) == 1:
        chunks = _chunks(str(item.payload.get("text", "")), CHUNK_CHARS)
        message_id = None
        for index in range(item.progress, len(chunks)):
            message_id = await d.topics.post(topic, say.PERSON_PREFIX + html.escape(chunks[index]))
            if index + 1 < len(chunks):
                await d.queue.progress(item.id, index + 1)
        return done(item, message_id)
    d.metrics.inc("outbox_batched_total", value=len(batch))
    lines = "\n".join(
        say.PERSON_PREFIX + html.escape(str(b.payload.get("text", ""))) for b in batch
    )
    message_id = await d.topics.post(topic, f"<i>{html.escape(say.BATCH_HEADER)}</i>\n{lines}")
    return Delivered(tuple(b.id for b in batch), message_id)


def _batch(item: OutboxView, following: Sequence[OutboxView]) -> list[OutboxView]:
    """The item and the person's texts right after it, as many as fit in one message."""
    if item.progress:
        return [item]  # a long text under way is finished on its own
    batch = [item]
    size = len(say.BATCH_HEADER) + len(str(item.payload.get("text", ""))) + 4
    for later in following:
        if later.kind != OutboxEvent.PERSON_TEXT or later.progress:
            break
        size += len(str(later.payload.get("text", ""))) + 4
        if size > TELEGRAM_MAX_CHARS:
            break
        batch.append(later)
    return batch


async def person_media(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    topic, _ = await d.topics.ensure(case, item.id)
    # The caption went to the core as text (and so to the topic): do not show it twice.
    caption = "" if item.payload.get("drop_caption") else None
    await d.topics.spend()
    copied = await d.bot.copy_message(
        d.chat_id,
        int(item.payload["chat_id"]),
        int(item.payload["message_id"]),
        message_thread_id=topic,
        caption=caption,
    )
    return done(item, copied.message_id)


async def topic_notice(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    if case.erased and case.topic_id is None:
        return done(item)  # its topic was deleted (/forget, the purge): never a new one
    topic, _ = await d.topics.ensure(case, item.id)
    if "notice" in item.payload:
        kind = OperatorNotice(str(item.payload["notice"]))
        text = say.operator_text(kind, dict(item.payload.get("params", {})))
    else:
        text = str(item.payload.get("text", ""))  # items queued before notices were typed
    return done(item, await d.topics.post(topic, text))


async def topic_close(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    """Closed: steps 1 the notice, 2 close the topic."""
    if case.topic_id is None:
        return done(item)
    if item.progress < 1:
        await d.topics.post(case.topic_id, say.CLOSED_IN_TOPIC)
        await _step(d, item, 1)
    close = d.bot.close_forum_topic(d.chat_id, case.topic_id)
    await d.topics.call(close, not_modified_ok=True)
    return done(item)


async def forgotten(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    """/forget: steps 1 delete the topic (card, relayed and operators' messages alike),
    2 tell the operators in the group's main thread exactly what was erased."""
    failure = None
    if item.progress < 1:
        # The payload's topic; else one a worker opened while the case was being erased.
        topic = item.payload.get("topic_id") or case.topic_id
        if topic:
            failure = await _delete_topic(d, int(topic))
            if case.topic_id is not None:
                await d.queue.reset_topic(case.id)
        await _step(d, item, 1)
    text = say.forgotten(case.number, item.payload, failure)
    return done(item, await d.topics.post(None, text))


async def topic_delete(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    await _delete_topic(d, int(item.payload["topic_id"]))
    return done(item)


async def _delete_topic(d: Delivery, topic: int) -> str | None:
    """Delete a topic; None when it is gone (already, too), else why Telegram refused.

    Flood waits and network errors are raised: the item is retried.
    """
    try:
        await d.topics.call(d.bot.delete_forum_topic(d.chat_id, topic), not_modified_ok=True)
    except TelegramBadRequest as exc:
        message = exc.message.lower()
        if any(marker in message for marker in TOPIC_GONE_MARKERS):
            return None
        log.warning("topic not deleted: %s", message[:80])
        return message[:80]
    return None


async def operator_to_person(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    """An operator's message to the person; a console reply is shown in the topic too."""
    chat = _person_chat(case)
    if chat is None:
        return done(item)
    if "message_id" in item.payload:
        # copyMessage carries no author: the person never learns the operator's name.
        copied = await d.bot.copy_message(chat, d.chat_id, int(item.payload["message_id"]))
        await _logged(d, chat, copied.message_id)
        return done(item, copied.message_id)
    text = str(item.payload.get("text", ""))
    message_id = item.payload.get("sent_id")
    if item.progress < 1:
        sent = await d.bot.send_message(chat, html.escape(text), parse_mode=ParseMode.HTML)
        message_id = sent.message_id
        await _logged(d, chat, sent.message_id)
        await _step(d, item, 1)
    if case.topic_id is not None:
        by = str(item.payload.get("by", ""))
        await d.topics.post(case.topic_id, say.operator_console_reply(by, text))
    return done(item, int(message_id) if message_id else None)


async def person_notice(d: Delivery, item: OutboxView, case: CaseView) -> Delivered:
    chat = _person_chat(case)
    if chat is None:
        return done(item)
    if "notice" in item.payload:
        msgid = say.PERSON_TEXTS[PersonNotice(str(item.payload["notice"]))]
    else:
        msgid = str(item.payload.get("msgid", ""))  # items queued before notices were typed
    if msgid not in say.PERSON_MSGIDS:
        log.error("person notice with an unknown msgid: dropped")
        return done(item)
    params = {k: str(v) for k, v in dict(item.payload.get("params", {})).items()}
    if msgid == say.AFTER_HOURS:
        params = {**d.danger_numbers, **params}
    text = html.escape(translate(_language(case.language), msgid, **params), quote=False)
    sent = await d.bot.send_message(chat, text, parse_mode=ParseMode.HTML)
    await _logged(d, chat, sent.message_id)
    return done(item, sent.message_id)


async def _step(d: Delivery, item: OutboxView, step: int) -> int:
    await d.queue.progress(item.id, step)
    return step


async def _logged(d: Delivery, chat: int, message_id: int) -> None:
    """Log a message sent into the person's chat, for /forget. A failure here must not
    fail the item: its retry would send the message twice."""
    if d.message_log is None:
        return
    try:
        await d.message_log.remember(d.bot.id, chat, [message_id])
    except Exception as exc:  # noqa: BLE001 - the message is out; only /forget misses it
        log.warning("sent message not logged for /forget: %s", type(exc).__name__)


def _person_chat(case: CaseView) -> int | None:
    """The person's private chat; None once erased, or for a phone case."""
    return chat_id_of(case.user_key) if case.user_key else None


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _language(code: str) -> Literal["ky", "ru"]:
    return "ru" if code == "ru" else "ky"
