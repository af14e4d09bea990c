"""Latin → Cyrillic for Kyrgyz and Russian typed on a Latin keyboard.

People write "pasportumdu alyp koyushtu" or "zabrali pasport ne otpuskayut"
when their phone has no Cyrillic layout. One table serves both languages:
the spellings overlap almost entirely (ch, sh, zh, ya, yu ...), and the
few conflicts are settled in favour of the reading that keeps matching
robust after folding (ө/ү/ң → о/у/н, э → е), not of perfect spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

_VOWELS: Final = frozenset("aeiouyöüəı")

# Longest sequences first; each is tried before its prefixes.
# ("y" + vowel is handled apart, as it depends on the neighbours.)
_MULTI: Final[tuple[tuple[str, str], ...]] = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
)

_SINGLE: Final[dict[str, str]] = {
    "a": "а",
    "b": "б",
    "c": "ц",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "ж",  # Kyrgyz Latin: jok, jumush, jardam
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "к",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "в",
    "x": "кс",
    "z": "з",
    "ö": "ө",
    "ü": "ү",
    "ñ": "ң",
    "ŋ": "ң",
    "ı": "ы",
    "ə": "э",
    "ä": "э",
    "ğ": "г",
    "ş": "ш",
    "ç": "ч",
    "'": "ь",
    "’": "ь",
    "`": "ь",
}

# Latin capitals and small letters that look exactly like Cyrillic ones; used inside
# words that are mostly Cyrillic ("пaспорт" with a Latin "a"), where transliterating
# by sound would be wrong.
HOMOGLYPHS: Final[dict[str, str]] = {
    **dict(zip("ABCEHKMOPTXY", "АВСЕНКМОРТХУ", strict=True)),
    **dict(zip("acekopxy", "асекорху", strict=True)),
}

_LATIN_LETTERS: Final = "a-zöüñŋıəäğşç"
# An apostrophe counts only inside a word ("skol'ko"), never as a quotation mark.
_LATIN_WORD: Final = re.compile(rf"[{_LATIN_LETTERS}]+(?:['’`][{_LATIN_LETTERS}]+)*")
_NG_SUFFIX: Final = re.compile(r"(?:y|i|u|ü)z")


@lru_cache(maxsize=20_000)  # words repeat; the letter loop below is the slow part of a parse
def transliterate_word(word: str) -> str:
    """Transliterate one lower-case Latin word to Cyrillic."""
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        prev = word[i - 1] if i else ""
        if ch == "y":
            nxt = word[i + 1] if i + 1 < n else ""
            if nxt in "auoe" and nxt:
                out.append({"a": "я", "u": "ю", "o": "ё", "e": "е"}[nxt])
                i += 2
                continue
            # After a vowel "y" is a glide (moy, dney, koy); elsewhere it is Kyrgyz/Russian ы.
            out.append("й" if prev in _VOWELS and prev else "ы")
            i += 1
            continue
        if ch == "j" and prev in _VOWELS and prev and (i == n - 1 or word[i + 1] not in _VOWELS):
            # Russian "moj", "dnej", "najdut", "ujti", Kyrgyz "kajda": a glide after a vowel
            # at the end or before a consonant; elsewhere Kyrgyz ж (jok, ajal, bajy).
            out.append("й")
            i += 1
            continue
        if word.startswith("ng", i):
            rest = word[i + 2 :]
            # Kyrgyz ң is written "ng" at the end of a syllable (ming, tang) and in the
            # polite suffix -ңыз (jazyngyz); before other vowels keep Russian "нг" (dengi).
            if not rest or rest[0] not in _VOWELS or _NG_SUFFIX.match(rest):
                out.append("ң")
            else:
                out.append("нг")
            i += 2
            continue
        for latin, cyr in _MULTI:
            if word.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(_SINGLE.get(ch, ch))
            i += 1
    return "".join(out)


def transliterate(text: str) -> str:
    """Replace every run of Latin letters in lower-case `text` with Cyrillic."""
    return _LATIN_WORD.sub(lambda m: transliterate_word(m.group(0)), text)
