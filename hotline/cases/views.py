"""Cases and outbox items as the service's callers see them: plain, frozen, decrypted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from hotline.cases.events import OutboxEvent
from nlu.catalogue import SITUATIONS, RiskLevel


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; everything we store is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class CaseNotFound(LookupError):
    pass


class Outcome(StrEnum):
    """What an operator's or a person's action on a case came to: typed, never a UI string."""

    DONE = "done"
    NO_CASE = "no_case"  # no open case (any more): nothing was relayed or changed
    CASE_CLOSED = "case_closed"  # the case is closed or erased; operators were told
    PHONE_CASE = "phone_case"  # a caller cannot be written to; operators were told
    EMPTY = "empty"  # a note without text; operators were told how to write one
    CALLBACK_UNSAFE = "callback_unsafe"  # the caller said not to call back; operators were told


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts on a case: `key` goes to the audit log ("operator:501"), `name` to the card."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as operators and adapters see it, personal fields decrypted."""

    id: int
    number: str
    user_key: str | None
    channel: str
    language: str
    level: RiskLevel
    indicators: tuple[str, ...]
    reason: str
    intent: str | None
    status: str
    created_at: datetime
    claimed_by_name: str | None
    topic_id: int | None
    excerpt: tuple[str, ...]
    recording_url: str | None
    callback_number: str | None
    callback_done: bool
    card_message_id: int | None = None
    priority: int = 0
    callback_preference: str | None = None  # a `CallbackPreference` value; None: not asked
    callback_when: str | None = None  # what the caller said about when to call
    taken: bool = False  # claimed by an operator, or an operator has written to the person
    situations: tuple[str, ...] = ()  # INTENTS.md's names, most serious first

    def waiting(self, now: datetime) -> timedelta:
        return now - self.created_at


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A case with its transcript (direction, text), oldest first: for an operator's view."""

    case: CaseView
    transcript: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class OutboxView:
    id: int
    case_id: int | None
    kind: OutboxEvent
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: datetime | None = None
    priority: int = 0  # the case's risk rank: emergencies are sent first
    progress: int = 0  # steps (chunks) already delivered
    failures: int = 0  # non-retryable failures so far
    lane: str = ""


@dataclass(frozen=True, slots=True)
class StatsRow:
    day: str
    channel: str
    language: str
    intent: str
    level: str
    cases: int
    situation: str = "-"  # the case's most serious situation; "-" when none was recognised


def join_excerpt(lines: Sequence[str]) -> str | None:
    """Excerpt lines as JSON: a message may itself contain line breaks."""
    return json.dumps(list(lines), ensure_ascii=False) if lines else None


def split_excerpt(text: str | None) -> list[str]:
    return [str(line) for line in json.loads(text)] if text else []


def merge_excerpt(old: Sequence[str], new: Sequence[str], keep: int = 10) -> list[str]:
    """Append the lines of `new` that `old` does not already end with.

    Each escalation carries the conversation's recent window, which overlaps what the
    case already has: ('hi', 'passport') then ('hi', 'passport', 'beaten') must give
    ('hi', 'passport', 'beaten'), not the window twice.
    """
    overlap = 0
    for size in range(min(len(old), len(new)), 0, -1):
        if list(old[-size:]) == list(new[:size]):
            overlap = size
            break
    return [*old, *new[overlap:]][-keep:]


def merge_situations(old: Sequence[str], new: Sequence[str], *, raised: bool) -> list[str]:
    """The case's situations after a new report, most serious first.

    A report that raises the level brings the more serious situations: they lead. At the
    same level or below, the situations seen first stay first and new ones follow (as
    `nlu.risk.accumulate_risk` orders a conversation's). Unknown names are dropped.
    """
    first, then = (new, old) if raised else (old, new)
    return [name for name in dict.fromkeys((*first, *then)) if name in SITUATIONS]
