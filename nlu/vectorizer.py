"""TF-IDF scores of `nlu.features` at inference, with the work per word cached.

Character n-grams never cross a word, so a message's features are its words'
features plus its word pairs. Words repeat across messages and across the pieces
of one message (`nlu.segments`), so each word's vocabulary indices are computed
once and kept in a bounded cache. A message and all its pieces are scored in one
pass: one sort finds every (piece, feature) count, one gather of weight rows and
one segmented sum give every piece's scores. Per-piece numpy calls (`np.unique`,
a dot product each) cost more than the arithmetic on such small inputs. The vectors
equal scikit-learn's `TfidfVectorizer(analyzer=extract_features, sublinear_tf=True)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
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
    """Turns folded texts into TF-IDF vectors for one vocabulary, and scores them."""

    def __init__(self, vocabulary: dict[str, int], idf: FloatArray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self._size = max(len(idf), 1)
        self._words: dict[str, IndexArray] = {}
        self._tf_table = np.ones(1, dtype=np.float64)

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

    def _indices(self, folded: str) -> list[IndexArray]:
        """The vocabulary indices of one text's features, repeats kept, word by word."""
        words = WORD.findall(folded)
        cached = self._words.get
        parts = [found if (found := cached(w)) is not None else self._word(w) for w in words]
        get = self.vocabulary.get
        pairs = [i for a, b in pairwise(words) if (i := get(f"b:{a}_{b}")) is not None]
        if pairs:
            parts.append(np.array(pairs, dtype=np.int32))
        return parts

    def scores(self, texts: Sequence[str], weights: FloatArray, bias: FloatArray) -> FloatArray:
        """`bias + vector(text) @ weights` for each text: an array (texts, weights' columns).

        A text without any known feature scores the bias alone.
        """
        parts: list[IndexArray] = []
        lengths: list[int] = []  # of each text's indices
        for text in texts:
            indices = self._indices(text)
            parts.extend(indices)
            lengths.append(sum(len(p) for p in indices))
        size = sum(lengths)
        if not size:
            return self._rows_of(bias, len(texts))
        # Keys (row, feature) in one array: one sort groups each row's repeats together.
        keys = np.concatenate(parts, dtype=np.int64)
        if len(texts) > 1:
            # Each row's offset added at once, not one small numpy addition per word.
            keys += np.repeat(np.arange(0, len(texts) * self._size, self._size), lengths)
        keys.sort()
        new = np.empty(size + 1, dtype=bool)
        new[0] = new[-1] = True
        np.not_equal(keys[1:], keys[:-1], out=new[1:-1])
        bounds = new.nonzero()[0]  # where each distinct key starts, and the end
        tf = self._tf(bounds[1:] - bounds[:-1], size)
        if len(texts) == 1:
            features = keys.take(bounds[:-1])
            values = (tf * self.idf.take(features)).astype(np.float32)
            values /= np.float32(np.sqrt(float(values @ values)))
            single: FloatArray = (values @ weights.take(features, axis=0) + bias)[None, :]
            return single
        rows, features = np.divmod(keys.take(bounds[:-1]), self._size)
        values = (tf * self.idf.take(features)).astype(np.float32)
        first = np.empty(len(rows), dtype=bool)
        first[0] = True
        np.not_equal(rows[1:], rows[:-1], out=first[1:])
        segments = first.nonzero()[0]
        norms = np.sqrt(np.add.reduceat(values * values, segments))
        gathered = weights.take(features, axis=0)
        gathered *= values[:, None]
        result = self._rows_of(bias, len(texts))
        result[rows.take(segments)] += np.add.reduceat(gathered, segments) / norms[:, None]
        return result

    @staticmethod
    def _rows_of(bias: FloatArray, count: int) -> FloatArray:
        """`count` rows of `bias` (`np.tile` does the same through several Python calls)."""
        rows: FloatArray = np.empty((count, len(bias)), dtype=bias.dtype)
        rows[:] = bias
        return rows

    def _tf(self, counts: IndexArray, largest: int) -> npt.NDArray[np.float64]:
        """Sub-linear term frequencies `1 + ln(count)`, from a table (a log per call costs more)."""
        if largest >= len(self._tf_table):
            size = max(largest + 1, 2 * len(self._tf_table))
            table = np.ones(size, dtype=np.float64)
            table[1:] += np.log(np.arange(1, size, dtype=np.float64))
            self._tf_table = table
        result: npt.NDArray[np.float64] = self._tf_table.take(counts)
        return result
