"""TF-IDF scores of `nlu.features` at inference, with the work per word cached.

Character n-grams never cross a word, so a message's features are its words'
features plus its word pairs. Words repeat across messages and across the pieces
of one message (`nlu.segments`), so each word's vocabulary indices are computed
once and kept in a bounded cache. A message and all its pieces are scored in one
pass: one sort finds every (piece, feature) count, one gather of weight rows and
one segmented sum give every piece's scores. Per-piece numpy calls (`np.unique`,
a dot product each) cost more than the arithmetic on such small inputs. The vectors
equal scikit-learn's `TfidfVectorizer(analyzer=extract_features, sublinear_tf=True)`,
or, with a `word_weight`, `normalize_blocks` of its un-normalised counterpart.

Why blocks: a word of six letters gives 22 character n-grams and one word feature, so
in one L2-normalised vector the words and word pairs, which carry the context ("в
прошлом году", "если"), weigh next to nothing. Normalising the character block and the
word block apart, and weighting the words, ranked risky messages above harmless ones
better in cross-validation (docs/nlu.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from nlu.features import CHAR_NGRAMS, PAIR_PREFIX, WORD, WORD_PREFIX

FloatArray = npt.NDArray[np.float32]
IndexArray = npt.NDArray[np.int32]
CACHE_WORDS: Final = 20_000  # about 2-3 MB; cleared whole when full (cheap, rare)
_EMPTY: Final = np.empty(0, dtype=np.int32)


def is_word_feature(feature: str) -> bool:
    """Whether a feature string is a word or a word pair (else a character n-gram)."""
    return feature.startswith((WORD_PREFIX, PAIR_PREFIX))


def word_feature_mask(vocabulary: dict[str, int], size: int) -> npt.NDArray[np.bool_]:
    """Per vocabulary index, whether it is a word or a word pair."""
    mask = np.zeros(size, dtype=bool)
    mask[[i for feature, i in vocabulary.items() if is_word_feature(feature)]] = True
    return mask


def normalize_blocks(matrix: Any, word_mask: npt.NDArray[np.bool_], word_weight: float) -> Any:
    """Rows of a sparse TF-IDF matrix with each block L2-normalised, words weighted.

    The character block and the word block (words and word pairs) are normalised apart,
    then weighted `1 : word_weight` so that a row with both blocks has unit length, as
    before. A row without one block keeps that block empty. For training (scipy);
    `CachedVectorizer` computes the same.
    """
    from scipy import sparse
    from sklearn.preprocessing import normalize

    char_scale, word_scale = block_scales(word_weight)
    words = sparse.diags(word_mask.astype(np.float32))
    chars = sparse.diags((~word_mask).astype(np.float32))
    return (char_scale * normalize(matrix @ chars) + word_scale * normalize(matrix @ words)).tocsr()


def block_scales(word_weight: float) -> tuple[float, float]:
    """The length of the character block and of the word block in a vector of length 1."""
    total = math.sqrt(1.0 + word_weight * word_weight)
    return 1.0 / total, word_weight / total


def word_features(word: str) -> list[str]:
    """The features one word contributes (the same strings as `extract_features`)."""
    low, high = CHAR_NGRAMS
    padded = f" {word} "
    size = len(padded)
    features = [
        padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)
    ]
    features.append(WORD_PREFIX + word)
    return features


class CachedVectorizer:
    """Turns folded texts into TF-IDF vectors for one vocabulary, and scores them."""

    def __init__(
        self, vocabulary: dict[str, int], idf: FloatArray, word_weight: float | None = None
    ) -> None:
        """`word_weight`: None for one L2-normalised vector, else as `normalize_blocks`."""
        self.vocabulary = vocabulary
        self.idf = idf
        self._size = max(len(idf), 1)
        self._word_mask = word_feature_mask(vocabulary, self._size) if word_weight else None
        self._char_scale, self._word_scale = block_scales(word_weight or 0.0)
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
        pairs = [i for a, b in pairwise(words) if (i := get(f"{PAIR_PREFIX}{a}_{b}")) is not None]
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
        mask = self._word_mask
        if len(texts) == 1:
            features = keys.take(bounds[:-1])
            values = (tf * self.idf.take(features)).astype(np.float32)
            if mask is None:
                values /= np.float32(np.sqrt(float(values @ values)))
            else:
                values *= self._block_scales(values, mask.take(features))
            single: FloatArray = (values @ weights.take(features, axis=0) + bias)[None, :]
            return single
        rows, features = np.divmod(keys.take(bounds[:-1]), self._size)
        values = (tf * self.idf.take(features)).astype(np.float32)
        first = np.empty(len(rows), dtype=bool)
        first[0] = True
        np.not_equal(rows[1:], rows[:-1], out=first[1:])
        segments = first.nonzero()[0]
        gathered = weights.take(features, axis=0)
        result = self._rows_of(bias, len(texts))
        if mask is None:
            gathered *= values[:, None]
            norms = np.sqrt(np.add.reduceat(values * values, segments))
            result[rows.take(segments)] += np.add.reduceat(gathered, segments) / norms[:, None]
            return result
        # Per row, the squared norm of each block; each value divided by its block's norm.
        is_word = mask.take(features)
        squares = values * values
        word_norms = np.add.reduceat(np.where(is_word, squares, 0.0), segments)
        char_norms = np.add.reduceat(squares, segments) - word_norms
        segment_of = np.cumsum(first) - 1
        word_scale = np.float32(self._word_scale) / np.sqrt(np.maximum(word_norms, 1e-12))
        char_scale = np.float32(self._char_scale) / np.sqrt(np.maximum(char_norms, 1e-12))
        values *= np.where(is_word, word_scale.take(segment_of), char_scale.take(segment_of))
        gathered *= values[:, None]
        result[rows.take(segments)] += np.add.reduceat(gathered, segments)
        return result

    def _block_scales(
        self, values: FloatArray, is_word: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.float32]:
        """One text's scale per value: 1 / its block's norm, times the weight for words."""
        squares = values * values
        word_norm = float(squares[is_word].sum())
        char_norm = float(squares.sum()) - word_norm
        word_scale = self._word_scale / math.sqrt(word_norm) if word_norm > 0 else 0.0
        char_scale = self._char_scale / math.sqrt(char_norm) if char_norm > 0 else 0.0
        return np.where(is_word, np.float32(word_scale), np.float32(char_scale))

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
