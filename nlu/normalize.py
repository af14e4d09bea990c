"""Prepare a message for matching: clean Unicode, lower case, Latin → Cyrillic, fold letters."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from nlu.translit import HOMOGLYPHS, transliterate
from nlu.types import NormalizedText

# Long messages are cut before matching: a Telegram message holds 4,096 characters,
# so anything longer is pasted text, and cutting keeps every parse fast.
MAX_CHARS: Final = 8_000

# Control (Cc), format (Cf: zero-width joiners, BOM, soft hyphen), surrogate (Cs),
# private-use (Co) and unassigned (Cn) code points carry no meaning for us.
_DROP_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_LINE_BREAKS: Final = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")

# Kyrgyz letters are folded so that "өз", "оз" and "oz" meet; Kazakh and Uzbek
# keyboards produce their own look-alikes; ё and э are often typed as е. Latin
# typing loses й and the soft and hard signs ("berbei", "byut", "pokonchit"), so
# й is read as и and ь/ъ are dropped: "бербей"/"berbei" and "бьют"/"byut" meet.
_FOLD: Final = str.maketrans(
    {
        "й": "и",
        "ь": None,
        "ө": "о",
        "ү": "у",
        "ң": "н",
        "ё": "е",
        "э": "е",
        "қ": "к",
        "ғ": "г",
        "ұ": "у",
        "і": "и",
        "ә": "е",
        "һ": "х",
        "ў": "у",
        "ҳ": "х",
        "ъ": None,
    }
)

_FOLD_PAIRS: Final = tuple((chr(code), target or "") for code, target in _FOLD.items())
# Runs of spaces, tabs and other blanks (not line breaks) become one space; a lone
# space is left alone (nothing to replace: most of a message's blanks).
_SPACES: Final = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_NEWLINES: Final = re.compile(r"\s*\n\s*")
_REPEATS: Final = re.compile(r"([^\W\d_])\1{2,}")  # "помогииите", "жоооок"
_TOKEN: Final = re.compile(r"[^\W\d_]+|\d+")
_MIXED_WORD: Final = re.compile(r"\w+")
_CYRILLIC: Final = re.compile(r"[\u0400-\u04ff]")
_LATIN: Final = re.compile(r"[A-Za-z]")
_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def sanitize(text: str) -> str:
    """Return NFC `text` without control, format and surrogate code points; lines kept."""
    # Lone surrogates cannot be normalised or encoded: drop them first.
    text = _SURROGATES.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():  # the usual case: nothing to drop, no line breaks
        return text.strip()
    out: list[str] = []
    for ch in text:
        if ch in _LINE_BREAKS:
            out.append("\n")
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) not in _DROP_CATEGORIES:
            out.append(ch)
    return "".join(out).strip()


def _fix_homoglyphs(match: re.Match[str]) -> str:
    word = match.group(0)
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return "".join(HOMOGLYPHS.get(ch, ch) for ch in word)
    return word


def clean(original: str) -> str:
    """Compatibility-normalise, lower-case and transliterate a sanitised message."""
    # NFKC folds full-width letters, ligatures and styled "𝐩𝐚𝐬𝐬𝐩𝐨𝐫𝐭" into plain letters.
    text = unicodedata.normalize("NFKC", original)
    if _LATIN.search(text) and _CYRILLIC.search(text):  # only mixed text can hide look-alikes
        text = _MIXED_WORD.sub(_fix_homoglyphs, text)
    text = text.lower()
    text = unicodedata.normalize("NFC", text)
    text = transliterate(text)
    text = _REPEATS.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def fold(cleaned: str) -> str:
    """Fold Kyrgyz and look-alike letters so either spelling matches."""
    # One `str.replace` per letter scans in C; `str.translate` looks up every character.
    # No letter maps to another that is folded again, so the order does not matter.
    for letter, folded in _FOLD_PAIRS:
        if letter in cleaned:
            cleaned = cleaned.replace(letter, folded)
    return cleaned


def normalize(text: str) -> NormalizedText:
    """Prepare `text` for language identification, intent ranking and risk matching."""
    original = sanitize(text[: MAX_CHARS * 2])[:MAX_CHARS]
    cleaned = clean(original)
    folded = fold(cleaned)
    return NormalizedText(
        original=original,
        cleaned=cleaned,
        folded=folded,
        tokens=tuple(_TOKEN.findall(folded)),
    )
