"""What the console needs from the cases, as one typed Protocol and plain data.

`console.desk.ServiceDesk` implements it over the core's case service. Every method that
shows personal data or changes a case takes the account acting (`Actor`), and the
implementation audits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from hotline.cases.reports import AnswerTimes, AuditLine, QueueState
from hotline.cases.views import Actor, CaseDetail, CaseView, Outcome, StatsRow


@dataclass(frozen=True, slots=True)
class Numbers:
    """The supervisors' page: anonymous counts, answer times and the open backlog."""

    rows: tuple[StatsRow, ...]
    answer_times: AnswerTimes
    open_by_level: dict[str, int]
    oldest_open: datetime | None


@dataclass(frozen=True, slots=True)
class Callbacks:
    """The callbacks page: whom to call back, and whom nobody may call."""

    waiting: tuple[CaseView, ...]  # a number to call back and no call yet, oldest first
    do_not_call: tuple[CaseView, ...]  # open phone cases whose caller said not to call


class CaseDesk(Protocol):
    def now(self) -> datetime: ...

    async def queue(self) -> list[CaseView]:
        """Open cases, most urgent level first, then longest waiting."""
        ...

    async def queue_state(self) -> QueueState:
        """A cheap picture of the queue, to notice changes (no personal data)."""
        ...

    async def case(self, case_id: int, viewer: Actor) -> CaseDetail:
        """The case and its decrypted transcript; the viewing is audited."""
        ...

    async def reply(self, case_id: int, actor: Actor, text: str) -> Outcome:
        """A reply to the person, through the outbox (their chat and the topic)."""
        ...

    async def claim(self, case_id: int, actor: Actor) -> Outcome: ...

    async def note(self, case_id: int, actor: Actor, text: str) -> Outcome: ...

    async def close(self, case_id: int, actor: Actor) -> Outcome: ...

    async def callbacks(self, viewer: Actor) -> Callbacks:
        """Phone cases waiting for a call back with the caller's answer, decrypted for the
        viewer (whose seeing of an answer in the caller's words is audited), and the open
        phone cases that must not be called."""
        ...

    async def callback_done(self, case_id: int, actor: Actor) -> Outcome: ...

    async def recording_url(self, case_id: int, actor: Actor) -> str | None:
        """Where the voicemail is (never shown to the browser); the listening is audited."""
        ...

    async def numbers(self, since: datetime) -> Numbers: ...

    async def stats_csv(self, actor: Actor) -> str:
        """The same CSV as `hotline cases stats --csv`; the export is audited."""
        ...

    async def audit(
        self, *, limit: int, before: int | None = None, actor: str | None = None
    ) -> list[AuditLine]: ...

    async def record(self, actor: Actor, action: str, case_id: int | None = None) -> None:
        """An entry in the audit log for what the console did that changes no case."""
        ...
