"""Risk assessment on every message: the trained model over the exact-phrase floor.

The model (`nlu.risk_model`) reads the message whole and piece by piece and names
the level, the ILO indicators and the situations. The floor (`nlu.risk_floor`)
lists phrases Hotline 189 knows to be red flags: a message containing one is never
rated below that phrase's level. Over a conversation, assessments accumulate and
never decay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np

from nlu.catalogue import INDICATORS, SITUATIONS, RiskLevel, risk_rank
from nlu.risk_floor import PhraseFloor, RedFlagPhrase, floor_level
from nlu.risk_model import CONCERN_SITUATIONS, FloatArray, RiskModel
from nlu.types import RiskAssessment

# "One may be enough; several together are a strong sign" (ILO): over a conversation,
# a second distinct indicator in another turn makes the case `high`. Within one message
# the model's level stands ("long shifts and unpaid overtime", said at once, is a concern).
SEVERAL_INDICATORS: Final = 2


def ordered_indicators(indicators: Iterable[str]) -> tuple[str, ...]:
    present = set(indicators)
    return tuple(i for i in INDICATORS if i in present)


def ordered_situations(situations: Iterable[str]) -> tuple[str, ...]:
    present = set(situations)
    return tuple(s for s in SITUATIONS if s in present)


def read_windows(model: RiskModel, windows: Sequence[str]) -> tuple[FloatArray, str]:
    """The model's head probabilities over a message's windows (max), and the flag's piece."""
    if len(windows) == 1:  # all but very long messages
        return model.message_probabilities(windows[0])
    best: FloatArray | None = None
    evidence, evidence_score = "", -1.0
    for window in windows:
        probabilities, piece = model.message_probabilities(window)
        if float(probabilities[1]) > evidence_score:
            evidence, evidence_score = piece, float(probabilities[1])
        best = probabilities if best is None else np.maximum(best, probabilities)
    if best is None:
        raise ValueError("a message has at least one window")
    return best, evidence


def assess_risk(
    model: RiskModel, floor: PhraseFloor, windows: Sequence[str]
) -> tuple[RiskAssessment, list[RedFlagPhrase]]:
    """Assess one message from its folded windows (one, unless it is very long).

    Returns the assessment and the floor's phrases found (for explanations).
    """
    probabilities, evidence = read_windows(model, windows)
    hits = [hit for window in windows for hit in floor.find(window)]
    floor_at = floor_level(hits)
    read = model.decide(probabilities, evidence, floor=floor_at)
    situations = read.situations
    if floor_at != "none" and read.level == floor_at:
        # The floor set the level: its situations are the best guess the model lacked.
        model_level = model.decide(probabilities).level
        if model_level == "none":
            situations = ordered_situations(s for h in hits for s in h.situations)
    if hits:
        evidence = hits[0].phrase
    assessment = RiskAssessment(
        level=read.level,
        indicators=ordered_indicators([*read.indicators, *(i for h in hits for i in h.indicators)]),
        situations=situations,
        score=read.score,
        evidence=evidence if read.level != "none" else "",
    )
    return assessment, hits


def accumulate_risk(assessments: Iterable[RiskAssessment]) -> RiskAssessment:
    """Combine a conversation's assessments: never below the worst, union of indicators.

    Distinct indicators reported in different turns (no single turn already carries
    them all) are new evidence, and make the conversation at least `high`.
    """
    level: RiskLevel = "none"
    per_turn: list[frozenset[str]] = []
    evidence = ""
    ranked: list[tuple[int, int, str]] = []  # (-level, turn, situation): worst turn first
    for turn, assessment in enumerate(assessments):
        if risk_rank(assessment.level) > risk_rank(level):
            level = assessment.level
            evidence = assessment.evidence or evidence
        per_turn.append(frozenset(assessment.indicators))
        ranked.extend((-risk_rank(assessment.level), turn, s) for s in assessment.situations)
    situations = [s for _, _, s in sorted(ranked)]
    union = frozenset().union(*per_turn)
    spread = not any(turn >= union for turn in per_turn)
    if len(union) >= SEVERAL_INDICATORS and spread and risk_rank(level) < risk_rank("high"):
        level = "high"
    kept = tuple(dict.fromkeys(situations))  # most serious turn's, most likely first
    if risk_rank(level) > risk_rank("concern"):
        # Once it is serious, "stranded" alone no longer describes it; keep it beside others.
        kept = tuple(s for s in kept if s not in CONCERN_SITUATIONS) or kept
    return RiskAssessment(
        level=level, indicators=ordered_indicators(union), situations=kept, evidence=evidence
    )
