"""Deliver the case outbox to Telegram: topics, cards, relayed messages; retried until done.

Every Telegram call about a case is first an item in the `outbox` table (written in the
same transaction as the case change), so nothing is lost when Telegram or this process
fails: the worker reads pending items from the database on every pass, also right after
a restart.

Order: items of one case go out in order, in two lanes: what goes to the operators'
topic (the topic must exist before a person's message is posted in it) and what goes to
the person's private chat. A lane waits while its first item waits for a retry.

Rate: Telegram lets a bot post about 20 messages a minute in one group. The worker keeps
under that budget itself, serves lanes round-robin (emergency cases first), and sends the
person's consecutive pending messages of a topic as one message. When Telegram still
answers 429, the whole group waits `retry_after`. See docs/operators.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, Literal

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import CreateForumTopic
from aiogram.types import InlineKeyboardMarkup

from bot.identity import chat_id_of
from bot.operators import cards
from bot.operators import notices as say
from bot.operators.hours import BISHKEK, OperatorHours, next_opening
from hotline.cases.store import CaseNotFound, CaseStore, CaseView, OutboxView
from hotline.content import ContentStore
from hotline.i18n import translate
from hotline.metrics import Metrics

log = logging.getLogger(__name__)

Lane = Literal["group", "person"]
PERSON_KINDS: Final = frozenset({"operator_to_person", "person_notice"})
TELEGRAM_MAX_CHARS: Final = 4096
MAX_BACKOFF_SECONDS: Final = 300.0
GROUP_MESSAGES_PER_MINUTE: Final = 20


def lane_of(kind: str) -> Lane:
    return "person" if kind in PERSON_KINDS else "group"


def backoff(attempts: int) -> float:
    """2, 4, 8 … seconds, at most five minutes: Telegram outages rarely last longer."""
    return float(min(MAX_BACKOFF_SECONDS, 2.0 * 2 ** min(attempts, 10)))


@dataclass
class GroupBudget:
    """Messages to the operators' group: a sliding one-minute window and Telegram's pauses."""

    per_minute: int = GROUP_MESSAGES_PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    _sent: deque[float] = field(default_factory=deque)
    _paused_until: float = 0.0

    def available(self) -> bool:
        now = self.clock()
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        return now >= self._paused_until and len(self._sent) < self.per_minute

    def spend(self) -> None:
        self._sent.append(self.clock())

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self.clock() + seconds)


class _Done(Exception):
    """Nothing (more) to send for this item: the case was erased or the step was done."""


class OutboxWorker:
    """Reads pending outbox items and makes their Telegram calls; one instance per process."""

    def __init__(
        self,
        bot: Bot,
        store: CaseStore,
        operators_chat_id: int,
        hours: OperatorHours,
        *,
        metrics: Metrics | None = None,
        budget: GroupBudget | None = None,
        poll_seconds: float = 1.0,
        content: ContentStore | None = None,
    ) -> None:
        # Numbers a notice names come from content/contacts.yml; checked here, at start.
        contacts = (content or _default_content()).contacts
        self.danger_numbers = say.danger_numbers(contacts)
        self.bot = bot
        self.store = store
        self.chat_id = operators_chat_id
        self.hours = hours
        self.metrics = metrics or Metrics()
        self.budget = budget or GroupBudget()
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="case-outbox")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        log.info("case outbox worker started")
        while True:
            try:
                handled = await self.run_once()
            except Exception:
                # The database may be down; the items are safe there, try again shortly.
                log.exception("case outbox pass failed")
                handled = 0
            if handled:
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def drain(self, max_passes: int = 100) -> None:
        """Run passes until nothing due is left (tests, and a clean shutdown)."""
        for _ in range(max_passes):
            if not await self.run_once():
                return

    async def run_once(self) -> int:
        """One round-robin pass: the first due item of every lane, most urgent case first."""
        queue = await self.store.outbox_queue()
        lanes: dict[tuple[int | None, Lane], list[OutboxView]] = {}
        for item in queue:
            lanes.setdefault((item.case_id, lane_of(item.kind)), []).append(item)
        now = self.store.now()
        ready = [
            (key, items)
            for key, items in lanes.items()
            if items[0].next_attempt_at is None or items[0].next_attempt_at <= now
        ]
        ready.sort(key=lambda entry: (-entry[1][0].priority, entry[1][0].id))
        handled = 0
        for (_, lane), items in ready:
            if lane == "group" and not self.budget.available():
                continue  # the person's chat has its own, far larger budget
            await self._process(lane, items)
            handled += 1
        return handled

    # -- one item ------------------------------------------------------------------------

    async def _process(self, lane: Lane, items: list[OutboxView]) -> None:
        item = items[0]
        try:
            sent = await self._deliver(item, items)
        except TelegramRetryAfter as exc:
            if lane == "group":
                self.budget.pause(exc.retry_after)
            await self._retry(item, float(exc.retry_after), "flood control")
        except (TelegramServerError, TelegramNetworkError) as exc:
            await self._retry(item, backoff(item.attempts), type(exc).__name__)
        except TelegramForbiddenError as exc:
            if lane == "person" or item.kind == "person_media":
                await self._undeliverable(item, say.BLOCKED, "forbidden")
            else:
                # The bot was removed from the operators' group: keep everything until it is back.
                log.error("operators' chat refuses the bot: %s", type(exc).__name__)
                await self._retry(item, MAX_BACKOFF_SECONDS, "operators chat forbidden")
        except (TelegramBadRequest, TelegramNotFound) as exc:
            await self._bad_request(lane, item, exc)
        except TelegramAPIError as exc:
            await self._retry(item, backoff(item.attempts), type(exc).__name__)
        except Exception:
            # A bug must not lose the item: keep it, retry later, and say so loudly.
            log.exception("outbox item %d (%s) failed", item.id, item.kind)
            await self._retry(item, backoff(item.attempts), "internal error")
        else:
            await self.store.outbox_sent_many(sent)
            self.metrics.inc("outbox_sent_total", kind=item.kind)

    async def _retry(self, item: OutboxView, delay: float, why: str) -> None:
        self.metrics.inc("outbox_retries_total", kind=item.kind)
        log.warning("outbox item %d (%s): %s, retry in %.0fs", item.id, item.kind, why, delay)
        await self.store.outbox_retry(item.id, delay, why)

    async def _undeliverable(self, item: OutboxView, notice: str, why: str) -> None:
        """Give the item up (no retry can fix it) and tell the operators in the topic."""
        self.metrics.inc("outbox_failed_total", kind=item.kind)
        log.warning("outbox item %d (%s) given up: %s", item.id, item.kind, why)
        await self.store.outbox_give_up(item.id, why)
        if item.case_id is not None and item.kind != "topic_notice":
            await self.store.enqueue(item.case_id, "topic_notice", {"text": notice})

    async def _bad_request(self, lane: Lane, item: OutboxView, exc: TelegramAPIError) -> None:
        message = exc.message.lower()
        if lane == "group" and item.case_id is not None and _topic_gone(message):
            # Someone deleted the topic by hand: open a new one, then send this item there.
            log.warning("topic of case id %d is gone; opening a new one", item.case_id)
            await self.store.reset_topic(item.case_id)
            await self._retry(item, 0.0, "topic gone")
            return
        if lane == "group" and isinstance(exc.method, CreateForumTopic):
            # Not a forum, or the bot may not manage topics: keep every case until it is fixed.
            log.error("cannot create topics in the operators' chat: %s", message[:120])
            await self._retry(item, MAX_BACKOFF_SECONDS, "cannot create topics")
            return
        notice = say.NOT_DELIVERED if lane == "person" else say.NOT_SHOWN
        await self._undeliverable(item, notice, f"bad request: {message[:120]}")

    # -- what each kind does ----------------------------------------------------------

    async def _deliver(self, item: OutboxView, lane_items: Sequence[OutboxView]) -> list[int]:
        """Make the item's calls; return the ids of the items now sent."""
        if item.case_id is None:
            return [item.id]  # nothing to deliver without a case
        try:
            case = await self.store.get(item.case_id)
        except CaseNotFound:
            return [item.id]
        handler = getattr(self, f"_kind_{item.kind}", None)
        if handler is None:
            log.error("unknown outbox kind %s: dropped", item.kind)
            return [item.id]
        try:
            result: list[int] | None = await handler(item, case, lane_items)
        except _Done:
            return [item.id]
        return result or [item.id]

    async def _kind_topic_create(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        if case.user_key is None and case.topic_id is None:
            raise _Done  # erased (/forget) before its topic existed: nothing to show
        await self._topic(case)
        if case.channel == "telegram" and case.status != "closed":
            opens = next_opening(self.hours, self.store.now())
            if opens is not None:
                when = opens.astimezone(BISHKEK).strftime("%d.%m %H:%M")
                params = {"when": when, **self.danger_numbers}
                await self.store.enqueue(
                    case.id, "person_notice", {"msgid": say.AFTER_HOURS, "params": params}
                )
                await self.store.enqueue(
                    case.id, "topic_notice", {"text": say.AFTER_HOURS_SENT.format(when=when)}
                )
                self.wake()

    async def _kind_card_update(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        if case.user_key is None:
            raise _Done
        done: list[str] = list(item.payload.get("done", []))
        topic = await self._topic(case)
        case = await self.store.get(case.id)
        if "card" not in done:
            await self._show_card(case, topic)
            await self._progress(item, done, "card")
        if item.payload.get("quiet"):
            return  # an operator's own action: the card changes, no notice needed
        raised = bool(item.payload.get("raised"))
        if raised and "name" not in done:
            await self._group_call(
                self.bot.edit_forum_topic(self.chat_id, topic, name=cards.topic_name(case)),
                not_modified_ok=True,
            )
            await self._progress(item, done, "name")
        if "notice" not in done:
            if raised:
                level = cards.LEVEL_NAMES.get(case.level, case.level)
                names = "; ".join(cards.indicator_names(case.indicators)) or "не названы"
                text = say.RAISED.format(level=html.escape(level), indicators=html.escape(names))
            elif item.payload.get("reason") == "voicemail" and case.recording_url:
                text = say.RECORDING.format(url=html.escape(case.recording_url, quote=True))
            else:
                text = say.UPDATED
            await self._post(topic, text)

    async def _kind_person_text(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> list[int]:
        topic = await self._topic(case)
        batch = [item]
        for following in lane_items[1:]:
            if following.kind != "person_text":
                break
            batch.append(following)
        texts = [str(b.payload.get("text", "")) for b in batch]
        # Keep the batch within one message; the rest goes in the next one.
        size = len(say.BATCH_HEADER)
        taken = 0
        for text in texts:
            size += len(text) + 4
            if taken and size > TELEGRAM_MAX_CHARS:
                break
            taken += 1
        batch, texts = batch[:taken], texts[:taken]
        if len(texts) == 1:
            for chunk in _chunks(texts[0], TELEGRAM_MAX_CHARS - 8):
                await self._post(topic, say.PERSON_PREFIX + html.escape(chunk))
        else:
            self.metrics.inc("outbox_batched_total", value=len(texts))
            lines = "\n".join(say.PERSON_PREFIX + html.escape(text) for text in texts)
            await self._post(topic, f"<i>{html.escape(say.BATCH_HEADER)}</i>\n{lines}")
        return [b.id for b in batch]

    async def _kind_person_media(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        topic = await self._topic(case)
        from_chat = int(item.payload["chat_id"])
        # The caption went to the core as text (and so to the topic): do not show it twice.
        caption = "" if item.payload.get("drop_caption") else None
        self.budget.spend()
        await self.bot.copy_message(
            self.chat_id,
            from_chat,
            int(item.payload["message_id"]),
            message_thread_id=topic,
            caption=caption,
        )

    async def _kind_topic_notice(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        topic = await self._topic(case)
        await self._post(topic, str(item.payload.get("text", "")))

    async def _kind_topic_close(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        done: list[str] = list(item.payload.get("done", []))
        if item.payload.get("notify_person", True) and "person" not in done:
            if case.user_key is not None and case.channel == "telegram":
                await self.store.enqueue(case.id, "person_notice", {"msgid": say.CLOSED})
            await self._progress(item, done, "person")
        if case.topic_id is None:
            raise _Done
        if "notice" not in done:
            await self._post(case.topic_id, "✅ Дело закрыто.")
            await self._progress(item, done, "notice")
        await self._group_call(
            self.bot.close_forum_topic(self.chat_id, case.topic_id), not_modified_ok=True
        )

    async def _kind_forgotten(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        if case.topic_id is None:
            raise _Done
        done: list[str] = list(item.payload.get("done", []))
        if "notice" not in done:
            await self._post(case.topic_id, say.FORGOTTEN)
            await self._progress(item, done, "notice")
        await self._group_call(
            self.bot.close_forum_topic(self.chat_id, case.topic_id), not_modified_ok=True
        )

    async def _kind_topic_delete(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        await self._group_call(
            self.bot.delete_forum_topic(self.chat_id, int(item.payload["topic_id"])),
            not_modified_ok=True,
        )

    async def _kind_operator_to_person(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        chat = self._person_chat(case)
        # copyMessage carries no author: the person never learns the operator's name.
        await self.bot.copy_message(chat, self.chat_id, int(item.payload["message_id"]))

    async def _kind_person_notice(
        self, item: OutboxView, case: CaseView, lane_items: Sequence[OutboxView]
    ) -> None:
        chat = self._person_chat(case)
        msgid = str(item.payload.get("msgid", ""))
        if msgid not in say.PERSON_MSGIDS:
            log.error("person notice with an unknown msgid: dropped")
            raise _Done
        params = {k: str(v) for k, v in dict(item.payload.get("params", {})).items()}
        text = html.escape(translate(_language(case.language), msgid, **params), quote=False)
        await self.bot.send_message(chat, text, parse_mode=ParseMode.HTML)

    # -- helpers -----------------------------------------------------------------------

    def _person_chat(self, case: CaseView) -> int:
        chat = chat_id_of(case.user_key) if case.user_key else None
        if chat is None:
            raise _Done  # erased, or a phone case: nobody to write to
        return chat

    async def _topic(self, case: CaseView) -> int:
        """The case's topic, created with its card if it does not exist yet."""
        if case.topic_id is None:
            created = await self._group_call(
                self.bot.create_forum_topic(
                    self.chat_id, cards.topic_name(case), icon_color=cards.topic_colour(case)
                )
            )
            assert created is not None
            await self.store.set_topic(case.id, created.message_thread_id)
            case = await self.store.get(case.id)
            log.info("topic opened for case %s", case.number)
        assert case.topic_id is not None
        if case.card_message_id is None:
            await self._show_card(case, case.topic_id)
        return case.topic_id

    async def _show_card(self, case: CaseView, topic: int) -> None:
        text = cards.card_html(case, self.store.now())
        markup = cards.card_keyboard(case)
        if case.card_message_id is not None:
            try:
                self.budget.spend()
                await self.bot.edit_message_text(
                    text,
                    chat_id=self.chat_id,
                    message_id=case.card_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    disable_web_page_preview=True,
                )
                return
            except TelegramBadRequest as exc:
                if "not modified" in exc.message.lower():
                    return
                if "not found" not in exc.message.lower():
                    raise
                # The card was deleted by hand: post a new one.
        message_id = await self._post(topic, text, markup)
        await self.store.set_card_message(case.id, message_id)

    async def _post(self, topic: int, text: str, markup: InlineKeyboardMarkup | None = None) -> int:
        self.budget.spend()
        sent = await self.bot.send_message(
            self.chat_id,
            text,
            message_thread_id=topic,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            disable_web_page_preview=True,
        )
        return sent.message_id

    async def _group_call(self, call: Any, *, not_modified_ok: bool = False) -> Any:
        self.budget.spend()
        try:
            return await call
        except TelegramBadRequest as exc:
            text = exc.message.lower()
            if not_modified_ok and ("not_modified" in text or "not modified" in text):
                return None
            raise

    async def _progress(self, item: OutboxView, done: list[str], step: str) -> None:
        done.append(step)
        await self.store.outbox_progress(item.id, {**item.payload, "done": done})


def _topic_gone(message: str) -> bool:
    return any(
        marker in message
        for marker in ("thread not found", "topic_deleted", "topic_id_invalid", "topic not found")
    )


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _language(code: str) -> Literal["ky", "ru"]:
    return "ru" if code == "ru" else "ky"


@lru_cache(maxsize=1)
def _default_content() -> ContentStore:
    """The configured content, for a worker built without one (tests, tools)."""
    from hotline.settings import get_settings

    return ContentStore.load(get_settings().content_dir)
