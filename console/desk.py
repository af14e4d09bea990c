"""The console's `CaseDesk` over the core's case service: the one module that knows it.

Case changes are the service's own methods (one transaction each, with its outbox
events), so a console reply reaches the person's chat and the Telegram topic through the
same outbox as an operator's message in the topic.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from console.ports import Callbacks, Numbers
from hotline.cases import reports
from hotline.cases.service import CaseService
from hotline.cases.views import Actor, CaseDetail, CaseView, Outcome
from hotline.escalation import CallbackPreference


class ServiceDesk:
    def __init__(self, cases: CaseService) -> None:
        self.cases = cases
        self.store = cases.store

    def now(self) -> datetime:
        return self.store.now()

    async def queue(self) -> list[CaseView]:
        return await self.cases.list_open()

    async def queue_state(self) -> reports.QueueState:
        return await reports.queue_state(self.store)

    async def case(self, case_id: int, viewer: Actor) -> CaseDetail:
        detail = await self.cases.detail(case_id)
        await self.record(viewer, "viewed", case_id)
        return detail

    async def reply(self, case_id: int, actor: Actor, text: str) -> Outcome:
        return await self.cases.reply_to_person(case_id, actor, text)

    async def claim(self, case_id: int, actor: Actor) -> Outcome:
        return await self.cases.claim(case_id, actor)

    async def note(self, case_id: int, actor: Actor, text: str) -> Outcome:
        return await self.cases.note(case_id, actor, text)

    async def close(self, case_id: int, actor: Actor) -> Outcome:
        return await self.cases.close(case_id, actor)

    async def callbacks(self, viewer: Actor) -> Callbacks:
        waiting = await self.cases.callbacks_waiting()
        unsafe = CallbackPreference.UNSAFE.value
        do_not_call = [
            case
            for case in await self.cases.list_open()
            if case.channel == "phone" and case.callback_preference == unsafe
        ]
        # What the caller said about when is their own words, decrypted for this viewer:
        # seen like a case is seen, so audited like a case view.
        said = [case.id for case in waiting if case.callback_when]
        if said:
            async with self.store.transaction() as session:
                for case_id in said:
                    self.store.audit(session, case_id, viewer.key, "viewed_callback", None)
        oldest_first = sorted(do_not_call, key=lambda c: (c.created_at, c.id))
        return Callbacks(tuple(waiting), tuple(oldest_first))

    async def callback_done(self, case_id: int, actor: Actor) -> Outcome:
        return await self.cases.callback_done(case_id, actor)

    async def recording_url(self, case_id: int, actor: Actor) -> str | None:
        case = await self.cases.get(case_id)
        if case.recording_url is not None:
            await self.record(actor, "listened", case_id)
        return case.recording_url

    async def numbers(self, since: datetime) -> Numbers:
        rows = [row for row in await self.store.stats() if row.day >= since.date().isoformat()]
        open_cases = await self.cases.list_open()
        return Numbers(
            rows=tuple(rows),
            answer_times=await reports.answer_times(self.store, since),
            open_by_level=dict(Counter(case.level for case in open_cases)),
            oldest_open=min((c.created_at for c in open_cases), default=None),
        )

    async def stats_csv(self, actor: Actor) -> str:
        text = reports.stats_csv(await self.store.stats())
        await self.record(actor, "exported_stats")
        return text

    async def audit(
        self, *, limit: int, before: int | None = None, actor: str | None = None
    ) -> list[reports.AuditLine]:
        return await reports.audit_lines(self.store, limit=limit, before=before, actor=actor)

    async def record(self, actor: Actor, action: str, case_id: int | None = None) -> None:
        async with self.store.transaction() as session:
            self.store.audit(session, case_id, actor.key, action, None)
