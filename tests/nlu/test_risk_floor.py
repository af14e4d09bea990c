"""The floor: an exact red-flag phrase is never rated below its level, wherever it stands."""

from __future__ import annotations

import pytest

from nlu.catalogue import risk_rank
from nlu.pipeline import Understanding
from nlu.risk_floor import PhraseFloor, RedFlagPhrase, load_floor, parse_phrases

FLOOR = load_floor()


@pytest.mark.parametrize("phrase", FLOOR.phrases, ids=lambda p: p.phrase)
def test_every_phrase_raises_its_level_even_after_a_question(
    understanding: Understanding, phrase: RedFlagPhrase
) -> None:
    for text in (phrase.phrase, f"Сколько стоит патент в Москве? {phrase.phrase}"):
        found = understanding.parse_sync(text).risk
        assert risk_rank(found.level) >= risk_rank(phrase.level), text
        assert found.situations, text


def test_phrases_match_whole_words_only() -> None:
    floor = PhraseFloor(parse_phrases({"groups": [_group(["не дышит"])]}))
    assert floor.find("брат не дышит")
    assert not floor.find("брат не дышится легко")  # "дышится" is not "дышит"


def test_a_phrase_is_found_in_latin_letters_and_without_special_letters(
    understanding: Understanding,
) -> None:
    assert understanding.parse_sync("menya byut").risk.level == "emergency"
    assert understanding.parse_sync("ozumdu olturgum kelet").risk.level == "emergency"


def test_a_bad_group_is_refused() -> None:
    with pytest.raises(ValueError, match="situation"):
        parse_phrases({"groups": [{**_group(["не дышит"]), "situations": []}]})
    with pytest.raises(ValueError, match="too short"):
        parse_phrases({"groups": [_group(["бью"])]})


def _group(phrases: list[str]) -> dict[str, object]:
    return {
        "id": "t",
        "level": "emergency",
        "indicators": [],
        "situations": ["medical_emergency"],
        "phrases": phrases,
    }
