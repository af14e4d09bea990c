"""TF-IDF vectors of `nlu.features` at inference, with the work per word cached.

Character n-grams never cross a word, so a message's features are its words'
features plus its word pairs. Words repeat across messages and across the pieces
of one message (`nlu.segments`), so each word's vocabulary indices are computed
once and kept in a bounded cache: scoring a sentence after its message costs a
few array operations, not a new pass over its characters. The result equals
scikit-learn's `TfidfVectorizer(analyzer=extract_features, sublinear_tf=True)`.
"""

from __future__ import annotations

import itertools
from typing import Final

import numpy as np
import numpy.typing as npt

from nlu.features import CHAR_NGRAMS, WORD

FloatArray = npt.NDArray[np.float32]
IndexArray = npt.NDArray[np.int32]
CACHE_WORDS: Final = 20_000  # about 2-3 MB; cleared whole when full (cheap, rare)
_EMPTY: Final = np.empty(0, dtype=np.int32)


def word_features(word: str) -> list[str]:
    """The features one word contributes (the same strings as `extract_features`)."""
    low, high = CHAR_NGRAMS
    padded = f" {word} "
    size = len(padded)
    features = [
        padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)
    ]
    features.append("w:" + word)
    return features


class CachedVectorizer:
    """Turns folded text into (indices, L2-normalised TF-IDF values) for one vocabulary."""

    def __init__(self, vocabulary: dict[str, int], idf: FloatArray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self._words: dict[str, IndexArray] = {}

    def _word(self, word: str) -> IndexArray:
        found = self._words.get(word)
        if found is None:
            get = self.vocabulary.get
            known = [i for f in word_features(word) if (i := get(f)) is not None]
            found = np.array(known, dtype=np.int32) if known else _EMPTY
            if len(self._words) >= CACHE_WORDS:
                self._words.clear()
            self._words[word] = found
        return found

    def vector(self, folded: str) -> tuple[IndexArray, FloatArray]:
        """The text's sparse TF-IDF vector; empty arrays when no feature is known."""
        words = WORD.findall(folded)
        parts = [self._word(w) for w in words]
        get = self.vocabulary.get
        pairs = [i for a, b in itertools.pairwise(words) if (i := get(f"b:{a}_{b}")) is not None]
        if pairs:
            parts.append(np.array(pairs, dtype=np.int32))
        if not parts:
            return _EMPTY, np.empty(0, dtype=np.float32)
        indices, counts = np.unique(np.concatenate(parts), return_counts=True)
        if not len(indices):
            return _EMPTY, np.empty(0, dtype=np.float32)
        values: FloatArray = ((np.log(counts) + 1.0) * self.idf[indices]).astype(np.float32)
        values /= np.float32(np.sqrt(float(values @ values)))
        return indices.astype(np.int32), values
