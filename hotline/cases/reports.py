"""Anonymous numbers about cases, and the audit trail, for supervisors and partners.

Nothing here is personal: counts, durations, and who (an operator's account or Telegram
id) did what to which case number. `hotline cases stats --csv` and the console's export
write the same CSV (`stats_csv`).
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, NamedTuple

from sqlalchemy import func, select

from hotline.cases.models import AuditEntry, Case, CaseMessage
from hotline.cases.store import CaseStore
from hotline.cases.views import StatsRow, aware

# `situation` is the case's most serious one ("-": none recognised), so that each case is
# counted once and the rows still add up to the number of cases.
STATS_FIELDS: Final = ("day", "channel", "language", "intent", "level", "situation", "cases")
# What counts as an operator's first answer: a message to the person, or a call back.
FIRST_ANSWER_ACTIONS: Final = ("replied", "callback_done")


def stats_csv(rows: Sequence[StatsRow]) -> str:
    """The anonymous counts as CSV, header first (`hotline cases stats --csv`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STATS_FIELDS)
    for row in rows:
        writer.writerow([getattr(row, field) for field in STATS_FIELDS])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class AnswerTimes:
    """Minutes from a case's opening to an operator's first answer."""

    answered: int
    median_minutes: float | None
    p90_minutes: float | None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (`share` in 0..1); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * share))
    return ordered[rank - 1]


async def answer_times(store: CaseStore, since: datetime | None = None) -> AnswerTimes:
    first = (
        select(AuditEntry.case_id, func.min(AuditEntry.created_at).label("at"))
        .where(AuditEntry.action.in_(FIRST_ANSWER_ACTIONS), AuditEntry.case_id.is_not(None))
        .group_by(AuditEntry.case_id)
        .subquery()
    )
    query = select(Case.created_at, first.c.at).join(first, first.c.case_id == Case.id)
    if since is not None:
        query = query.where(Case.created_at >= since)
    async with store.reading() as session:
        rows = (await session.execute(query)).all()
    minutes = []
    for opened, answered in rows:
        start, end = aware(opened), aware(answered)
        if start is not None and end is not None:
            minutes.append(max(0.0, (end - start).total_seconds() / 60))
    return AnswerTimes(
        answered=len(minutes),
        median_minutes=statistics.median(minutes) if minutes else None,
        p90_minutes=percentile(minutes, 0.9),
    )


@dataclass(frozen=True, slots=True)
class AuditLine:
    id: int
    at: datetime
    actor: str
    action: str
    case_number: str | None
    detail: str | None


async def audit_lines(
    store: CaseStore, *, limit: int = 100, before: int | None = None, actor: str | None = None
) -> list[AuditLine]:
    """The audit trail, newest first; `before` pages back by entry id."""
    query = (
        select(AuditEntry, Case.number)
        .outerjoin(Case, Case.id == AuditEntry.case_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(AuditEntry.id < before)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    async with store.reading() as session:
        rows = (await session.execute(query)).all()
    lines = []
    for entry, number in rows:
        at = aware(entry.created_at)
        assert at is not None
        lines.append(AuditLine(entry.id, at, entry.actor, entry.action, number, entry.detail))
    return lines


@dataclass(frozen=True, slots=True)
class QueueState:
    """What the open queue looks like, compared between polls to tell watchers of changes."""

    cases: tuple[QueuedCase, ...]

    def at_least(self, rank: int) -> dict[int, str]:
        """Case id -> number of the cases at `rank` or above."""
        return {case.id: case.number for case in self.cases if case.priority >= rank}

    def lines(self) -> dict[int, int]:
        return {case.id: case.lines for case in self.cases}

    def without_lines(self) -> tuple[tuple[object, ...], ...]:
        return tuple(case[:-1] for case in self.cases)


class QueuedCase(NamedTuple):
    id: int
    number: str
    priority: int
    status: str
    claimed_by: str | None
    callback_done: bool
    lines: int  # transcript lines so far


async def queue_state(store: CaseStore) -> QueueState:
    """One cheap query, nothing decrypted: the open cases and their transcript lengths."""
    lines = (
        select(CaseMessage.case_id, func.count(CaseMessage.id).label("n"))
        .group_by(CaseMessage.case_id)
        .subquery()
    )
    query = (
        select(
            Case.id,
            Case.number,
            Case.priority,
            Case.status,
            Case.claimed_by_name,
            Case.callback_done_at,
            func.coalesce(lines.c.n, 0),
        )
        .outerjoin(lines, lines.c.case_id == Case.id)
        .where(Case.status != "closed")
        .order_by(Case.id)
    )
    async with store.reading() as session:
        rows = (await session.execute(query)).all()
    return QueueState(
        tuple(
            QueuedCase(cid, number or "", prio, status, by, done is not None, int(n))
            for cid, number, prio, status, by, done, n in rows
        )
    )
