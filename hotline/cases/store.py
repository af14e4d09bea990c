"""The case store: open or raise cases, transcripts, operator actions, audit, purge, outbox."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hotline.cases.crypto import Sealer
from hotline.cases.models import AuditEntry, Case, CaseMessage, OutboxItem
from hotline.escalation import CaseRef, EscalationRequest
from nlu.catalogue import RiskLevel, risk_rank

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; everything we store is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class CaseNotFound(LookupError):
    pass


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

    def waiting(self, now: datetime) -> timedelta:
        return now - self.created_at


@dataclass(frozen=True, slots=True)
class OutboxView:
    id: int
    case_id: int | None
    kind: str
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: datetime | None = None
    priority: int = 0  # the case's risk rank: emergencies are sent first


@dataclass(frozen=True, slots=True)
class StatsRow:
    day: str
    channel: str
    language: str
    intent: str
    level: str
    cases: int


class CaseStore:
    """All reads and writes of cases; every operator action leaves an audit entry."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sealer: Sealer,
        clock: Clock = utcnow,
        engine: AsyncEngine | None = None,
        prepare: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._raw_sessions = sessions
        self._sealer = sealer
        self._clock = clock
        self._engine = engine
        # Run once before the first query (migrations), so a store can be built synchronously.
        self._prepare = prepare
        self._prepare_lock = asyncio.Lock()

    async def _ready(self) -> async_sessionmaker[AsyncSession]:
        if self._prepare is not None:
            async with self._prepare_lock:
                if self._prepare is not None:
                    await self._prepare()
                    self._prepare = None
        return self._raw_sessions

    def now(self) -> datetime:
        """The store's clock (a fake one in tests)."""
        return self._clock()

    async def ping(self) -> None:
        """Raise unless the database answers (readiness)."""
        async with (await self._ready())() as session:
            await session.execute(select(1))

    async def dispose(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            await self._engine.dispose()

    # -- escalation --------------------------------------------------------------------

    async def escalate(self, request: EscalationRequest) -> CaseRef:
        """Open a case, or raise the priority of the person's open case (never a second one)."""
        for _ in range(3):
            try:
                return await self._escalate_once(request)
            except IntegrityError:
                continue  # another worker opened the case meanwhile: raise that one instead
        raise RuntimeError("could not open or update the case")

    async def _escalate_once(self, request: EscalationRequest) -> CaseRef:
        now = self._clock()
        async with (await self._ready()).begin() as session:
            case = await self._open_case_row(session, request.user_key)
            if case is None:
                case = Case(
                    user_key=request.user_key,
                    channel=request.channel,
                    language=request.language,
                    level=request.level,
                    priority=risk_rank(request.level),
                    indicators=sorted(set(request.indicators)),
                    reason=request.reason,
                    intent=request.intent,
                    status="open",
                    created_at=now,
                    updated_at=now,
                    excerpt_enc=self._sealer.seal_optional(_join(request.excerpt)),
                    recording_url_enc=self._sealer.seal_optional(request.recording_url),
                    callback_number_enc=self._sealer.seal_optional(request.callback_number),
                )
                session.add(case)
                await session.flush()
                case.number = f"{case.id:06d}"
                self._audit(session, case.id, "system", "opened", f"{request.reason}:{case.level}")
                self._enqueue(session, case.id, "topic_create", {}, now)
                return CaseRef(number=case.number, level=case.level, is_new=True)  # type: ignore[arg-type]

            raised = risk_rank(request.level) > case.priority
            new_indicators = sorted(set(case.indicators) | set(request.indicators))
            changed = raised or new_indicators != sorted(case.indicators)
            if raised:
                case.level = request.level
                case.priority = risk_rank(request.level)
            case.indicators = new_indicators
            case.updated_at = now
            if request.recording_url:
                case.recording_url_enc = self._sealer.seal(request.recording_url)
            if request.callback_number:
                case.callback_number_enc = self._sealer.seal(request.callback_number)
                case.callback_done_at = None
            if request.excerpt:
                excerpt = [*_split(self._sealer.open(case.excerpt_enc)), *request.excerpt]
                case.excerpt_enc = self._sealer.seal_optional(_join(excerpt[-10:]))
            if changed or request.recording_url or request.callback_number:
                self._audit(session, case.id, "system", "raised" if raised else "updated", None)
                self._enqueue(
                    session,
                    case.id,
                    "card_update",
                    {"raised": raised, "reason": request.reason},
                    now,
                )
            assert case.number is not None
            return CaseRef(number=case.number, level=case.level, is_new=False)  # type: ignore[arg-type]

    # -- reading -----------------------------------------------------------------------

    async def open_case_for(self, user_key: str) -> CaseView | None:
        async with (await self._ready())() as session:
            case = await self._open_case_row(session, user_key)
            return self._view(case) if case else None

    async def get(self, case_id: int) -> CaseView:
        async with (await self._ready())() as session:
            case = await session.get(Case, case_id)
            if case is None:
                raise CaseNotFound(case_id)
            return self._view(case)

    async def by_topic(self, topic_id: int) -> CaseView | None:
        async with (await self._ready())() as session:
            # The newest, should an old case of another operators' chat share the id.
            case = await session.scalar(
                select(Case).where(Case.topic_id == topic_id).order_by(Case.id.desc()).limit(1)
            )
            return self._view(case) if case else None

    async def list_open(self) -> list[CaseView]:
        """Open and claimed cases: emergency before high before the rest, then longest waiting."""
        async with (await self._ready())() as session:
            rows = await session.scalars(
                select(Case)
                .where(Case.status != "closed")
                .order_by(Case.priority.desc(), Case.created_at.asc(), Case.id.asc())
            )
            return [self._view(case) for case in rows]

    async def transcript(self, case_id: int) -> list[tuple[str, str]]:
        async with (await self._ready())() as session:
            rows = await session.scalars(
                select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
            )
            return [(m.direction, self._sealer.open(m.body_enc) or "") for m in rows]

    async def audit_actions(self, case_id: int) -> list[tuple[str, str]]:
        async with (await self._ready())() as session:
            rows = await session.scalars(
                select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
            )
            return [(a.actor, a.action) for a in rows]

    # -- conversation and operator actions ---------------------------------------------

    async def set_topic(self, case_id: int, topic_id: int) -> None:
        async with (await self._ready()).begin() as session:
            await session.execute(update(Case).where(Case.id == case_id).values(topic_id=topic_id))

    async def reset_topic(self, case_id: int) -> None:
        """Forget a topic that was deleted in Telegram, so that a new one is opened."""
        async with (await self._ready()).begin() as session:
            await session.execute(
                update(Case).where(Case.id == case_id).values(topic_id=None, card_message_id=None)
            )
            self._audit(session, case_id, "system", "topic_reset", None)

    async def set_card_message(self, case_id: int, message_id: int) -> None:
        async with (await self._ready()).begin() as session:
            await session.execute(
                update(Case).where(Case.id == case_id).values(card_message_id=message_id)
            )

    async def record_message(self, case_id: int, direction: str, text: str) -> None:
        """Keep a transcript line: only for cases, encrypted, purged after retention."""
        async with (await self._ready()).begin() as session:
            session.add(
                CaseMessage(
                    case_id=case_id,
                    direction=direction,
                    body_enc=self._sealer.seal(text),
                    created_at=self._clock(),
                )
            )

    async def claim(self, case_id: int, operator_id: int, operator_name: str) -> CaseView:
        async with (await self._ready()).begin() as session:
            case = await self._require_open(session, case_id)
            case.status = "claimed"
            case.claimed_by = operator_id
            case.claimed_by_name = operator_name
            case.claimed_at = case.updated_at = self._clock()
            self._audit(session, case_id, f"operator:{operator_id}", "claimed", None)
            return self._view(case)

    async def add_note(self, case_id: int, operator_id: int, text: str) -> None:
        async with (await self._ready()).begin() as session:
            await self._require_open(session, case_id)
            session.add(
                CaseMessage(
                    case_id=case_id,
                    direction="note",
                    body_enc=self._sealer.seal(text),
                    created_at=self._clock(),
                )
            )
            self._audit(session, case_id, f"operator:{operator_id}", "note", None)

    async def log_operator_reply(self, case_id: int, operator_id: int) -> None:
        async with (await self._ready()).begin() as session:
            self._audit(session, case_id, f"operator:{operator_id}", "replied", None)

    async def mark_callback_done(self, case_id: int, operator_id: int) -> None:
        async with (await self._ready()).begin() as session:
            case = await session.get(Case, case_id)
            if case is None:
                raise CaseNotFound(case_id)
            case.callback_done_at = self._clock()
            self._audit(session, case_id, f"operator:{operator_id}", "callback_done", None)

    async def close(self, case_id: int, actor: str, *, notify_person: bool = True) -> CaseView:
        async with (await self._ready()).begin() as session:
            case = await self._require_open(session, case_id)
            now = self._clock()
            case.status = "closed"
            case.closed_at = case.updated_at = now
            self._audit(session, case_id, actor, "closed", None)
            self._enqueue(session, case_id, "topic_close", {"notify_person": notify_person}, now)
            return self._view(case)

    async def enqueue(self, case_id: int | None, kind: str, payload: dict[str, Any]) -> None:
        """Queue a Telegram call to be made (and retried) by the outbox worker."""
        async with (await self._ready()).begin() as session:
            self._enqueue(session, case_id, kind, payload, self._clock())

    # -- privacy -----------------------------------------------------------------------

    async def forget(self, user_key: str) -> list[str]:
        """Close the person's open case, tell operators, erase every personal field."""
        now = self._clock()
        closed: list[str] = []
        async with (await self._ready()).begin() as session:
            cases = list(await session.scalars(select(Case).where(Case.user_key == user_key)))
            for case in cases:
                if case.status != "closed":
                    case.status = "closed"
                    case.closed_at = now
                    assert case.number is not None
                    closed.append(case.number)
                    self._audit(session, case.id, "person", "forgotten", None)
                    # The operators learn why the case ended; nothing personal is in the notice.
                    self._enqueue(session, case.id, "forgotten", {}, now)
                self._erase(case, now)
            ids = [case.id for case in cases]
            if ids:
                await session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(ids)))
                # Undelivered relays are dropped; delivered items (their payloads carry what
                # was said) go too. What remains pending closes the topic, without personal data.
                personal = ("person_text", "person_media", "operator_to_person", "person_notice")
                await session.execute(
                    delete(OutboxItem).where(
                        OutboxItem.case_id.in_(ids),
                        or_(OutboxItem.status != "pending", OutboxItem.kind.in_(personal)),
                    )
                )
        return closed

    async def purge(self, retention_days: int) -> int:
        """Erase personal data of cases closed more than `retention_days` ago; keep counts."""
        now = self._clock()
        cutoff = now - timedelta(days=retention_days)
        async with (await self._ready()).begin() as session:
            cases = list(
                await session.scalars(
                    select(Case).where(
                        Case.status == "closed", Case.closed_at < cutoff, Case.purged_at.is_(None)
                    )
                )
            )
            for case in cases:
                self._erase(case, now)
            ids = [case.id for case in cases]
            if ids:
                await session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(ids)))
                # Undelivered items of old cases may carry text too; none is worth keeping.
                await session.execute(delete(OutboxItem).where(OutboxItem.case_id.in_(ids)))
            for case in cases:
                if case.topic_id is not None:
                    # The topic holds the relayed conversation: it goes with the retention too.
                    payload = {"topic_id": case.topic_id}
                    self._enqueue(session, case.id, "topic_delete", payload, now)
                    case.topic_id = None
                    case.card_message_id = None
            # Delivered outbox items carry relayed text; drop them once old enough too.
            await session.execute(
                delete(OutboxItem).where(OutboxItem.status == "sent", OutboxItem.sent_at < cutoff)
            )
            if ids:
                self._audit(session, None, "system", "purged", f"{len(ids)} cases")
            return len(ids)

    async def stats(self) -> list[StatsRow]:
        """Anonymous counts per day, channel, language, intent and level."""
        day = func.substr(func.cast(Case.created_at, String()), 1, 10)
        async with (await self._ready())() as session:
            rows = await session.execute(
                select(
                    day, Case.channel, Case.language, Case.intent, Case.level, func.count(Case.id)
                )
                .group_by(day, Case.channel, Case.language, Case.intent, Case.level)
                .order_by(day, Case.channel, Case.language, Case.intent, Case.level)
            )
            return [
                StatsRow(str(d), ch, lang, intent or "-", level, int(n))
                for d, ch, lang, intent, level, n in rows
            ]

    # -- outbox --------------------------------------------------------------------------

    async def due_outbox(self, limit: int = 50) -> list[OutboxView]:
        """Pending items whose time has come, oldest first."""
        async with (await self._ready())() as session:
            rows = await session.scalars(
                select(OutboxItem)
                .where(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= self._clock())
                .order_by(OutboxItem.id)
                .limit(limit)
            )
            return [self._outbox_view(item) for item in rows]

    async def outbox_queue(self, limit: int = 500) -> list[OutboxView]:
        """Pending items, due or not, oldest first, with their case's priority.

        The outbox worker needs the items that are not due yet too: a later item of a case
        must wait for an earlier one that is being retried.
        """
        async with (await self._ready())() as session:
            rows = await session.execute(
                select(OutboxItem, Case.priority)
                .join(Case, Case.id == OutboxItem.case_id, isouter=True)
                .where(OutboxItem.status == "pending")
                .order_by(OutboxItem.id)
                .limit(limit)
            )
            return [self._outbox_view(item, int(priority or 0)) for item, priority in rows]

    async def outbox_progress(self, item_id: int, payload: dict[str, Any]) -> None:
        """Remember how far a several-step item got, so a retry does not repeat a step."""
        async with (await self._ready()).begin() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id)
                .values(payload_enc=self._sealer.seal(json.dumps(payload, ensure_ascii=False)))
            )

    async def outbox_sent_many(self, item_ids: Sequence[int]) -> None:
        """Mark items sent together (person messages batched into one)."""
        if not item_ids:
            return
        async with (await self._ready()).begin() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(list(item_ids)))
                .values(status="sent", sent_at=self._clock())
            )

    async def pending_outbox_count(self) -> int:
        async with (await self._ready())() as session:
            count = await session.scalar(
                select(func.count(OutboxItem.id)).where(OutboxItem.status == "pending")
            )
            return int(count or 0)

    async def outbox_sent(self, item_id: int) -> None:
        async with (await self._ready()).begin() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id)
                .values(status="sent", sent_at=self._clock())
            )

    async def outbox_retry(self, item_id: int, delay_seconds: float, error: str) -> None:
        async with (await self._ready()).begin() as session:
            item = await session.get(OutboxItem, item_id)
            if item is None:
                return
            item.attempts += 1
            item.next_attempt_at = self._clock() + timedelta(seconds=delay_seconds)
            item.last_error = error[:200]

    async def outbox_give_up(self, item_id: int, error: str) -> None:
        """For errors no retry can fix (the person blocked the bot); kept for the audit."""
        async with (await self._ready()).begin() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id)
                .values(status="failed", last_error=error[:200])
            )

    # -- internals -----------------------------------------------------------------------

    async def _open_case_row(self, session: AsyncSession, user_key: str) -> Case | None:
        result: Case | None = await session.scalar(
            select(Case).where(Case.user_key == user_key, Case.status != "closed")
        )
        return result

    async def _require_open(self, session: AsyncSession, case_id: int) -> Case:
        case = await session.get(Case, case_id)
        if case is None or case.status == "closed":
            raise CaseNotFound(case_id)
        return case

    def _enqueue(
        self,
        session: AsyncSession,
        case_id: int | None,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        session.add(
            OutboxItem(
                case_id=case_id,
                kind=kind,
                payload_enc=self._sealer.seal(json.dumps(payload, ensure_ascii=False)),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )

    def _audit(
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

    @staticmethod
    def _erase(case: Case, now: datetime) -> None:
        case.user_key = None
        case.excerpt_enc = None
        case.recording_url_enc = None
        case.callback_number_enc = None
        case.claimed_by_name = None
        case.purged_at = now

    def _outbox_view(self, item: OutboxItem, priority: int = 0) -> OutboxView:
        return OutboxView(
            id=item.id,
            case_id=item.case_id,
            kind=item.kind,
            payload=json.loads(self._sealer.open(item.payload_enc) or "{}"),
            attempts=item.attempts,
            next_attempt_at=_aware(item.next_attempt_at),
            priority=priority,
        )

    def _view(self, case: Case) -> CaseView:
        created = _aware(case.created_at)
        assert created is not None and case.number is not None
        return CaseView(
            id=case.id,
            number=case.number,
            user_key=case.user_key,
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
            excerpt=tuple(_split(self._sealer.open(case.excerpt_enc))),
            recording_url=self._sealer.open(case.recording_url_enc),
            callback_number=self._sealer.open(case.callback_number_enc),
            callback_done=case.callback_done_at is not None,
            card_message_id=case.card_message_id,
            priority=case.priority,
        )


def _join(lines: Sequence[str]) -> str | None:
    """Excerpt lines as JSON: a message may itself contain line breaks."""
    return json.dumps(list(lines), ensure_ascii=False) if lines else None


def _split(text: str | None) -> list[str]:
    return [str(line) for line in json.loads(text)] if text else []
