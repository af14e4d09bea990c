"""Find a city or country named in a message, however it is spelt or inflected.

A place is written in contacts.yml as the start of each of its words ("алмат", "алма ат",
"петербург"); a message names it when consecutive words of the message start so. Both
sides are normalised as the NLU does, so «Алматыдамын», «в Алмате» and "almaty" meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlu.normalize import normalize


@dataclass(frozen=True, slots=True)
class PlacePattern:
    written: str  # as in contacts.yml, for messages to editors
    stems: tuple[str, ...]  # normalised word starts, in order


def place_pattern(written: str) -> PlacePattern | None:
    """The pattern of a place as written in contacts.yml; None if it has no letters."""
    stems = normalize(written).tokens
    return PlacePattern(written, stems) if stems else None


def message_words(text: str) -> tuple[str, ...]:
    """The normalised words of a message, to match patterns against."""
    return normalize(text).tokens


def names_place(words: Sequence[str], pattern: PlacePattern) -> bool:
    """Whether consecutive `words` start with the pattern's stems."""
    size = len(pattern.stems)
    return any(
        all(
            word.startswith(stem)
            for word, stem in zip(words[i : i + size], pattern.stems, strict=True)
        )
        for i in range(len(words) - size + 1)
    )
