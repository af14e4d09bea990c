"""Kyrgyz or Russian: character n-gram statistics from the training data plus strong cues.

Kyrgyz is often typed without ө/ү/ң or in Latin letters, and people mix both
languages in one message, so the statistics are taken on the folded text (the
same for "өз" and "оз") and the special letters count as a separate, strong cue.
A short or ambiguous message ("ok", "189", "патент") is never `clear`, so the
conversation does not switch language on it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Final

from nlu.catalogue import Language
from nlu.data import DEFAULT_DATA_DIR, Example, load_examples
from nlu.normalize import normalize
from nlu.types import NormalizedText

NGRAM_ORDERS: Final = (2, 3)
_SMOOTHING: Final = 0.5
_NGRAM_CAP: Final = 3.0  # one rare n-gram must not outvote the rest of the message
_WORD_CAP: Final = 3.0
CLEAR_PROBABILITY: Final = 0.9
_CACHE_WORDS: Final = 20_000  # evidence per word, about 3 MB; cleared whole when full


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Letters only Kyrgyz (of our two languages) uses, typed or transliterated.
_KY_LETTERS: Final = re.compile(r"[өүңÖÜöüñŋ]")
# Short everyday words that decide the language on their own (folded spelling).
_KY_WORDS: Final = _word_set(
    "керек жок емне кантип канча кайда качан кандай барбы бар менен учун деп жана болот "
    "болобу кылам емес мен сиз биз алар жардам рахмат саламатсызбы жумуш айлык мага мени "
    "менин сизге бул ошол бербей жатат жатам алып ооба жакшы кыргызча акча берип болуп "
    "дагы гана бирок эле иш иштейм келдим кетким".replace("э", "е")
)
_RU_WORDS: Final = _word_set(
    "и в не на что как я меня мне у с по ето нет для можно нужно ли если где когда мой моя "
    "мою его они он она вы мы ты есть был была было были уже еще очень надо хочу могу "
    "помогите пожалуйста здравствуйте спасибо работаю работодатель зарплату сколько "
    "который чтобы или но из за от до при без так только тоже"
)
# Kyrgyz yes/no questions end in -бы/-би/-бу/-пы/-пи/-пу: "керекпи", "барбы", "болобу".
_KY_QUESTION: Final = re.compile(r"^[^\W\d_]{3,}(?:бы|би|бу|пы|пи|пу)$")
_RU_FALSE_QUESTION: Final = frozenset({"чтобы", "либо", "купи", "копи", "терпи", "грибы", "зубы"})
_CUE_WEIGHT: Final = 2.5
_WORD: Final = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: Language
    clear: bool
    scores: dict[Language, float] = field(default_factory=dict)  # probabilities, sum to 1


def _ngrams(folded: str) -> list[str]:
    grams: list[str] = []
    for word in _WORD.findall(folded):
        padded = f" {word} "
        size = len(padded)
        for n in NGRAM_ORDERS:
            grams.extend([padded[i : i + n] for i in range(size - n + 1)])
    return grams


def _log_ratios(ky: Counter[str], ru: Counter[str], cap: float) -> dict[str, float]:
    vocabulary = ky.keys() | ru.keys()
    total_ky = sum(ky.values()) + _SMOOTHING * (len(vocabulary) + 1)
    total_ru = sum(ru.values()) + _SMOOTHING * (len(vocabulary) + 1)
    ratios: dict[str, float] = {}
    for item in vocabulary:
        value = math.log((ky[item] + _SMOOTHING) / total_ky) - math.log(
            (ru[item] + _SMOOTHING) / total_ru
        )
        ratios[item] = max(-cap, min(cap, value))
    return ratios


class LanguageIdentifier:
    """Naive-Bayes-style log-likelihood ratios, ky over ru, plus hand-picked cues."""

    def __init__(
        self,
        ngram_ratios: dict[str, float],
        word_ratios: dict[str, float],
        shared_words: frozenset[str],
    ) -> None:
        self._ngram_ratios = ngram_ratios
        self._word_ratios = word_ratios
        self._shared_words = shared_words
        self._words: dict[str, tuple[float, float, bool]] = {}

    @classmethod
    def train(cls, examples: Iterable[Example]) -> LanguageIdentifier:
        """Count n-grams and words per language in the training examples."""
        ngrams: dict[Language, Counter[str]] = {"ky": Counter(), "ru": Counter()}
        words: dict[Language, Counter[str]] = {"ky": Counter(), "ru": Counter()}
        for example in examples:
            folded = normalize(example.text).folded
            ngrams[example.language].update(_ngrams(folded))
            words[example.language].update(_WORD.findall(folded))
        word_ratios = _log_ratios(words["ky"], words["ru"], _WORD_CAP)
        # Words common in both languages' data (loanwords such as "патент", "оператор")
        # never make a one-word message clear.
        shared = frozenset(
            word
            for word, ratio in word_ratios.items()
            if words["ky"][word] and words["ru"][word] and abs(ratio) < 1.5
        )
        return cls(_log_ratios(ngrams["ky"], ngrams["ru"], _NGRAM_CAP), word_ratios, shared)

    def _word(self, word: str) -> tuple[float, float, bool]:
        """One word's evidence: its n-grams' sum, its ratio plus cue, whether it decides.

        Words repeat from message to message, so this is cached (bounded, like the
        vectoriser's word cache): a message then costs one look-up per word.
        """
        ngrams = sum(map(self._ngram_ratios.get, _ngrams(word), repeat(0.0)))
        ratio = self._word_ratios.get(word, 0.0)
        cue = 0.0
        if word in _KY_WORDS:
            cue = _CUE_WEIGHT
        elif word in _RU_WORDS:
            cue = -_CUE_WEIGHT
        elif _KY_QUESTION.match(word) and word not in _RU_FALSE_QUESTION:
            cue = _CUE_WEIGHT / 2
        decisive = bool(cue or abs(ratio) >= 1.5) and word not in self._shared_words
        evidence = (ngrams, ratio + cue, decisive)
        if len(self._words) >= _CACHE_WORDS:
            self._words.clear()
        self._words[word] = evidence
        return evidence

    def _score(self, message: NormalizedText, words: list[str]) -> tuple[float, int]:
        cached = self._words.get
        evidence = [found if (found := cached(w)) is not None else self._word(w) for w in words]
        # The orders overlap, so their evidence is not independent: average over orders.
        total = sum(e[0] for e in evidence) / (2 * len(NGRAM_ORDERS))
        decisive = 0
        for _, word_score, decides in evidence:
            total += word_score
            decisive += decides
        special = len(_KY_LETTERS.findall(message.original))
        if special:
            total += _CUE_WEIGHT * min(special, 3)
            decisive += 1
        return total, decisive

    def score(self, message: NormalizedText) -> tuple[float, int]:
        """Return the ky-over-ru log-odds and how many words decided it."""
        return self._score(message, _WORD.findall(message.folded))

    def identify(self, text: str | NormalizedText) -> LanguageGuess:
        """Guess the language of one message and whether it is clear enough to switch on."""
        message = normalize(text) if isinstance(text, str) else text
        words = _WORD.findall(message.folded)
        log_odds, decisive = self._score(message, words)
        p_ky = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, log_odds))))
        language: Language = "ky" if p_ky >= 0.5 else "ru"
        confident = max(p_ky, 1.0 - p_ky) >= CLEAR_PROBABILITY
        # One word is clear only when it is not a loanword shared by both languages
        # and is long enough to be a real word of one of them ("рахмат", "спасибо").
        enough = bool(words) and decisive >= 1 and (len(words) >= 2 or len(words[0]) >= 5)
        return LanguageGuess(
            language=language,
            clear=confident and enough,
            scores={"ky": p_ky, "ru": 1.0 - p_ky},
        )


@lru_cache(maxsize=4)
def default_identifier(data_dir: Path = DEFAULT_DATA_DIR) -> LanguageIdentifier:
    """Train the identifier once from the repository's training data."""
    return LanguageIdentifier.train(load_examples(data_dir))


def identify_language(
    text: str | NormalizedText, identifier: LanguageIdentifier | None = None
) -> LanguageGuess:
    """Guess whether `text` is Kyrgyz or Russian (see `LanguageGuess.clear`)."""
    return (identifier or default_identifier()).identify(text)
