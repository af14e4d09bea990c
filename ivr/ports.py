"""What the phone line needs from the core, as protocols (`hotline.services.Services` fits)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from hotline.content import Contact
from hotline.escalation import CaseRef, EscalationRequest, Escalator
from hotline.settings import Settings
from hotline.turns import Reply, Turn
from nlu.catalogue import Language


class CaseEscalation(Protocol):
    async def escalate(self, request: EscalationRequest) -> CaseRef | None:
        """Open or raise the caller's case (`hotline.case_actions.CaseActions`)."""
        ...


class TurnHandler(Protocol):
    async def handle(self, turn: Turn) -> Reply:
        """Answer one turn (`hotline.policy.DialoguePolicy`)."""
        ...

    @property
    def case_actions(self) -> CaseEscalation:
        """The one way a case is opened or raised, for the phone's own routes too."""
        ...


class HasSummary(Protocol):
    @property
    def summary(self) -> str: ...


class AnswerBook(Protocol):
    @property
    def contacts(self) -> Mapping[str, Contact]: ...

    def answer(self, language: Language, intent: str) -> HasSummary:
        """Return the content answer (`hotline.content.ContentStore`)."""
        ...


class Counter(Protocol):
    def inc(self, name: str, value: float = 1, **labels: str) -> None:
        """Add to a counter (`hotline.metrics.Metrics`)."""
        ...


class IvrServices(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def policy(self) -> TurnHandler: ...

    @property
    def content(self) -> AnswerBook: ...

    @property
    def escalator(self) -> Escalator: ...

    @property
    def metrics(self) -> Counter: ...
