"""The case service: every change to a case is one method and one transaction, and writes
its outbox events in that same transaction.

The person's side lives here (escalate, relay, forget); the operators' side (claim, note,
close, reply, callback) in `hotline.cases.operator_actions`. Channels never change a
case any other way: the policy's `Escalate` and `RelayToCase` actions are applied
through this service (`hotline.cases.apply`), and so are the phone line's transfers and
voicemails, so a person has at most one open case, raised as risk grows.

`open_case` runs on every turn, and almost every person has no case: a `CaseIndex`
(`hotline.cases.index`) answers that common "no open case" without a query. The database
is the truth; the index is a cache that is never believed when it might be wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hotline.cases.crypto import Sealer
from hotline.cases.events import PERSONAL_EVENTS, OperatorNotice, OutboxEvent, PersonNotice
from hotline.cases.index import CaseIndex, IndexEntry
from hotline.cases.models import Case, CaseMessage, OutboxItem
from hotline.cases.operator_actions import OperatorActions
from hotline.cases.store import CaseStore
from hotline.cases.views import (
    CaseDetail,
    CaseView,
    Outcome,
    join_excerpt,
    merge_excerpt,
    merge_situations,
    split_excerpt,
)
from hotline.escalation import CallbackPreference, CaseRef, EscalationRequest
from hotline.operator_hours import BISHKEK, OperatorHours, next_opening
from nlu.catalogue import risk_rank

log = logging.getLogger(__name__)


class CaseService(OperatorActions):
    def __init__(
        self,
        store: CaseStore,
        index: CaseIndex | None = None,
        hours: OperatorHours | None = None,
    ) -> None:
        self.store = store
        self.index = index  # None: ask the database every time
        self.hours = hours  # None: operators are always at work (no after-hours notice)

    # -- the person's side -------------------------------------------------------------

    async def escalate(self, request: EscalationRequest) -> CaseRef:
        """Open a case, or raise the priority of the person's open case (never a second one)."""
        key = request.user_key
        if self.index is not None:
            # Before the transaction: from its commit on, readers must go to the database.
            await _quietly(self.index.begin_escalation(key), "begin")
        try:
            for _ in range(3):
                try:
                    return await self._escalate_once(request)
                except IntegrityError:
                    continue  # another process opened the case meanwhile: raise that one
            raise RuntimeError("could not open or update the case")
        finally:
            if self.index is not None:
                await _quietly(self.index.end_escalation(key), "end")

    async def _escalate_once(self, request: EscalationRequest) -> CaseRef:
        store, sealer = self.store, self.store.sealer
        now = store.now()
        async with store.transaction() as session:
            case = await store.open_case_row(session, request.user_key)
            if case is None:
                case = Case(
                    user_key=store.pseudonyms.of(request.user_key),
                    person_ref_enc=sealer.seal(request.user_key),
                    channel=request.channel,
                    language=request.language,
                    level=request.level,
                    priority=risk_rank(request.level),
                    indicators=sorted(set(request.indicators)),
                    situations=merge_situations([], request.situations, raised=True),
                    reason=request.reason,
                    intent=request.intent,
                    status="open",
                    created_at=now,
                    updated_at=now,
                    excerpt_enc=sealer.seal_optional(join_excerpt(request.excerpt)),
                    recording_url_enc=sealer.seal_optional(request.recording_url),
                    callback_number_enc=sealer.seal_optional(request.callback_number),
                )
                _callback_preference(case, request, sealer)
                session.add(case)
                await session.flush()
                case.number = f"{case.id:06d}"
                store.audit(session, case.id, "system", "opened", f"{request.reason}:{case.level}")
                store.enqueue(session, case, OutboxEvent.TOPIC_CREATE)
                self._after_hours(session, case)
                return CaseRef(number=case.number, level=request.level, is_new=True)

            raised = risk_rank(request.level) > case.priority
            indicators = sorted(set(case.indicators) | set(request.indicators))
            situations = merge_situations(case.situations or [], request.situations, raised=raised)
            changed = raised or indicators != sorted(case.indicators)
            changed = changed or situations != (case.situations or [])
            if raised:
                case.level = request.level
                case.priority = risk_rank(request.level)
                # Everything still queued for the case moves up with it.
                await session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.case_id == case.id, OutboxItem.status == "pending")
                    .values(priority=case.priority)
                )
            case.indicators = indicators
            case.situations = situations
            case.updated_at = now
            # A phone call passes several routes (key 0, no answer, the recording): only
            # what is new about it changes the case.
            if request.recording_url and request.recording_url != sealer.open(
                case.recording_url_enc
            ):
                case.recording_url_enc = sealer.seal(request.recording_url)
                changed = True
            if request.callback_number and request.callback_number != sealer.open(
                case.callback_number_enc
            ):
                case.callback_number_enc = sealer.seal(request.callback_number)
                case.callback_done_at = None
                changed = True
            changed = _callback_preference(case, request, sealer) or changed
            if request.excerpt:
                old = split_excerpt(sealer.open(case.excerpt_enc))
                case.excerpt_enc = sealer.seal_optional(
                    join_excerpt(merge_excerpt(old, request.excerpt))
                )
            if changed:
                store.audit(session, case.id, "system", "raised" if raised else "updated", None)
                payload = {"raised": raised, "reason": request.reason}
                store.enqueue(session, case, OutboxEvent.CARD_UPDATE, payload)
            assert case.number is not None
            taken = case.status == "claimed" or case.answered_at is not None
            return CaseRef(number=case.number, level=case.level, is_new=False, taken=taken)  # type: ignore[arg-type]

    def _after_hours(self, session: AsyncSession, case: Case) -> None:
        """A new Telegram case outside operator hours: the person and operators learn when."""
        if self.hours is None or case.channel != "telegram":
            return
        opens = next_opening(self.hours, self.store.now())
        if opens is None:
            return
        when = opens.astimezone(BISHKEK).strftime("%d.%m %H:%M")
        notice = {"notice": PersonNotice.AFTER_HOURS.value, "params": {"when": when}}
        self.store.enqueue(session, case, OutboxEvent.PERSON_NOTICE, notice)
        sent = {"notice": OperatorNotice.AFTER_HOURS_SENT.value, "params": {"when": when}}
        self.store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, sent)

    async def open_case(self, user_key: str) -> CaseRef | None:
        """The person's open case. Raises when the database cannot say (never "no case")."""
        entry: IndexEntry | None = None
        if self.index is not None:
            try:
                entry = await self.index.read(user_key)
            except Exception as exc:  # noqa: BLE001 - the database is the truth
                log.warning("case index read failed: %s", type(exc).__name__)
            if entry is not None and entry.no_case:
                return None
        case = await self.store.open_case_for(user_key)
        if case is None:
            if self.index is not None and entry is not None and entry.in_flight <= 0:
                await _quietly(self.index.note_no_case(user_key, entry.generation), "note")
            return None
        return CaseRef(number=case.number, level=case.level, is_new=False, taken=case.taken)

    async def relay_from_person(self, user_key: str, text: str) -> Outcome:
        """Keep the message in the transcript and queue it for the case's topic: one step."""
        store = self.store
        async with store.transaction() as session:
            case = await store.open_case_row(session, user_key)
            if case is None:
                return Outcome.NO_CASE
            store.add_message(session, case.id, "person", text)
            store.enqueue(session, case, OutboxEvent.PERSON_TEXT, {"text": text})
            return Outcome.DONE

    async def relay_media_from_person(
        self, user_key: str, chat_id: int, message_id: int, kind: str, *, drop_caption: bool
    ) -> Outcome:
        """A photo, file or voice note of the person, copied to the topic by the outbox."""
        store = self.store
        async with store.transaction() as session:
            case = await store.open_case_row(session, user_key)
            if case is None or case.channel != "telegram":
                return Outcome.NO_CASE
            payload = {"chat_id": chat_id, "message_id": message_id, "drop_caption": drop_caption}
            store.add_message(session, case.id, "person", f"[{kind}]")
            store.enqueue(session, case, OutboxEvent.PERSON_MEDIA, payload)
            return Outcome.DONE

    async def forget(self, user_key: str) -> list[str]:
        """Close the person's open case, tell operators, erase every personal field."""
        store = self.store
        now = store.now()
        closed: list[str] = []
        async with store.transaction() as session:
            pseudonym = store.pseudonyms.of(user_key)
            cases = list(await session.scalars(select(Case).where(Case.user_key == pseudonym)))
            for case in cases:
                if case.status != "closed":
                    case.status = "closed"
                    case.closed_at = now
                    assert case.number is not None
                    closed.append(case.number)
                    store.audit(session, case.id, "person", "forgotten", None)
                    # The operators learn why the case ended; nothing personal is in it.
                    store.enqueue(session, case, OutboxEvent.FORGOTTEN)
                erase_case(case, now)
            ids = [case.id for case in cases]
            if ids:
                await session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(ids)))
                # Undelivered relays are dropped; delivered items (their payloads carry what
                # was said) go too. What remains pending closes the topic.
                personal = [event.value for event in PERSONAL_EVENTS]
                await session.execute(
                    delete(OutboxItem).where(
                        OutboxItem.case_id.in_(ids),
                        or_(OutboxItem.status != "pending", OutboxItem.kind.in_(personal)),
                    )
                )
        if self.index is not None:
            await _quietly(self.index.erase(user_key), "erase")
        return closed

    # -- reading, for operators' tools -------------------------------------------------

    async def list_open(self) -> list[CaseView]:
        """Open and claimed cases, most urgent first, then longest waiting."""
        return await self.store.list_open()

    async def get(self, case_id: int) -> CaseView:
        return await self.store.get(case_id)

    async def detail(self, case_id: int) -> CaseDetail:
        """A case with its decrypted transcript (audit the viewing where it is shown)."""
        case = await self.store.get(case_id)
        return CaseDetail(case, tuple(await self.store.transcript(case_id)))

    async def by_topic(self, topic_id: int) -> CaseView | None:
        return await self.store.by_topic(topic_id)

    async def callbacks_waiting(self) -> list[CaseView]:
        """Phone cases with a number to call back and no callback yet, oldest first."""
        cases = await self.store.list_open()
        waiting = [c for c in cases if c.callback_number and not c.callback_done]
        return sorted(waiting, key=lambda c: (c.created_at, c.id))


def erase_case(case: Case, now: datetime) -> None:
    """Drop every personal field of a case row; the anonymous counts stay."""
    case.user_key = None
    case.person_ref_enc = None
    case.excerpt_enc = None
    case.recording_url_enc = None
    case.callback_number_enc = None
    case.callback_when_enc = None
    case.claimed_by_name = None
    case.purged_at = now


def _callback_preference(case: Case, request: EscalationRequest, sealer: Sealer) -> bool:
    """Keep what the caller said about a call back; "do not call" drops the number too."""
    if request.callback_preference is None:
        return False
    preference = CallbackPreference(request.callback_preference)
    if preference == case.callback_preference and request.callback_when is None:
        return False
    case.callback_preference = preference.value
    case.callback_when_enc = sealer.seal_optional(request.callback_when)
    if preference is CallbackPreference.UNSAFE:
        case.callback_number_enc = None  # a number nobody may call is not kept
        case.callback_done_at = None
    return True


async def _quietly(step: Awaitable[object], name: str) -> None:
    """An index step that fails is logged; the escalation or the answer goes on."""
    try:
        await step
    except Exception as exc:  # noqa: BLE001
        log.warning("case index %s failed: %s", name, type(exc).__name__)
