"""The durable `Escalator`: escalations become cases, messages during a case are relayed."""

from __future__ import annotations

from hotline.cases.store import CaseStore
from hotline.escalation import CaseRef, EscalationRequest


class CaseEscalator:
    def __init__(self, store: CaseStore) -> None:
        self.store = store

    async def escalate(self, request: EscalationRequest) -> CaseRef:
        return await self.store.escalate(request)

    async def open_case(self, user_key: str) -> CaseRef | None:
        case = await self.store.open_case_for(user_key)
        if case is None:
            return None
        return CaseRef(number=case.number, level=case.level, is_new=False)

    async def forget(self, user_key: str) -> None:
        await self.store.forget(user_key)

    async def relay_from_person(self, user_key: str, text: str) -> None:
        """Keep the message in the case transcript and queue it for the case's topic."""
        case = await self.store.open_case_for(user_key)
        if case is None:
            return
        await self.store.record_message(case.id, "person", text)
        await self.store.enqueue(case.id, "person_text", {"text": text})
