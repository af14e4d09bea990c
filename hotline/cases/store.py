"""The case store: sessions and transactions, reads, and the row helpers every change uses.

Changes are made by `hotline.cases.service.CaseService` (one method, one transaction,
its outbox events inside it); outbox delivery by `hotline.cases.outbox.OutboxQueue`.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hotline.cases.crypto import Pseudonyms, Sealer
from hotline.cases.events import OutboxEvent, lane_key
from hotline.cases.models import AuditEntry, Case, CaseMessage, OutboxItem
from hotline.cases.views import (
    CaseNotFound,
    CaseView,
    OutboxView,
    StatsRow,
    aware,
    split_excerpt,
    utcnow,
)

Clock = Callable[[], datetime]

__all__ = ["CaseNotFound", "CaseStore", "CaseView", "Clock", "OutboxView", "StatsRow", "utcnow"]


class CaseStore:
    """Reads of cases, and the transaction and row helpers of the service and the outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sealer: Sealer,
        clock: Clock = utcnow,
        engine: AsyncEngine | None = None,
        prepare: Callable[[], Awaitable[None]] | None = None,
        *,
        pseudonyms: Pseudonyms,
    ) -> None:
        self._raw_sessions = sessions
        self.sealer = sealer
        # Rows know a person by pseudonym only; `person_ref_enc` keeps the user key sealed.
        self.pseudonyms = pseudonyms
        self._clock = clock
        self._engine = engine
        # Run once before the first query (migrations), so a store can be built synchronously.
        self._prepare = prepare
        self._prepare_lock = asyncio.Lock()

    async def prepare(self) -> None:
        """Run the pending preparation now (migrations, key check); raises what it raises."""
        await self.sessions()

    async def sessions(self) -> async_sessionmaker[AsyncSession]:
        if self._prepare is not None:
            async with self._prepare_lock:
                if self._prepare is not None:
                    await self._prepare()
                    self._prepare = None
        return self._raw_sessions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        async with (await self.sessions()).begin() as session:
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with (await self.sessions())() as session:
            yield session

    def now(self) -> datetime:
        """The store's clock (a fake one in tests)."""
        return self._clock()

    @property
    def dialect(self) -> str:
        bind = self._raw_sessions.kw.get("bind")
        return bind.dialect.name if bind is not None else "sqlite"

    async def ping(self) -> None:
        """Raise unless the database answers (readiness)."""
        async with self.reading() as session:
            await session.execute(select(1))

    async def dispose(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            await self._engine.dispose()

    # -- reading -----------------------------------------------------------------------

    async def open_case_for(self, user_key: str) -> CaseView | None:
        async with self.reading() as session:
            case = await self.open_case_row(session, user_key)
            return self.view(case) if case else None

    async def get(self, case_id: int) -> CaseView:
        async with self.reading() as session:
            case = await session.get(Case, case_id)
            if case is None:
                raise CaseNotFound(case_id)
            return self.view(case)

    async def by_topic(self, topic_id: int) -> CaseView | None:
        async with self.reading() as session:
            # The newest, should an old case of another operators' chat share the id.
            case = await session.scalar(
                select(Case).where(Case.topic_id == topic_id).order_by(Case.id.desc()).limit(1)
            )
            return self.view(case) if case else None

    async def list_open(self) -> list[CaseView]:
        """Open and claimed cases: emergency before high before the rest, then longest waiting."""
        async with self.reading() as session:
            rows = await session.scalars(
                select(Case)
                .where(Case.status != "closed")
                .order_by(Case.priority.desc(), Case.created_at.asc(), Case.id.asc())
            )
            return [self.view(case) for case in rows]

    async def transcript(self, case_id: int) -> list[tuple[str, str]]:
        async with self.reading() as session:
            rows = await session.scalars(
                select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
            )
            return [(m.direction, self.sealer.open(m.body_enc) or "") for m in rows]

    async def audit_actions(self, case_id: int) -> list[tuple[str, str]]:
        async with self.reading() as session:
            rows = await session.scalars(
                select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
            )
            return [(a.actor, a.action) for a in rows]

    async def stats(self) -> list[StatsRow]:
        """Anonymous counts per day, channel, language, intent, level and main situation."""
        day = func.substr(func.cast(Case.created_at, String()), 1, 10)
        # JSON has no equality in PostgreSQL: group by its text, then by its first name.
        situations = func.cast(Case.situations, String())
        keys = (day, Case.channel, Case.language, Case.intent, Case.level, situations)
        async with self.reading() as session:
            rows = await session.execute(select(*keys, func.count(Case.id)).group_by(*keys))
            counts: Counter[tuple[str, str, str, str, str, str]] = Counter()
            for d, ch, lang, intent, level, names, n in rows:
                listed = json.loads(names) if names else []
                main = str(listed[0]) if listed else "-"
                counts[(str(d), ch, lang, intent or "-", level, main)] += int(n)
        return [
            StatsRow(d, ch, lang, intent, level, n, situation)
            for (d, ch, lang, intent, level, situation), n in sorted(counts.items())
        ]

    # -- row helpers, inside a caller's transaction ---------------------------------------

    async def open_case_row(self, session: AsyncSession, user_key: str) -> Case | None:
        result: Case | None = await session.scalar(
            select(Case).where(
                Case.user_key == self.pseudonyms.of(user_key), Case.status != "closed"
            )
        )
        return result

    def enqueue(
        self,
        session: AsyncSession,
        case: Case | None,
        event: OutboxEvent,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Queue a Telegram call in the caller's transaction: it commits with the change."""
        now = self._clock()
        case_id = case.id if case is not None else None
        session.add(
            OutboxItem(
                case_id=case_id,
                kind=event.value,
                lane=lane_key(case_id, event),
                priority=case.priority if case is not None else 0,
                payload_enc=self.sealer.seal(json.dumps(payload or {}, ensure_ascii=False)),
                status="pending",
                attempts=0,
                failures=0,
                progress=0,
                next_attempt_at=now,
                created_at=now,
            )
        )

    def audit(
        self,
        session: AsyncSession,
        case_id: int | None,
        actor: str,
        action: str,
        detail: str | None,
    ) -> None:
        session.add(
            AuditEntry(
                case_id=case_id, actor=actor, action=action, detail=detail, created_at=self._clock()
            )
        )

    def add_message(self, session: AsyncSession, case_id: int, direction: str, text: str) -> None:
        """A transcript line: only for cases, encrypted, purged after retention."""
        session.add(
            CaseMessage(
                case_id=case_id,
                direction=direction,
                body_enc=self.sealer.seal(text),
                created_at=self._clock(),
            )
        )

    def view(self, case: Case) -> CaseView:
        created = aware(case.created_at)
        assert created is not None and case.number is not None
        return CaseView(
            id=case.id,
            number=case.number,
            user_key=self.sealer.open(case.person_ref_enc) if case.user_key else None,
            channel=case.channel,
            language=case.language,
            level=case.level,  # type: ignore[arg-type]
            indicators=tuple(case.indicators),
            reason=case.reason,
            intent=case.intent,
            status=case.status,
            created_at=created,
            claimed_by_name=case.claimed_by_name,
            topic_id=case.topic_id,
            excerpt=tuple(split_excerpt(self.sealer.open(case.excerpt_enc))),
            recording_url=self.sealer.open(case.recording_url_enc),
            callback_number=self.sealer.open(case.callback_number_enc),
            callback_done=case.callback_done_at is not None,
            card_message_id=case.card_message_id,
            priority=case.priority,
            callback_preference=case.callback_preference,
            callback_when=self.sealer.open(case.callback_when_enc),
            taken=case.status == "claimed" or case.answered_at is not None,
            situations=tuple(case.situations or ()),
        )

    def outbox_view(self, item: OutboxItem) -> OutboxView:
        return OutboxView(
            id=item.id,
            case_id=item.case_id,
            kind=OutboxEvent(item.kind),
            payload=json.loads(self.sealer.open(item.payload_enc) or "{}"),
            attempts=item.attempts,
            next_attempt_at=aware(item.next_attempt_at),
            priority=item.priority,
            progress=item.progress,
            failures=item.failures,
            lane=item.lane,
        )
