"""Features of the embedded engine: character n-grams within words, words and word pairs.

One function serves training (as the vectoriser's analyzer) and inference (the
fast path in `nlu.embedded`), so the two can never drift apart. Input is the
folded text, so "төлөбөй", "толобой" and "tolobei" share most n-grams.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

CHAR_NGRAMS: Final = (2, 5)
WORD: Final = re.compile(r"[^\W_]+")
# Word and word-pair features are marked so that they never collide with n-grams (and so
# that the risk model can normalise them apart: `nlu.vectorizer.normalize_blocks`).
WORD_PREFIX: Final = "w:"
PAIR_PREFIX: Final = "b:"


def extract_features(folded: str) -> list[str]:
    """Return the feature strings of one folded message (repeats count)."""
    words = WORD.findall(folded)
    low, high = CHAR_NGRAMS
    features: list[str] = []
    for word in words:
        padded = f" {word} "
        size = len(padded)
        for n in range(low, min(high, size) + 1):
            features.extend([padded[i : i + n] for i in range(size - n + 1)])
        features.append(WORD_PREFIX + word)
    features.extend(
        [f"{PAIR_PREFIX}{first}_{second}" for first, second in itertools.pairwise(words)]
    )
    return features
