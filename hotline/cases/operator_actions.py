"""The operators' side of the case service: claim, note, close, reply, callback done.

Whoever acts (an operator in the Telegram topic today, the console later) is an `Actor`.
Each action is one transaction with its outbox events; an action on a closed case
changes nothing, tells the operators so, and says so in its `Outcome`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from hotline.cases.events import OperatorNotice, OutboxEvent, PersonNotice
from hotline.cases.models import Case
from hotline.cases.views import Actor, Outcome
from hotline.escalation import CallbackPreference

if TYPE_CHECKING:
    from hotline.cases.store import CaseStore


def notice(kind: OperatorNotice | PersonNotice, **params: str) -> dict[str, Any]:
    """The payload of a TOPIC_NOTICE or PERSON_NOTICE event."""
    return {"notice": kind.value, "params": params}


def _telegram_id(actor: Actor) -> int | None:
    """The operator's Telegram user id, kept in `cases.claimed_by` ("operator:<id>")."""
    prefix, _, number = actor.key.partition(":")
    return int(number) if prefix == "operator" and number.lstrip("-").isdigit() else None


class OperatorActions:
    store: CaseStore

    async def _workable(self, session: AsyncSession, case_id: int) -> Case | None:
        """The case if it is open; else None, and the operators are told it is closed."""
        case = await session.get(Case, case_id)
        if case is None:
            return None
        if case.status == "closed" or case.user_key is None:
            self.store.enqueue(
                session, case, OutboxEvent.TOPIC_NOTICE, notice(OperatorNotice.CASE_CLOSED_ALREADY)
            )
            return None
        return case

    async def claim(self, case_id: int, actor: Actor) -> Outcome:
        store = self.store
        async with store.transaction() as session:
            case = await self._workable(session, case_id)
            if case is None:
                return Outcome.CASE_CLOSED
            case.status = "claimed"
            case.claimed_by = _telegram_id(actor)
            case.claimed_by_name = actor.name[:128]
            case.claimed_at = case.updated_at = store.now()
            store.audit(session, case.id, actor.key, "claimed", None)
            store.enqueue(session, case, OutboxEvent.CARD_UPDATE, {"quiet": True})
            claimed_by = notice(OperatorNotice.CLAIMED_BY, name=actor.name[:128])
            store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, claimed_by)
            if case.channel == "telegram":
                store.enqueue(
                    session, case, OutboxEvent.PERSON_NOTICE, notice(PersonNotice.CLAIMED)
                )
            return Outcome.DONE

    async def note(self, case_id: int, actor: Actor, text: str) -> Outcome:
        """An internal note, never sent to the person."""
        store = self.store
        async with store.transaction() as session:
            if not text.strip():
                case = await session.get(Case, case_id)
                if case is not None:
                    usage = notice(OperatorNotice.NOTE_USAGE)
                    store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, usage)
                return Outcome.EMPTY
            case = await self._workable(session, case_id)
            if case is None:
                return Outcome.CASE_CLOSED
            store.add_message(session, case.id, "note", text.strip())
            store.audit(session, case.id, actor.key, "note", None)
            saved = notice(OperatorNotice.NOTE_SAVED)
            store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, saved)
            return Outcome.DONE

    async def close(self, case_id: int, actor: Actor, *, notify_person: bool = True) -> Outcome:
        store = self.store
        async with store.transaction() as session:
            case = await self._workable(session, case_id)
            if case is None:
                return Outcome.CASE_CLOSED
            case.status = "closed"
            case.closed_at = case.updated_at = store.now()
            store.audit(session, case.id, actor.key, "closed", None)
            if notify_person and case.channel == "telegram":
                store.enqueue(session, case, OutboxEvent.PERSON_NOTICE, notice(PersonNotice.CLOSED))
            store.enqueue(session, case, OutboxEvent.TOPIC_CLOSE)
            return Outcome.DONE

    async def relay_to_person(
        self, case_id: int, actor: Actor, message_id: int, transcript_line: str
    ) -> Outcome:
        """An operator's message in the topic, copied to the person (no author shown)."""
        return await self._to_person(case_id, actor, {"message_id": message_id}, transcript_line)

    async def reply_to_person(self, case_id: int, actor: Actor, text: str) -> Outcome:
        """An operator's text reply (the console); shown in the topic as well."""
        return await self._to_person(case_id, actor, {"text": text, "by": actor.name}, text)

    async def _to_person(
        self, case_id: int, actor: Actor, payload: dict[str, Any], transcript_line: str
    ) -> Outcome:
        store = self.store
        async with store.transaction() as session:
            case = await self._workable(session, case_id)
            if case is None:
                return Outcome.CASE_CLOSED
            if case.channel != "telegram":
                phone = notice(OperatorNotice.PHONE_CASE)
                store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, phone)
                return Outcome.PHONE_CASE
            store.enqueue(session, case, OutboxEvent.OPERATOR_TO_PERSON, payload)
            # Written to: the case is taken, and the assistant stops answering by itself.
            case.answered_at = case.answered_at or store.now()
            store.add_message(session, case.id, "operator", transcript_line)
            store.audit(session, case.id, actor.key, "replied", None)
            return Outcome.DONE

    async def callback_done(self, case_id: int, actor: Actor) -> Outcome:
        """The operator called the person back (phone cases); never one they said is unsafe."""
        store = self.store
        async with store.transaction() as session:
            case = await session.get(Case, case_id)
            if case is None:
                return Outcome.NO_CASE
            if case.callback_preference == CallbackPreference.UNSAFE:
                store.audit(session, case.id, actor.key, "callback_refused", None)
                unsafe = notice(OperatorNotice.CALLBACK_UNSAFE)
                store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, unsafe)
                return Outcome.CALLBACK_UNSAFE
            case.callback_done_at = store.now()
            store.audit(session, case.id, actor.key, "callback_done", None)
            store.enqueue(session, case, OutboxEvent.CARD_UPDATE, {"quiet": True})
            done = notice(OperatorNotice.CALLBACK_DONE, name=actor.name[:128])
            store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, done)
            return Outcome.DONE

    async def notify_operators(self, case_id: int, kind: OperatorNotice, **params: str) -> None:
        """A notice in the case's topic (an unknown command, an unverifiable author …)."""
        store = self.store
        async with store.transaction() as session:
            case = await session.get(Case, case_id)
            if case is not None:
                store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, notice(kind, **params))
