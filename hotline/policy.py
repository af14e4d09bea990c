"""The dialogue policy: one turn in, the reply actions out, the same for every channel.

Safety comes before helpfulness: risk is assessed on every message whatever its intent,
accumulated over the conversation, and escalated before anything else is answered. What a
person at risk is shown is one row of `hotline.safety_response`, chosen here once.

The policy decides and returns actions; what concerns cases (`Escalate`, `RelayToCase`)
is applied through the case service by `hotline.case_actions.CaseActions`, the one place
where a case is opened or raised. A failing case service never silences the person:
they get the emergency numbers and the safety advice, and the change is kept (spooled)
and made when the database is back.

While a case is open and no operator has taken it (claimed it or written), the assistant
keeps answering, marked as automatic, and relays everything to the case; once an operator
has taken it, the assistant is silent but for the emergency numbers.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Final, Protocol

from hotline import options as opt
from hotline.answers import (
    CHOOSE_TOPIC,
    GREETING,
    LANGUAGE_SET,
    Answers,
    AnswerSource,
    named_language,
    other_language,
)
from hotline.case_actions import ESCALATION_FAILED, CaseActions
from hotline.escalation import CaseRef, Escalator
from hotline.i18n import N_
from hotline.keyed_lock import KeyedLock
from hotline.metrics import Metrics
from hotline.safety_response import SafetyRow, concern_row, first_steps, row_actions, safety_row
from hotline.safety_texts import CASE_NEXT, CONCERN
from hotline.spool import Spool
from hotline.state import ConversationState, ConversationStore, TurnRecord
from hotline.turns import (
    Action,
    AnsweredWhileWaiting,
    AskLanguage,
    Escalate,
    EscalationFailed,
    OfferOptions,
    PauseForOperator,
    RelayToCase,
    Reply,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    Turn,
)
from nlu.catalogue import LANGUAGES, RISK_LEVELS, Language, RiskLevel, risk_rank
from nlu.risk import accumulate_risk
from nlu.types import ParseResult, RiskAssessment

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE: Final[Language] = "ky"
# Topics still answered in the reply that escalates: the rest would only repeat the alarm,
# or name a situation the safety response has already named rightly.
ANSWERED_WHILE_ESCALATING: Final = frozenset(opt.TOPICS) - {
    "emergency",
    "report_exploitation",
    "violence_support",
}

# What a person is told, in their language; kept here so extraction finds them.
OPERATOR_NEXT = N_(
    "I have asked an operator of Hotline 189 to write to you here (case %(case)s). "
    "Please wait; keep this chat open."
)
EMERGENCY_NEXT = N_(
    "Call the emergency number now if you can. I have also alerted Hotline 189 with top "
    "priority (case %(case)s); an operator will write to you here."
)
__all__ = ["CONCERN", "ESCALATION_FAILED", "CaseUnknown", "DialoguePolicy"]
WITH_OPERATOR = N_("An operator has your message and will answer here.")


class CaseUnknown:
    """The case service could not say whether the person has an open case."""


UNKNOWN: Final = CaseUnknown()
CaseLookup = CaseRef | CaseUnknown | None


class Understander(Protocol):
    async def parse(self, text: str, language_hint: Language | None = None) -> ParseResult:
        """Understand one message (`nlu.pipeline.Understanding`)."""
        ...


class DialoguePolicy:
    def __init__(
        self,
        understanding: Understander,
        content: AnswerSource,
        store: ConversationStore,
        escalator: Escalator,
        metrics: Metrics | None = None,
        confident: float = 0.5,
        spool: Spool | None = None,
    ) -> None:
        self.understanding = understanding
        self.content = content
        self.store = store
        self.metrics = metrics or Metrics()
        self.confident = confident
        self.answers = Answers(content, self.metrics, confident)
        self.case_actions = CaseActions(escalator, spool, self.metrics)
        # Two messages of one person handled at once would overwrite each other's state.
        self._locks = KeyedLock()

    @property
    def escalator(self) -> Escalator:
        """The case service the policy's case actions go to."""
        return self.case_actions.cases

    @escalator.setter
    def escalator(self, escalator: Escalator) -> None:
        self.case_actions.cases = escalator

    async def handle(self, turn: Turn) -> Reply:
        """Answer one turn: text the person wrote or said, or an option they picked."""
        async with self._locks.hold(turn.user_key):
            # Both at once: with Redis they go out in one round trip.
            stored, case = await asyncio.gather(
                self.store.get(turn.user_key), self._lookup(turn.user_key)
            )
            state = stored or ConversationState()
            self.metrics.inc("turns_total", channel=turn.channel)
            if case is None and state.case_number is not None:
                state = replace(state, case_number=None)  # an operator closed it
            escalated_before = state.escalated_level
            if turn.text is not None and turn.text.strip():
                state, reply = await self._text(turn, turn.text.strip(), state, case)
            else:
                state, reply = await self._option(turn, turn.option or opt.MENU, state, case)
            reply = await self.case_actions.apply(reply, turn)
            state = self._applied(state, reply, escalated_before)
            offered = tuple(
                o.id for a in reply.actions if isinstance(a, OfferOptions) for o in a.options
            )
            await self.store.save(turn.user_key, replace(state, offered=offered))
            return reply

    async def start(self, turn: Turn) -> Reply:
        """Begin a conversation: ask for the language, suggesting the one we know or guess."""
        async with self._locks.hold(turn.user_key):
            state = await self.store.get(turn.user_key) or ConversationState()
            language = turn.language_hint or state.language or DEFAULT_LANGUAGE
            await self.store.save(turn.user_key, replace(state, offered=("lang:ky", "lang:ru")))
            return Reply(language, (AskLanguage(),))

    async def language_of(self, user_key: str, hint: Language | None = None) -> Language:
        """The language to talk to this person in, for replies outside a turn."""
        state = await self.store.get(user_key)
        return (state.language if state else None) or hint or DEFAULT_LANGUAGE

    async def open_case(self, user_key: str) -> CaseRef | None:
        """The person's open case, if any (None too when the case service cannot say)."""
        case = await self._lookup(user_key)
        return case if isinstance(case, CaseRef) else None

    def _applied(self, state: ConversationState, reply: Reply, before: str) -> ConversationState:
        """Remember the case the reply opened; forget an escalation that was not even kept."""
        for action in reply.actions:
            if isinstance(action, Escalate) and action.case_number is not None:
                state = replace(state, case_number=action.case_number)
            elif isinstance(action, EscalationFailed) and self.case_actions.spool is None:
                state = replace(state, escalated_level=_level(before))  # retried next message
        return state

    async def forget(self, user_key: str) -> None:
        """Erase the conversation and everything the escalator keeps about the person."""
        async with self._locks.hold(user_key):
            await self.store.delete(user_key)
            await self.escalator.forget(user_key)
        self.metrics.inc("forget_total")

    async def mark_unreachable(self, user_key: str, unreachable: bool = True) -> None:
        """Remember that the channel refuses delivery to this person (or does again)."""
        async with self._locks.hold(user_key):
            state = await self.store.get(user_key)
            if state is not None and state.unreachable != unreachable:
                await self.store.save(user_key, replace(state, unreachable=unreachable))

    # -- text -------------------------------------------------------------------------

    async def _text(
        self, turn: Turn, text: str, state: ConversationState, case: CaseLookup
    ) -> tuple[ConversationState, Reply]:
        hint = state.language or turn.language_hint
        parsed = await self.understanding.parse(text, language_hint=hint)
        state, language, switched_from = self._choose_language(state, parsed, hint)
        level = parsed.risk.level  # the NLU already raises it for a confident emergency
        self.metrics.inc("risk_turns_total", level=level)
        risk = accumulate_risk([state.risk, parsed.risk])
        state = replace(state.with_turn(TurnRecord(text, parsed.intent, level)), risk=risk)
        if state.unreachable:
            state = replace(state, unreachable=False)  # they wrote, so they can be reached

        open_case = case if isinstance(case, CaseRef) else None
        must_escalate = risk_rank(risk.level) >= risk_rank("high") and (
            risk_rank(risk.level) > risk_rank(state.escalated_level)
            or (open_case is None and risk_rank(level) >= risk_rank("high"))
        )
        actions: list[Action]
        if open_case is not None and open_case.taken:
            state, actions = self._while_taken(state, parsed, risk, must_escalate)
            actions += [RelayToCase(text), PauseForOperator(open_case.number)]
        else:
            state, actions = self._respond(state, language, parsed, risk, must_escalate, case)
            if open_case is not None:
                # Nobody has taken the case yet: answer, say so, and keep the operator informed.
                actions = [AnsweredWhileWaiting(open_case.number), *actions, RelayToCase(text)]
            elif isinstance(case, CaseUnknown) and not must_escalate:
                # Whether a case is open is unknown: the message is kept, and relayed if so
                # (an escalation carries it in its excerpt already).
                actions.append(RelayToCase(text))
        if state.language is not None and state.language != language:
            # The person asked for the other language: this reply is already in it.
            language, switched_from = state.language, None
            return state, Reply(language, tuple(actions), switched_language=True)
        if switched_from is not None:
            actions.append(OfferOptions((opt.language(switched_from),)))
        return state, Reply(language, tuple(actions), switched_language=switched_from is not None)

    def _respond(
        self,
        state: ConversationState,
        language: Language,
        parsed: ParseResult,
        risk: RiskAssessment,
        must_escalate: bool,
        case: CaseLookup,
    ) -> tuple[ConversationState, list[Action]]:
        """The reply when no operator has taken a case: safety first, then the answer."""
        in_case = isinstance(case, CaseRef)
        situations = parsed.risk.situations or risk.situations
        if must_escalate:
            row = safety_row(situations, risk.level)
            assert row is not None  # at least high
            state, actions = self._safety(state, row, risk, parsed.intent)
            return state, actions + self._question(parsed)
        turn_level = parsed.risk.level
        if in_case and risk_rank(turn_level) >= risk_rank("high"):
            # The operators already have it: the first steps again, and no second case.
            row = safety_row(situations, turn_level)
            assert row is not None
            return state, [*first_steps(row), SayText(WITH_OPERATOR), *self._question(parsed)]
        if in_case and self.answers.is_confident(parsed) and parsed.intent == "ask_operator":
            return state, [SayText(WITH_OPERATOR)]
        state, actions = self._answer_text(state, language, parsed)
        if not in_case and risk_rank(risk.level) >= risk_rank("concern"):
            offer = concern_row(situations).text or CONCERN
            actions += [SayText(offer), OfferOptions((opt.operator(),))]
        return state, actions

    def _safety(
        self, state: ConversationState, row: SafetyRow, risk: RiskAssessment, intent: str
    ) -> tuple[ConversationState, list[Action]]:
        """The row's parts as actions; its CASE part opens or raises the person's case."""
        level = max(risk.level, row.level, key=risk_rank)
        reason = "emergency" if level == "emergency" else "risk"
        state, escalate = self._case(state, level, risk, reason, intent)
        self.metrics.inc("safety_responses_total", level=row.level, situation=row.situation or "-")
        return state, row_actions(row, escalate)

    def _while_taken(
        self,
        state: ConversationState,
        parsed: ParseResult,
        risk: RiskAssessment,
        must_escalate: bool,
    ) -> tuple[ConversationState, list[Action]]:
        """An operator has the case: quiet, but for the emergency numbers; risk still raises it."""
        actions: list[Action] = []
        if must_escalate:
            reason = "emergency" if risk.level == "emergency" else "risk"
            state, escalate = self._case(
                state, risk.level, risk, reason, parsed.intent, next_msgid=None
            )
            actions.append(escalate)
        if parsed.risk.level == "emergency" or (must_escalate and risk.level == "emergency"):
            actions.insert(0, ShowEmergencyNumbers())
        return state, actions

    def _question(self, parsed: ParseResult) -> list[Action]:
        """Their question still deserves an answer while an operator is on the way."""
        if not self.answers.is_confident(parsed) or parsed.intent not in ANSWERED_WHILE_ESCALATING:
            return []
        self.metrics.inc("answers_total", intent=parsed.intent)
        return [ShowAnswer(parsed.intent)]

    def _choose_language(
        self, state: ConversationState, parsed: ParseResult, hint: Language | None
    ) -> tuple[ConversationState, Language, Language | None]:
        """Follow the language of a clear message; short or ambiguous ones never switch it."""
        current = state.language
        if current is None:
            language = parsed.language if parsed.language_clear or hint is None else hint
            return replace(state, language=language), language, None
        if parsed.language_clear and parsed.language != current:
            self.metrics.inc("language_switches_total")
            return replace(state, language=parsed.language), parsed.language, current
        return state, current, None

    def _answer_text(
        self, state: ConversationState, language: Language, parsed: ParseResult
    ) -> tuple[ConversationState, list[Action]]:
        if not self.answers.is_confident(parsed):
            return state, self.answers.unsure(parsed)
        intent = parsed.intent
        if intent == "ask_operator":
            return self._escalate(state, state.risk, "ask_operator", intent)
        if intent == "change_language":
            target = named_language(parsed.text) or other_language(language)
            menu = OfferOptions(opt.top_menu(), CHOOSE_TOPIC)
            return replace(state, language=target), [SayText(LANGUAGE_SET), menu]
        conversational = self.answers.conversational(intent)
        return state, conversational or self.answers.topic(language, intent, parsed.text)

    # -- options ----------------------------------------------------------------------

    async def _option(
        self, turn: Turn, option_id: str, state: ConversationState, case: CaseLookup
    ) -> tuple[ConversationState, Reply]:
        kind, argument = opt.split(option_id)
        # Not remembered until chosen or written in: a guess must not later look like a
        # language the person switched away from.
        language = state.language or turn.language_hint or DEFAULT_LANGUAGE
        if kind == "lang" and argument in LANGUAGES:
            language = next(lang for lang in LANGUAGES if lang == argument)
            state = replace(state, language=language)
            return state, Reply(language, (SayText(GREETING), OfferOptions(opt.top_menu())))
        if isinstance(case, CaseRef) and case.taken:
            return state, Reply(language, (SayText(WITH_OPERATOR), PauseForOperator(case.number)))
        actions: list[Action]
        if isinstance(case, CaseRef) and option_id == opt.OPERATOR:
            actions = [SayText(WITH_OPERATOR)]  # they have a case already
        elif kind == "intent" and argument in opt.TOPICS:
            actions = self.answers.topic(language, argument)
            state = replace(state, last_intent=argument)
        elif kind == "menu" and argument in opt.GROUPS:
            actions = [OfferOptions(opt.group_menu(argument), CHOOSE_TOPIC)]
        elif option_id == opt.OPERATOR:
            state, actions = self._escalate(state, state.risk, "ask_operator", None)
        elif option_id == opt.LANGUAGE:
            actions = [AskLanguage()]
        elif option_id in (opt.HELPFUL_YES, opt.HELPFUL_NO):
            actions = self.answers.feedback(option_id == opt.HELPFUL_YES)
        else:
            actions = [OfferOptions(opt.top_menu(), CHOOSE_TOPIC)]
        if isinstance(case, CaseRef):
            actions.insert(0, AnsweredWhileWaiting(case.number))
        return state, Reply(language, tuple(actions))

    # -- escalation -------------------------------------------------------------------

    async def _lookup(self, user_key: str) -> CaseLookup:
        """Ask the case service on every turn: it alone knows about cases opened elsewhere
        (the phone line) or closed by an operator."""
        try:
            return await self.escalator.open_case(user_key)
        except Exception as exc:  # noqa: BLE001 - whatever the case service's failure
            # Not "no case": a person with an open case must not lose their relay.
            # Only the error's type is logged: database errors can quote stored text.
            log.error("open_case failed: %s", type(exc).__name__)
            return UNKNOWN

    def _escalate(
        self, state: ConversationState, risk: RiskAssessment, reason: str, intent: str | None
    ) -> tuple[ConversationState, list[Action]]:
        """The person asked for an operator: open or raise their case at the level so far."""
        level = risk.level
        actions: list[Action] = [ShowEmergencyNumbers()] if level == "emergency" else []
        state, escalate = self._case(state, level, risk, reason, intent)
        return state, [*actions, escalate]

    def _case(
        self,
        state: ConversationState,
        level: RiskLevel,
        risk: RiskAssessment,
        reason: str,
        intent: str | None,
        next_msgid: str | None = "",
    ) -> tuple[ConversationState, Escalate]:
        """Decide to open or raise the person's case; `CaseActions` makes it happen.

        `risk`: the conversation's so far, whose indicators and situations the case keeps.

        `next_msgid`: what the person is told once the case exists; "" for the level's own
        words, None for nothing (an operator already has the case).
        """
        if next_msgid == "":
            next_msgid = {"emergency": EMERGENCY_NEXT, "high": CASE_NEXT}.get(level, OPERATOR_NEXT)
        escalate = Escalate(
            level,
            risk.indicators,
            reason,
            intent=intent,
            excerpt=tuple(t.text for t in state.turns),
            next_msgid=next_msgid,
            situations=risk.situations,
        )
        escalated = max(state.escalated_level, level, key=risk_rank)
        return replace(state, escalated_level=escalated), escalate


def _level(value: str) -> RiskLevel:
    return next((level for level in RISK_LEVELS if level == value), "none")
