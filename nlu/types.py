"""Plain data types of the understanding layer, apart from their implementations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from nlu.catalogue import Language, RiskLevel, risk_rank


@dataclass(frozen=True, slots=True)
class IntentScore:
    intent: str
    confidence: float


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    level: RiskLevel = "none"
    indicators: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()  # names of nlu.catalogue.SITUATIONS, most likely first
    # The model's probability of "at least high" (the score of the precision-recall curve)
    # and the piece of the message that carried it. Neither is part of the parse output,
    # and `evidence` is message text: it is never stored or logged.
    score: float = 0.0
    evidence: str = ""

    def is_at_least(self, level: RiskLevel) -> bool:
        return risk_rank(self.level) >= risk_rank(level)

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "indicators": list(self.indicators),
            "situations": list(self.situations),
        }


@dataclass(frozen=True, slots=True)
class ParseResult:
    """One understood message; `to_json` is the `hotline nlu parse` line."""

    text: str
    language: Language
    intent: str
    confidence: float
    risk: RiskAssessment
    ranking: tuple[IntentScore, ...] = ()
    entities: tuple[dict[str, Any], ...] = ()
    # False for short or ambiguous text ("ok", "189"): the conversation never switches on it.
    language_clear: bool = True
    engine: str = "embedded"
    fallback: bool = False  # True when the configured engine failed and another answered

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "risk": self.risk.to_json(),
            "entities": list(self.entities),
        }


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A message prepared for matching; `original` is kept for language identification."""

    original: str
    cleaned: str  # Unicode-normalised, lower-cased, Latin transliterated to Cyrillic
    folded: str  # `cleaned` with ө/ү/ң folded to о/у/н, for matching either spelling
    tokens: tuple[str, ...] = field(default=())


class IntentEngine(Protocol):
    """Ranks intents for one message; language identification and risk stay outside."""

    name: str

    async def rank(self, message: NormalizedText, language: Language) -> list[IntentScore]:
        """Return intents with calibrated confidences, most likely first."""
        ...
