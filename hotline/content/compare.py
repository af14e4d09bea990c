"""Compare the two language versions of an answer: numbers, and which language it is in."""

from __future__ import annotations

import re
from typing import Final

from nlu.catalogue import Language

# Digit groups joined by one space-like character, '.' or ',' are one number, so that
# "2 000", "2000" and "2,000" compare equal; dashes and slashes separate numbers.
_NUMBER_RE: Final = re.compile(r"\d+(?:[ \u00a0\u202f\u2009.,]\d+)*")
_PHONE_RE: Final = re.compile(r"\+?\(?\d[\d \u00a0()\-]{5,}\d")
_LIST_MARKER_RE: Final = re.compile(r"^[ \t]*\d{1,9}[.)][ \t]", re.M)
_WORD_RE: Final = re.compile(r"[а-яёөүң]+", re.I)
_KYRGYZ_LETTERS: Final = frozenset("өүң")

# Frequent words that exist in only one of the two languages.
_KY_WORDS_TEXT: Final = (
    "жана менен үчүн болсо эмес бул сиз сизге сиздин сизди керек дагы деп бар жок "
    "мен ал алар кийин чейин болот болобу кантип эгер мүмкүн эч бир ар бирок анда "
    "болуп жатса жатат керекпи тууралуу боюнча аркылуу дейт ушул кандай эле"
)
_RU_WORDS_TEXT: Final = (
    "и в во на не что с со по для если это как или к от до вы ваш вам вас у за о об при "
    "чтобы можно нужно но где когда если есть нет его её их только также уже ли бы "
    "который которые этот эта эти так там тоже"
)
_KY_WORDS: Final = frozenset(_KY_WORDS_TEXT.split())
_RU_WORDS: Final = frozenset(_RU_WORDS_TEXT.split())
_MIN_LETTERS: Final = 40  # shorter texts say too little to judge


def numbers_in(text: str) -> set[str]:
    """Return the numbers and dates written in `text`, separators and leading zeros dropped."""
    text = _LIST_MARKER_RE.sub("", text)
    return {number_key(match.group()) for match in _NUMBER_RE.finditer(text)}


def phone_numbers_in(text: str) -> set[str]:
    """Return `numbers_in(text)` plus phone numbers written with brackets or hyphens."""
    return numbers_in(text) | {number_key(m.group()) for m in _PHONE_RE.finditer(text)}


def number_key(written: str) -> str:
    """Reduce a number to its digits without leading zeros: "0800 0000 189" is "8000000189"."""
    return re.sub(r"\D", "", written).lstrip("0") or "0"


def guess_language(text: str) -> Language | None:
    """Say whether `text` reads as Kyrgyz or Russian; None when short or mixed."""
    letters = [ch for ch in text.lower() if "а" <= ch <= "я" or ch in "ёөүң"]
    if len(letters) < _MIN_LETTERS:
        return None
    kyrgyz_share = sum(ch in _KYRGYZ_LETTERS for ch in letters) / len(letters)
    words = [word.lower() for word in _WORD_RE.findall(text)]
    ky_words = sum(word in _KY_WORDS for word in words)
    ru_words = sum(word in _RU_WORDS for word in words)
    # Kyrgyz prose has ө, ү or ң in several letters per hundred; Russian has none, and
    # a quoted Kyrgyz phrase inside Russian text stays under one per cent.
    if kyrgyz_share >= 0.01 and ky_words >= ru_words:
        return "ky"
    if kyrgyz_share < 0.01 and ru_words >= 3 and ru_words > 2 * ky_words:
        return "ru"
    return None  # mixed, or Kyrgyz typed without its letters: not sure enough to complain
