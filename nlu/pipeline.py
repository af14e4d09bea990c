"""`Understanding`: normalise, identify the language, rank intents, assess risk.

Language identification and risk assessment are always ours; only the intent
ranking comes from the configured engine. If that engine (Rasa over HTTP)
fails or is slow, the embedded engine answers and the result says so.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Literal

from nlu.catalogue import Language
from nlu.data import DEFAULT_DATA_DIR
from nlu.embedded import DEFAULT_CACHE_DIR, EmbeddedEngine
from nlu.intent_rules import apply_intent_rules
from nlu.language import LanguageGuess, LanguageIdentifier, default_identifier
from nlu.normalize import MAX_CHARS, normalize, sanitize
from nlu.risk import assess_risk
from nlu.risk_floor import PhraseFloor, load_floor
from nlu.risk_model import RiskModel
from nlu.risk_training import load_or_train_risk_model
from nlu.types import IntentEngine, IntentScore, NormalizedText, ParseResult

logger = logging.getLogger(__name__)

EngineName = Literal["embedded", "rasa"]
DEFAULT_RASA_URL: Final = "http://127.0.0.1:5005"
DEFAULT_TIMEOUT: Final = 0.5
OUT_OF_SCOPE: Final = "out_of_scope"
RANKING_SIZE: Final = 5  # enough for a "did you mean" menu; the rest is noise
MAX_RISK_CHARS: Final = 200_000  # a message is read for red flags up to this length
WINDOW_OVERLAP: Final = 500  # characters shared by neighbouring risk windows


class Understanding:
    """The one understanding entry point of the core, the bot, the phone line and the CLI."""

    def __init__(
        self,
        engine: IntentEngine,
        embedded: EmbeddedEngine,
        identifier: LanguageIdentifier,
        risk_model: RiskModel,
        floor: PhraseFloor,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.engine = engine
        self.embedded = embedded
        self.identifier = identifier
        self.risk_model = risk_model
        self.floor = floor
        self.timeout = timeout
        self.counters: dict[str, int] = {
            "parse_total": 0,
            "engine_fallback_total": 0,
            "out_of_scope_total": 0,
            "risk_high_total": 0,
            "risk_emergency_total": 0,
        }

    async def aclose(self) -> None:
        """Release the engine's connections (the Rasa engine keeps an HTTP session)."""
        close = getattr(self.engine, "close", None)
        if close is not None:
            await close()

    def _language(self, message: NormalizedText, hint: Language | None) -> LanguageGuess:
        guess = self.identifier.identify(message)
        if guess.clear or hint is None:
            return guess
        # Short or ambiguous ("ok", "189"): keep the conversation's language.
        return LanguageGuess(language=hint, clear=False, scores=guess.scores)

    def _result(
        self,
        text: str,
        message: NormalizedText,
        guess: LanguageGuess,
        ranking: Sequence[IntentScore],
        engine: IntentEngine,
        fallback: bool,
    ) -> ParseResult:
        # Each engine owns its out_of_scope threshold (the embedded one tunes it on data).
        threshold = float(getattr(engine, "threshold", 0.0))
        windows = [message.folded]
        if len(text) > MAX_CHARS:
            windows.extend(self._windows_after_head(text))
        # Risk depends on the text alone, never on the engine that ranks intents.
        risk, _ = assess_risk(self.risk_model, self.floor, windows)
        ranking = apply_intent_rules(
            ranking, message, risk, self._sentence_flagged, self.embedded.rank_sync
        )
        top = ranking[0] if ranking else IntentScore(OUT_OF_SCOPE, 0.0)
        intent, confidence = top.intent, top.confidence
        if not message.tokens or confidence < threshold:
            intent = OUT_OF_SCOPE
            self.counters["out_of_scope_total"] += 1
        self.counters["parse_total"] += 1
        if risk.level == "high":
            self.counters["risk_high_total"] += 1
        elif risk.level == "emergency":
            self.counters["risk_emergency_total"] += 1
        return ParseResult(
            text=text,
            language=guess.language,
            intent=intent,
            confidence=confidence,
            risk=risk,
            ranking=tuple(ranking[:RANKING_SIZE]),
            language_clear=guess.clear,
            engine=engine.name,
            fallback=fallback,
        )

    def _sentence_flagged(self, sentence: str) -> bool:
        """Whether one sentence alone is serious to the model or holds a floor phrase."""
        probabilities, _ = self.risk_model.message_probabilities(sentence)
        read = self.risk_model.decide(probabilities)
        return read.level in {"high", "emergency"} or bool(self.floor.find(sentence))

    @staticmethod
    def _windows_after_head(text: str) -> list[str]:
        """The folded windows beyond the first MAX_CHARS: a red flag may come last.

        Intent ranking reads the head only; risk reads the whole message (up to
        MAX_RISK_CHARS) in overlapping windows, so a flag across a boundary is still seen.
        """
        step = MAX_CHARS - WINDOW_OVERLAP
        return [
            normalize(text[start : start + MAX_CHARS]).folded
            for start in range(step, min(len(text), MAX_RISK_CHARS), step)
        ]

    @staticmethod
    def _prepare(text: str) -> tuple[str, NormalizedText]:
        message = normalize(text)
        # Echo the sanitised text: lone surrogates and control characters cannot be
        # written as JSON lines; matching itself only looks at the first MAX_CHARS.
        shown = message.original if len(text) <= MAX_CHARS else sanitize(text)
        return shown, message

    def parse_sync(self, text: str, language_hint: Language | None = None) -> ParseResult:
        """Understand one message with the embedded engine (benchmarks, CLI, tests)."""
        shown, message = self._prepare(text)
        guess = self._language(message, language_hint)
        ranking = self.embedded.rank_sync(message, guess.language)
        return self._result(shown, message, guess, ranking, self.embedded, False)

    async def parse(self, text: str, language_hint: Language | None = None) -> ParseResult:
        """Understand one message; falls back to the embedded engine if the engine fails."""
        shown, message = self._prepare(text)
        guess = self._language(message, language_hint)
        if self.engine is self.embedded:
            ranking = self.embedded.rank_sync(message, guess.language)
            return self._result(shown, message, guess, ranking, self.embedded, False)
        try:
            ranking = await asyncio.wait_for(
                self.engine.rank(message, guess.language), timeout=self.timeout
            )
            if not ranking:
                raise ValueError("the engine returned an empty ranking")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any engine failure must still get an answer
            self.counters["engine_fallback_total"] += 1
            logger.warning(
                "engine %s failed (%s); using the embedded engine",
                self.engine.name,
                type(exc).__name__,
            )
            ranking = self.embedded.rank_sync(message, guess.language)
            return self._result(shown, message, guess, ranking, self.embedded, True)
        return self._result(shown, message, guess, ranking, self.engine, False)


class UnavailableEngine:
    """Stands in for an engine that could not be built, so every parse counts a fallback."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    async def rank(self, message: NormalizedText, language: Language) -> list[IntentScore]:
        raise RuntimeError(f"engine {self.name} unavailable: {self.reason}")


def _rasa_engine(rasa_url: str, timeout: float) -> IntentEngine:
    # Imported lazily: the Rasa engine is optional and lives in its own module.
    try:
        module = importlib.import_module("nlu.rasa.engine")
        engine: IntentEngine = module.RasaEngine(rasa_url, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - a broken optional engine must not stop the bot
        logger.warning("Rasa engine unavailable (%s); the embedded engine answers", exc)
        return UnavailableEngine("rasa", type(exc).__name__)
    return engine


def build_understanding(
    engine: EngineName = "embedded",
    rasa_url: str = DEFAULT_RASA_URL,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    data_dir: Path = DEFAULT_DATA_DIR,
    cache_dir: Path = DEFAULT_CACHE_DIR,
) -> Understanding:
    """Wire an `Understanding`; the embedded engine is always loaded, as the fallback.

    Risk is always ours, whatever engine ranks intents: the trained risk model over the
    floor of exact red-flag phrases.
    """
    embedded = EmbeddedEngine.load(data_dir, cache_dir)
    primary: IntentEngine = embedded
    if engine == "rasa":
        primary = _rasa_engine(rasa_url, timeout)
    return Understanding(
        primary,
        embedded,
        default_identifier(data_dir),
        load_or_train_risk_model(cache_dir=cache_dir),
        load_floor(),
        timeout=timeout,
    )
