"""What a failed Bot API call means for an outbox item: wait, retry, reopen, or give up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

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

from hotline.cases.events import Lane, OperatorNotice, OutboxEvent

MAX_BACKOFF_SECONDS: Final = 300.0
TOPIC_GONE_MARKERS: Final = (
    "thread not found",
    "topic_deleted",
    "topic_id_invalid",
    "topic not found",
)


def backoff(attempts: int) -> float:
    """2, 4, 8 … seconds, at most five minutes: Telegram outages rarely last longer."""
    return float(min(MAX_BACKOFF_SECONDS, 2.0 * 2 ** min(attempts, 10)))


@dataclass(frozen=True, slots=True)
class FloodWait:
    """429: wait as long as Telegram says; in the group, every worker waits."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Transient:
    """A server or network error: retry with backoff, as long as it takes."""

    why: str
    delay: float | None = None  # None: the usual backoff


@dataclass(frozen=True, slots=True)
class TopicGone:
    """The case's topic was deleted by hand: open a new one and send there."""


@dataclass(frozen=True, slots=True)
class Refused:
    """No retry is likely to fix it: a few tries, then a dead letter and a notice."""

    why: str
    notice: OperatorNotice
    at_once: bool = False  # the person blocked the bot: trying again is pointless


Verdict = FloodWait | Transient | TopicGone | Refused


def judge(exc: Exception, lane: Lane, kind: OutboxEvent) -> Verdict:
    """The verdict on one failed call of an item of `kind` in `lane`."""
    match exc:
        case TelegramRetryAfter():
            return FloodWait(float(exc.retry_after))
        case TelegramServerError() | TelegramNetworkError():
            return Transient(type(exc).__name__)
        case TelegramForbiddenError():
            if lane == Lane.PERSON or kind == OutboxEvent.PERSON_MEDIA:
                return Refused("forbidden", OperatorNotice.BLOCKED, at_once=True)
            # The bot was removed from the operators' group: keep everything until it is back.
            return Transient("operators chat forbidden", MAX_BACKOFF_SECONDS)
        case TelegramBadRequest() | TelegramNotFound():
            message = exc.message.lower()
            if lane == Lane.GROUP and any(marker in message for marker in TOPIC_GONE_MARKERS):
                return TopicGone()
            if lane == Lane.GROUP and isinstance(exc.method, CreateForumTopic):
                # Not a forum, or no right to manage topics: keep every case until fixed.
                return Transient("cannot create topics", MAX_BACKOFF_SECONDS)
            notice = (
                OperatorNotice.NOT_DELIVERED if lane == Lane.PERSON else OperatorNotice.NOT_SHOWN
            )
            return Refused(f"bad request: {message[:120]}", notice)
        case TelegramAPIError():
            return Transient(type(exc).__name__)
        case _:
            # A bug must not block the lane for ever: a few tries, then a dead letter.
            return Refused(f"internal error: {type(exc).__name__}", OperatorNotice.DEAD_LETTER)
