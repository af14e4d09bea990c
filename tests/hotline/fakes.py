"""Small stand-ins for the NLU and the content store, for unit tests of the core."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from nlu.catalogue import Language, RiskLevel
from nlu.types import IntentScore, ParseResult, RiskAssessment


@dataclass(frozen=True)
class Scripted:
    intent: str
    confidence: float = 0.9
    level: RiskLevel = "none"
    indicators: tuple[str, ...] = ()
    language: Language | None = None  # None: the hint, or "ru"
    clear: bool = True
    ranking: tuple[str, ...] = ()


@dataclass
class FakeUnderstanding:
    """Answers `parse` from a script keyed by the exact text."""

    script: dict[str, Scripted] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: {"parse_total": 0})

    async def parse(self, text: str, language_hint: Language | None = None) -> ParseResult:
        self.counters["parse_total"] += 1
        s = self.script.get(text, Scripted("out_of_scope", 0.2, clear=False))
        language: Language = s.language or language_hint or "ru"
        ranking = tuple(IntentScore(i, 0.3) for i in s.ranking) or (
            IntentScore(s.intent, s.confidence),
        )
        return ParseResult(
            text=text,
            language=language,
            intent=s.intent,
            confidence=s.confidence,
            risk=RiskAssessment(s.level, s.indicators),
            ranking=ranking,
            language_clear=s.clear,
        )


@dataclass(frozen=True)
class FakeAnswer:
    title: str
    related: tuple[str, ...] = ()


class FakeContent:
    contacts: ClassVar[dict[str, object]] = {}

    def answer(self, language: Language, intent: str) -> FakeAnswer:
        related = {"registration_russia": ("stay_duration", "medical_exam_fingerprinting")}
        return FakeAnswer(f"{language}:{intent}", related.get(intent, ()))

    def missions_named(self, text: str) -> tuple[str, ...]:
        return ("consulate_almaty", "embassy_astana") if "алмат" in text.lower() else ()
