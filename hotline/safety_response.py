"""What a person at risk is shown and told: one table, situation × level → ordered parts.

The policy picks the row once (`safety_row`) and turns its parts into reply actions
(`safety_actions`); Telegram, the terminal chat and the phone render those actions, so
every channel follows the same row. docs/safety_responses.md is this table in words, and
tests/safety/ drives every row through both channels in both languages.

Rows exist for the situations of shared/domain/INTENTS.md at the levels where they
happen; `safety_row` maps every other pair to one of them (`suicide_risk` and
`medical_emergency` are always answered as emergencies, any situation without a row of
its own at a level gets the general row of that level).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from hotline import safety_texts as say
from hotline.turns import (
    Action,
    Escalate,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    ShowHelpLines,
)
from nlu.catalogue import RiskLevel, risk_rank


class Part(StrEnum):
    """One part of a safety response, in the order a row lists them."""

    SUPPORT = "support"  # a few supportive words, before anything else
    NUMBERS = "numbers"  # the emergency numbers (content/contacts.yml)
    HELP_LINES = "help_lines"  # helplines with a source in contacts.yml
    STEPS = "steps"  # the situation's safety steps (emergency) or essentials (high)
    CASE = "case"  # the case is opened: what happens next (the policy's `Escalate`)
    STAY_SAFE = "stay_safe"  # mute, delete, /forget
    IF_WORSE = "if_worse"  # how to get help at once if the danger grows
    ANSWER = "answer"  # the content answer that carries the situation's advice
    OFFER = "offer"  # concern: after the answer, the offer of an operator


@dataclass(frozen=True, slots=True)
class SafetyRow:
    situation: str | None  # None: the general row of the level
    level: RiskLevel
    parts: tuple[Part, ...]
    text: str | None = None  # msgid of STEPS or OFFER
    phone_line: str | None = None  # ivr.yml prompt of STEPS: the phone's one safety line
    answer: str | None = None  # intent of ANSWER
    help_lines: tuple[str, ...] = ()  # contact keys of HELP_LINES

    def phone_prompts(self) -> tuple[str, ...]:
        """What the phone says before the transfer, in order (ivr.yml prompts)."""
        said = (phone_prompt(self, part) for part in self.parts)
        return tuple(dict.fromkeys(p for p in said if p is not None))


# Which situation a response is about when the NLU names several: the most urgent first.
PRIMARY_ORDER: Final[tuple[str, ...]] = (
    "suicide_risk",
    "medical_emergency",
    "child_at_risk",
    "missing_person",
    "sexual_exploitation",
    "forced_criminality",
    "forced_labour",
    "domestic_violence",
    "violence",
    "stranded",
    "labour_rights",
)
ALWAYS_EMERGENCY: Final = frozenset({"suicide_risk", "medical_emergency"})
CRISIS_LINES: Final = ("crisis_line_kz",)  # the only crisis line with a source in contacts.yml


@dataclass(frozen=True, slots=True)
class Advice:
    """What a family of situations shares: the phone's safety line and the longer answer."""

    phone_line: str | None = None  # a prompt of ivr.yml
    answer: str | None = None  # a content intent


HELD: Final = Advice("safety_held", "report_exploitation")  # someone holds or controls them
HURT: Final = Advice("safety_violence", "violence_support")
SEARCH: Final = Advice("safety_search")  # a missing or endangered person: what to tell 112
MEDICAL: Final = Advice("safety_medical")
ANY: Final = Advice("safety_generic")
NONE: Final = Advice()

_P = Part
NOW: Final = (_P.NUMBERS, _P.STEPS, _P.CASE)
NOW_ADVICE: Final = (*NOW, _P.ANSWER)
SOON: Final = (_P.STEPS, _P.CASE, _P.STAY_SAFE, _P.IF_WORSE)
SOON_ADVICE: Final = (*SOON, _P.ANSWER)
# A missing or endangered person: the numbers and what to tell them, at every level.
SOON_SEARCH: Final = (_P.NUMBERS, _P.STEPS, _P.CASE, _P.STAY_SAFE)
SUICIDE: Final = (_P.SUPPORT, _P.NUMBERS, _P.HELP_LINES, _P.STEPS, _P.CASE)
OFFER: Final = (_P.OFFER,)


def _row(
    situation: str | None, level: RiskLevel, parts: tuple[Part, ...], text: str, advice: Advice
) -> SafetyRow:
    lines = CRISIS_LINES if Part.HELP_LINES in parts else ()
    return SafetyRow(situation, level, parts, text, advice.phone_line, advice.answer, lines)


ROWS: Final[tuple[SafetyRow, ...]] = (
    _row("suicide_risk", "emergency", SUICIDE, say.STEPS_SUICIDE, NONE),
    _row("medical_emergency", "emergency", NOW, say.STEPS_MEDICAL, MEDICAL),
    _row("child_at_risk", "emergency", NOW, say.STEPS_CHILD, SEARCH),
    _row("missing_person", "emergency", NOW, say.STEPS_MISSING, SEARCH),
    _row("sexual_exploitation", "emergency", NOW_ADVICE, say.STEPS_SEXUAL_NOW, HELD),
    _row("forced_criminality", "emergency", NOW_ADVICE, say.STEPS_HELD_NOW, HELD),
    _row("forced_labour", "emergency", NOW_ADVICE, say.STEPS_HELD_NOW, HELD),
    _row("domestic_violence", "emergency", NOW_ADVICE, say.STEPS_DOMESTIC_NOW, HURT),
    _row("violence", "emergency", NOW_ADVICE, say.STEPS_VIOLENCE_NOW, HURT),
    _row(None, "emergency", NOW, say.STEPS_DANGER_NOW, ANY),
    _row("child_at_risk", "high", SOON_SEARCH, say.STEPS_CHILD, SEARCH),
    _row("missing_person", "high", SOON_SEARCH, say.STEPS_MISSING, SEARCH),
    _row("sexual_exploitation", "high", SOON_ADVICE, say.ESSENTIALS_SEXUAL, HELD),
    _row("forced_criminality", "high", SOON_ADVICE, say.ESSENTIALS_CRIMINALITY, HELD),
    _row("forced_labour", "high", SOON_ADVICE, say.ESSENTIALS_FORCED_LABOUR, HELD),
    _row("domestic_violence", "high", SOON_ADVICE, say.ESSENTIALS_DOMESTIC, HURT),
    _row("violence", "high", SOON_ADVICE, say.ESSENTIALS_VIOLENCE, HURT),
    _row(None, "high", SOON, say.ESSENTIALS_DANGER, ANY),
    # concern: the answer to the person's question comes first (the policy's), then this
    _row("stranded", "concern", OFFER, say.CONCERN_STRANDED, NONE),
    _row("labour_rights", "concern", OFFER, say.CONCERN_LABOUR_RIGHTS, NONE),
    _row(None, "concern", OFFER, say.CONCERN, NONE),
)
TABLE: Final[dict[tuple[str | None, RiskLevel], SafetyRow]] = {
    (row.situation, row.level): row for row in ROWS
}
# Texts that only a safety response shows (a reply carrying one already has its advice).
SAFETY_MSGIDS: Final = frozenset(
    {row.text for row in ROWS if row.text}
    | {say.SUPPORT_SUICIDE, say.STAY_SAFE, say.IF_DANGER_GROWS}
)
# The parts said again when a message in an open case does not raise it.
FIRST_STEPS: Final = frozenset({Part.SUPPORT, Part.NUMBERS, Part.HELP_LINES, Part.STEPS})
# Texts shown even before the emergency numbers.
BEFORE_NUMBERS: Final = frozenset({say.SUPPORT_SUICIDE})


def primary_situation(situations: Iterable[str]) -> str | None:
    """The situation a response is about: the most urgent of those named."""
    named = set(situations)
    return next((s for s in PRIMARY_ORDER if s in named), None)


def safety_row(situations: Iterable[str], level: RiskLevel) -> SafetyRow | None:
    """The row for what the NLU found; None below `concern` (nothing to add to an answer)."""
    if risk_rank(level) < risk_rank("concern"):
        return None
    situation = primary_situation(situations)
    if situation in ALWAYS_EMERGENCY and risk_rank(level) >= risk_rank("high"):
        level = "emergency"
    return TABLE.get((situation, level)) or TABLE[None, level]


def concern_row(situations: Iterable[str]) -> SafetyRow:
    """The offer of an operator after an answer, worded for the situation where it has words."""
    return TABLE.get((primary_situation(situations), "concern")) or TABLE[None, "concern"]


def phone_prompt(row: SafetyRow, part: Part) -> str | None:
    """What the phone says for one part of a row (None: nothing)."""
    match part:
        case Part.SUPPORT:
            return "safety_suicide"
        case Part.NUMBERS | Part.IF_WORSE:
            return "emergency"
        case Part.HELP_LINES:
            return "crisis_line" if row.help_lines else None
        case Part.STEPS:
            return row.phone_line
        case Part.CASE | Part.STAY_SAFE | Part.ANSWER | Part.OFFER:
            return None


def part_actions(row: SafetyRow, part: Part) -> list[Action]:
    """The reply actions of one part; CASE and OFFER are the policy's (a case, a button)."""
    prompt = phone_prompt(row, part)
    match part:
        case Part.SUPPORT:
            return [SayText(say.SUPPORT_SUICIDE, prompt=prompt)]
        case Part.NUMBERS:
            return [ShowEmergencyNumbers()]
        case Part.HELP_LINES:
            return [ShowHelpLines(row.help_lines, prompt)]
        case Part.STEPS:
            return [SayText(row.text, prompt=prompt)] if row.text else []
        case Part.STAY_SAFE:
            return [SayText(say.STAY_SAFE)]
        case Part.IF_WORSE:
            numbers = (("emergency_ru", "emergency_ru"), ("emergency_kz", "emergency_kz"))
            return [SayText(say.IF_DANGER_GROWS, contacts=numbers, prompt=prompt)]
        case Part.ANSWER:
            return [ShowAnswer(row.answer)] if row.answer else []
        case Part.CASE | Part.OFFER:
            return []


def row_actions(row: SafetyRow, case: Escalate) -> list[Action]:
    """The whole row as reply actions, the case's `Escalate` at its CASE part."""
    actions: list[Action] = []
    for part in row.parts:
        actions += [case] if part is Part.CASE else part_actions(row, part)
    return actions


def first_steps(row: SafetyRow) -> list[Action]:
    """What is said again of a row when the operators already have the case."""
    return [
        action for part in row.parts if part in FIRST_STEPS for action in part_actions(row, part)
    ]
