"""Apply what the policy decided about cases: the one place where a case is opened or raised.

The policy returns `Escalate` and `RelayToCase` actions; `CaseActions.apply` makes them
through the case service, for every channel, and fills in the case number. The phone
line's own routes (key 0, no answer, the voicemail) call `CaseActions.escalate` too.

When the case service fails (the database is away) nothing is lost and nobody is left
without help: the change is kept in the spool (`hotline.spool`) and made when the
database is back, and a risky reply still carries the emergency numbers and the safety
answer, plus a typed `EscalationFailed` that a channel able to reach a human acts on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Final

from hotline.escalation import CaseRef, EscalationRequest, Escalator
from hotline.i18n import N_
from hotline.metrics import Metrics
from hotline.safety_response import BEFORE_NUMBERS, SAFETY_MSGIDS
from hotline.spool import Spool
from hotline.turns import (
    Action,
    Escalate,
    EscalationFailed,
    RelayToCase,
    Reply,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    Turn,
)
from nlu.catalogue import risk_rank

log = logging.getLogger(__name__)

CASE_CALL_TIMEOUT_SECONDS: Final = 3.0
ESCALATION_FAILED = N_(
    "I could not reach an operator just now. Please call Hotline 189. I will try again when "
    "you write."
)
# The answer that carries the safety advice of each level, when a case cannot be opened.
SAFETY_ANSWERS: Final = {"emergency": "emergency", "high": "report_exploitation"}


class CaseActions:
    def __init__(self, cases: Escalator, spool: Spool | None, metrics: Metrics) -> None:
        self.cases = cases
        self.spool = spool
        self.metrics = metrics

    async def escalate(self, request: EscalationRequest) -> CaseRef | None:
        """Open or raise the person's case; None when it could only be kept for later."""
        if self.spool is not None and len(self.spool):
            await self._keep(request)  # behind what is already waiting, in order
            return None
        try:
            async with asyncio.timeout(CASE_CALL_TIMEOUT_SECONDS):
                ref = await self.cases.escalate(request)
        except Exception as exc:  # noqa: BLE001 - whatever the failure, the person is not lost
            # Only the error's type is logged: the request carries the transcript excerpt.
            log.error(
                "escalation failed level=%s reason=%s: %s",
                request.level,
                request.reason,
                type(exc).__name__,
            )
            self.metrics.inc("escalation_failures_total", level=request.level)
            await self._keep(request)
            return None
        self.metrics.inc("escalations_total", level=request.level, reason=request.reason)
        return ref

    async def relay(self, user_key: str, text: str) -> None:
        """Pass a message to the person's open case, or keep it until the database is back."""
        if self.spool is not None and len(self.spool):
            await self.spool.keep_relay(user_key, text)
            return
        try:
            async with asyncio.timeout(CASE_CALL_TIMEOUT_SECONDS):
                await self.cases.relay_from_person(user_key, text)
        except Exception as exc:  # noqa: BLE001 - kept, never dropped
            log.error("relay failed: %s; kept for later", type(exc).__name__)
            self.metrics.inc("relay_failures_total")
            if self.spool is not None:
                await self.spool.keep_relay(user_key, text)

    async def _keep(self, request: EscalationRequest) -> None:
        if self.spool is not None:
            await self.spool.keep_escalation(request)
            self.metrics.inc("escalations_spooled_total", level=request.level)

    async def apply(self, reply: Reply, turn: Turn) -> Reply:
        """Make the reply's case actions; what the person sees follows what happened."""
        actions: list[Action] = []
        for action in reply.actions:
            if isinstance(action, RelayToCase):
                await self.relay(turn.user_key, action.text)
            elif isinstance(action, Escalate) and action.case_number is None:
                actions += await self._escalate(action, reply, turn)
            else:
                actions.append(action)
        return replace(reply, actions=tuple(_emergency_first(actions)))

    async def _escalate(self, action: Escalate, reply: Reply, turn: Turn) -> list[Action]:
        request = EscalationRequest(
            user_key=turn.user_key,
            channel=turn.channel,
            language=reply.language,
            level=action.level,
            indicators=action.indicators,
            reason=action.reason,
            intent=action.intent,
            excerpt=action.excerpt,
            situations=action.situations,
        )
        ref = await self.escalate(request)
        if ref is not None:
            done: list[Action] = [replace(action, case_number=ref.number)]
            if action.next_msgid:
                done.append(SayText(action.next_msgid, (("case", ref.number),)))
            return done
        failed: list[Action] = [EscalationFailed(action.level)]
        if risk_rank(action.level) >= risk_rank("high"):
            # Risky and no case yet: the numbers and the safety advice, at once (a safety
            # response already carries the advice of the person's own situation).
            failed.append(ShowEmergencyNumbers())
            if not _has_safety_advice(reply):
                failed.append(ShowAnswer(SAFETY_ANSWERS.get(action.level, "report_exploitation")))
        failed.append(SayText(ESCALATION_FAILED))
        return failed


def _has_safety_advice(reply: Reply) -> bool:
    return any(isinstance(a, SayText) and a.msgid in SAFETY_MSGIDS for a in reply.actions)


def _emergency_first(actions: list[Action]) -> list[Action]:
    """One set of emergency numbers, before anything else but a few supportive words (to a
    person who wants to die, those come first); one copy of each answer."""
    seen_answers: set[str] = set()
    kept: list[Action] = []
    emergency = False
    for action in actions:
        if isinstance(action, ShowEmergencyNumbers):
            emergency = True
            continue
        if isinstance(action, ShowAnswer):
            if action.intent in seen_answers:
                continue
            seen_answers.add(action.intent)
        kept.append(action)
    if not emergency:
        return kept
    first = [a for a in kept if isinstance(a, SayText) and a.msgid in BEFORE_NUMBERS]
    rest = [a for a in kept if not (isinstance(a, SayText) and a.msgid in BEFORE_NUMBERS)]
    return [*first, ShowEmergencyNumbers(), *rest]
