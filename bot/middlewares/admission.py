"""Admit each update once, and at most `limit` per person per window.

Deduplication: the same update_id is processed once, even when Telegram redelivers it
or two workers receive it (Redis SET NX is atomic, so exactly one of them wins).

Throttling: a flood gets one polite note instead of many answers. The limit is far above
human typing speed (12 in 10 seconds), so a person describing an emergency in many short
messages is never throttled; it stops scripts, stuck clients and hammered buttons.

Throttling never drops what a person wrote. Beyond the limit:

- with an open case, nothing changes: every message is relayed to the operator (text by
  the core, media by `bot.operators.pm_talk`) and no note is sent;
- otherwise the person gets one note per window, and each update is still handled in
  order, *quietly*: the core reads it (risk, escalation, state) but the assistant's
  answer is withheld (`quiet_reply`), unless it is about safety (emergency numbers, an
  escalation), which always goes out.

Both checks share one Redis round trip: they run on every update, and round trips are
what bounds the bot's throughput.
"""

from __future__ import annotations

import html
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final, Protocol

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ChatType
from aiogram.types import Chat, Message, TelegramObject, Update, User
from redis.asyncio import Redis

from bot.identity import language_hint, user_key
from bot.message_log import MessageLog
from hotline.cases.crypto import Pseudonyms
from hotline.i18n import translate
from hotline.metrics import Metrics
from hotline.policy import DialoguePolicy
from hotline.redis_batch import batcher_for
from hotline.ui_strings import TOO_MANY_MESSAGES

log = logging.getLogger(__name__)

CLAIM_TTL_SECONDS: Final = 24 * 3600  # Telegram stops redelivering an update after a day


@dataclass(frozen=True, slots=True)
class Throttled:
    """The update being handled is over the person's limit: answer it quietly."""

    toast: str | None = None  # the polite note, for the button press that answers it


# Set by AdmitUpdates around the handler of an over-limit update (handlers run in its task).
THROTTLED: ContextVar[Throttled | None] = ContextVar("hotline_throttled", default=None)


def throttled() -> Throttled | None:
    """Whether the update being handled is over its sender's limit (see the module doc)."""
    return THROTTLED.get()


class UpdateGate(Protocol):
    async def admit(
        self, bot_id: int, update_id: int, person: str | None, window_seconds: int
    ) -> tuple[bool, int]:
        """Return (first time this update is seen, the person's events in this window)."""
        ...


# One script, so both checks cost a single command (a pipeline costs the client three).
# KEYS: update claim, throttle counter ("" for none). ARGV: claim TTL, window seconds.
ADMIT_SCRIPT: Final = """
local first = redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1])
local count = 0
if KEYS[2] ~= '' then
  count = redis.call('INCR', KEYS[2])
  if redis.call('TTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
end
return {first and 1 or 0, count}
"""


class RedisUpdateGate:
    def __init__(self, redis: Redis, pseudonyms: Pseudonyms) -> None:
        self._redis = batcher_for(redis)  # pipelined with the other updates' commands
        self._pseudonyms = pseudonyms  # the throttle key names a pseudonym, not an id

    async def admit(
        self, bot_id: int, update_id: int, person: str | None, window_seconds: int
    ) -> tuple[bool, int]:
        claim = f"hotline:tg-update:{bot_id}:{update_id}"
        counter = f"hotline:throttle:{self._pseudonyms.of(person)}" if person is not None else ""
        first, count = await self._redis.script(
            ADMIT_SCRIPT, [claim, counter], [CLAIM_TTL_SECONDS, window_seconds]
        )
        return bool(first), int(count)


class MemoryUpdateGate:
    """One process only: recent update ids (bounded) and per-person windows."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._seen: OrderedDict[tuple[int, int], float] = OrderedDict()
        self._windows: dict[str, tuple[float, int]] = {}
        self._capacity = capacity

    async def admit(
        self, bot_id: int, update_id: int, person: str | None, window_seconds: int
    ) -> tuple[bool, int]:
        now = time.monotonic()
        while self._seen and (
            len(self._seen) >= self._capacity
            or next(iter(self._seen.values())) < now - CLAIM_TTL_SECONDS
        ):
            self._seen.popitem(last=False)
        first = (bot_id, update_id) not in self._seen
        self._seen.setdefault((bot_id, update_id), now)
        if person is None:
            return first, 0
        if len(self._windows) > self._capacity:  # drop finished windows: bounded memory
            self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
        ends, count = self._windows.get(person, (now + window_seconds, 0))
        if ends <= now:
            ends, count = now + window_seconds, 0
        self._windows[person] = (ends, count + 1)
        return first, count + 1


class FallbackUpdateGate:
    """Redis, or this process's memory while Redis fails (within its 200 ms limit).

    During an outage a redelivered update may be handled by two processes; that is the
    price of answering at all. With one web process nothing changes.
    """

    def __init__(self, primary: UpdateGate, memory: MemoryUpdateGate | None = None) -> None:
        self.primary = primary
        self.memory = memory or MemoryUpdateGate()

    async def admit(
        self, bot_id: int, update_id: int, person: str | None, window_seconds: int
    ) -> tuple[bool, int]:
        try:
            return await self.primary.admit(bot_id, update_id, person, window_seconds)
        except (ConnectionError, OSError, TimeoutError) as exc:
            log.warning("update gate: Redis unavailable (%s), memory", type(exc).__name__)
            return await self.memory.admit(bot_id, update_id, person, window_seconds)


class AdmitUpdates(BaseMiddleware):
    """Outer middleware on updates: drop duplicates, throttle floods from one person."""

    def __init__(
        self, gate: UpdateGate, metrics: Metrics, limit: int = 12, window_seconds: int = 10
    ) -> None:
        self.gate = gate
        self.metrics = metrics
        self.limit = limit
        self.window = window_seconds

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        bot: Bot = data["bot"]
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        # Operators in their chat and membership changes are never throttled.
        throttled_kind = event.message or event.edited_message or event.callback_query
        private = chat is not None and chat.type == ChatType.PRIVATE
        person = user_key(user) if user and private and throttled_kind else None
        self.metrics.inc("telegram_updates_total")
        first, count = await self.gate.admit(bot.id, event.update_id, person, self.window)
        if not first:
            self.metrics.inc("telegram_duplicate_updates_total")
            return None
        if person is None or count <= self.limit:
            return await handler(event, data)
        policy: DialoguePolicy = data["policy"]
        if await policy.open_case(person) is not None:
            # Everything goes to the operator, whatever the pace: never held back.
            self.metrics.inc("telegram_over_limit_in_case_total")
            return await handler(event, data)
        self.metrics.inc("telegram_throttled_total")
        talk = data.get("talk")
        chat_log = talk.log if talk is not None else None
        first_over = count == self.limit + 1
        toast = await self._note(event, user, policy, bot, chat_log, first_over=first_over)
        token = THROTTLED.set(Throttled(toast))
        try:
            result = await handler(event, data)  # read by the core, answered quietly
        finally:
            THROTTLED.reset(token)
        if result is UNHANDLED and event.callback_query is not None:
            await event.callback_query.answer(toast)  # or the button keeps spinning
        return result

    async def _note(
        self,
        update: Update,
        user: User | None,
        policy: DialoguePolicy,
        bot: Bot,
        chat_log: MessageLog | None,
        *,
        first_over: bool,
    ) -> str | None:
        """Send the polite note for a message; return it for a button press to show."""
        if not first_over or user is None:  # one note per window, not one per message
            return None
        language = await policy.language_of(user_key(user), language_hint(user))
        note = translate(language, TOO_MANY_MESSAGES)
        message: Message | None = update.message or update.edited_message
        if update.callback_query is not None:
            return note  # the handler answers the press with it (one answer per press)
        if message is not None:
            sent = await message.answer(html.escape(note))
            if chat_log is not None:  # for /forget, like every message in the chat
                await chat_log.remember(bot.id, sent.chat.id, [sent.message_id])
        return None
