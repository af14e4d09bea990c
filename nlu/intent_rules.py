"""Labelling rules the classifier cannot learn from single examples, applied to its ranking.

The intent is what the person mainly asks (shared/domain/INTENTS.md and the
headers of nlu/data): a topic question whose second sentence mentions harm
keeps its topic, risk carries the harm; unpaid wages plus another red flag is
`report_exploitation`; immediate danger is `emergency`. The classifier sees a
whole message and leans towards `report_exploitation` whenever harm appears,
so these rules use the risk assessment and per-sentence rankings to correct it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from nlu.catalogue import SECOND_WAVE_INTENTS
from nlu.types import IntentScore, NormalizedText, RiskAssessment

Ranker = Callable[[NormalizedText], list[IntentScore]]
SentenceFlag = Callable[[str], bool]  # whether one sentence alone carries a serious flag
SERIOUS: Final = frozenset({"high", "emergency"})

REPORT: Final = "report_exploitation"
# Intents a sentence can "mainly ask" about next to a mentioned harm.
# Violence outside work, asked about for help; like a report, it yields to a topic question.
VIOLENCE: Final = "violence_support"
TOPIC_INTENTS: Final = frozenset(
    {
        "work_permit",
        "employment_contract",
        "stay_duration",
        "medical_care",
        "pension",
        "children_education",
        "diploma_recognition",
        "medical_exam_fingerprinting",
        "registration_russia",
        "registration_kazakhstan",
        "consular_registration",
        "entry_ban",
        "lost_documents",
        "contacts",
        "ask_operator",
        # The second wave's topics but violence: "Как отправить деньги домой? Хозяин забрал
        # паспорт" is a remittances question with high risk (nlu/eval/README.md, test2 rules).
        *(intent for intent in SECOND_WAVE_INTENTS if intent != VIOLENCE),
    }
)
TOPIC_CONFIDENCE: Final = 0.5
# "…но главное хозяин забрал паспорт": the writer says the harm is the main point.
_HARM_IS_MAIN: Final = re.compile(r"\b(главное|самое главное|негизгиси|башкысы|маанилуусу)\b")
_SENTENCES: Final = re.compile(r"(?<=[.!?…\n])\s*|\s*\n\s*")


def _promote(ranking: Sequence[IntentScore], intent: str) -> list[IntentScore]:
    """Swap `intent` with the top: it takes the top confidence, the old top takes its own."""
    top = ranking[0]
    if top.intent == intent:
        return list(ranking)
    chosen = next((s.confidence for s in ranking if s.intent == intent), 0.0)
    rest = [s for s in ranking[1:] if s.intent != intent]
    rest.append(IntentScore(top.intent, chosen))
    rest.sort(key=lambda s: -s.confidence)
    return [IntentScore(intent, top.confidence), *rest]


def _topic_sentence(
    message: NormalizedText, flagged: SentenceFlag, rank: Ranker, *, first: bool = False
) -> str | None:
    """The topic a sentence without a red flag mainly asks; with `first`, only before one."""
    sentences = [s.strip() for s in _SENTENCES.split(message.folded) if s and s.strip()]
    if len(sentences) < 2 or _HARM_IS_MAIN.search(message.folded):
        return None
    for sentence in sentences:
        if flagged(sentence):
            if first:
                return None
            continue  # the sentence with the red flag is not the topic
        part = NormalizedText(original=sentence, cleaned=sentence, folded=sentence)
        best = rank(part)[0]
        if best.intent in TOPIC_INTENTS and best.confidence >= TOPIC_CONFIDENCE:
            return best.intent
    return None


def apply_intent_rules(
    ranking: Sequence[IntentScore],
    message: NormalizedText,
    risk: RiskAssessment,
    flagged: SentenceFlag,
    rank: Ranker,
) -> list[IntentScore]:
    """Return the ranking with the labelling rules applied (usually unchanged)."""
    if not ranking:
        return list(ranking)
    top = ranking[0].intent
    serious = risk.level in SERIOUS
    if top == "wages_unpaid" and serious and set(risk.indicators) - {"withholding_of_wages"}:
        return _promote(ranking, REPORT)
    if top == VIOLENCE and serious:
        # "Как получить свидетельство о рождении? Муж бьет" asks the topic. Only a question
        # before the harm counts: in a story of violence, "Сейчас он на работе" is no topic.
        topic = _topic_sentence(message, flagged, rank, first=True)
        return _promote(ranking, topic) if topic else list(ranking)
    if top not in {REPORT, "emergency"}:
        return list(ranking)
    if risk.level == "emergency":
        return _promote(ranking, "emergency")
    if risk.level == "none":
        # The risk model read no harm: a question about risks, not a report.
        alternative = next(
            (s.intent for s in ranking if s.intent not in {REPORT, "emergency"}), None
        )
        return _promote(ranking, alternative) if alternative else list(ranking)
    if top != REPORT or not serious:
        return list(ranking)
    topic = _topic_sentence(message, flagged, rank)
    return _promote(ranking, topic) if topic else list(ranking)
