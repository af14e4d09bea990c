"""The risk floor: exact red-flag phrases that the model's reading never lowers.

`nlu/risk_phrases.yml` lists short phrases that say harm plainly ("меня бьют",
"паспортумду алып коюшту"), each with its level, ILO indicators and situations.
They are matched as whole words on the folded text (so Latin typing and missing
ө/ү/ң are covered) in one Aho-Corasick pass. A reviewer can read every line; the
model does the generalising, the floor guarantees that what Hotline 189 knows to be
a red flag is never missed, and names the indicator and the phrase for operators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import ahocorasick
import yaml

from nlu.catalogue import INDICATORS, RISK_LEVELS, SITUATIONS, RiskLevel, risk_rank
from nlu.normalize import normalize

DEFAULT_PHRASES: Final = Path(__file__).resolve().parent / "risk_phrases.yml"


@dataclass(frozen=True, slots=True)
class RedFlagPhrase:
    phrase: str  # folded, as matched
    level: RiskLevel
    indicators: tuple[str, ...]
    situations: tuple[str, ...]


class PhraseFloor:
    """Finds the listed phrases in a folded message, as whole words."""

    def __init__(self, phrases: Iterable[RedFlagPhrase]) -> None:
        self.phrases = tuple(phrases)
        self._automaton = ahocorasick.Automaton()
        for phrase in self.phrases:
            self._automaton.add_word(phrase.phrase, phrase)
        if self.phrases:
            self._automaton.make_automaton()

    def find(self, folded: str) -> list[RedFlagPhrase]:
        """The phrases in `folded`, each once, in the order they first appear."""
        if not self.phrases:
            return []
        found: dict[str, RedFlagPhrase] = {}
        size = len(folded)
        for end, phrase in self._automaton.iter(folded):
            start = end - len(phrase.phrase) + 1
            before = folded[start - 1] if start > 0 else " "
            after = folded[end + 1] if end + 1 < size else " "
            if not before.isalnum() and not after.isalnum():
                found.setdefault(phrase.phrase, phrase)
        return list(found.values())


def floor_level(hits: Iterable[RedFlagPhrase]) -> RiskLevel:
    """The most serious level among the phrases found."""
    level: RiskLevel = "none"
    for hit in hits:
        if risk_rank(hit.level) > risk_rank(level):
            level = hit.level
    return level


def _names(raw: Any, allowed: tuple[str, ...], what: str, where: str) -> tuple[str, ...]:
    names = tuple(str(n) for n in (raw or []))
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ValueError(f"{where}: unknown {what} {', '.join(unknown)}")
    return names


def parse_phrases(document: dict[str, Any]) -> list[RedFlagPhrase]:
    """Read the YAML document: groups of phrases sharing a level, indicators, situations."""
    phrases: list[RedFlagPhrase] = []
    for number, group in enumerate(document.get("groups") or [], start=1):
        where = f"group {number} ({group.get('id', '?')})"
        level = str(group.get("level"))
        if level not in RISK_LEVELS or level == "none":
            raise ValueError(f"{where}: level must be concern, high or emergency")
        indicators = _names(group.get("indicators"), INDICATORS, "indicator", where)
        situations = _names(group.get("situations"), SITUATIONS, "situation", where)
        if not situations:
            raise ValueError(f"{where}: name at least one situation")
        for text in group.get("phrases") or []:
            folded = normalize(str(text)).folded.strip()
            if len(folded) < 4:
                raise ValueError(f"{where}: phrase {text!r} is too short to be exact")
            phrases.append(RedFlagPhrase(folded, level, indicators, situations))
    return phrases


@lru_cache(maxsize=4)
def load_floor(path: Path = DEFAULT_PHRASES) -> PhraseFloor:
    """Load and index the phrase list (cached: one automaton per process)."""
    with path.open(encoding="utf-8") as handle:
        return PhraseFloor(parse_phrases(yaml.safe_load(handle) or {}))
