"""The inference vectoriser scores texts exactly as scikit-learn's TF-IDF would."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.features import extract_features
from nlu.normalize import normalize
from nlu.vectorizer import CachedVectorizer, normalize_blocks, word_feature_mask

CORPUS = [
    "паспорт забрали и не отдают",
    "мне не платят зарплату уже два месяца",
    "керек патент канча турат",
    "ish haqi bermei jatat",
    "где встать на учёт в москве",
]
TEXTS = [
    "паспорт паспорт забрали, не отдают, не платят",  # repeated words and n-grams
    "керек патент",
    "",  # nothing at all
    "ӂӄ ӂӄ",  # no known feature
    "не не не не не платят платят",
    "банана ананас",  # n-grams repeated inside a word
]


def _fitted() -> tuple[CachedVectorizer, TfidfVectorizer]:
    folded = [normalize(t).folded for t in CORPUS]
    reference = TfidfVectorizer(analyzer=extract_features, sublinear_tf=True, dtype=np.float32)
    reference.fit([*folded, "банана ананас"])
    vocabulary = {str(k): int(v) for k, v in reference.vocabulary_.items()}
    return CachedVectorizer(vocabulary, reference.idf_.astype(np.float32)), reference


def test_scores_equal_scikit_learn_tfidf_times_weights() -> None:
    vectorizer, reference = _fitted()
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(len(reference.vocabulary_), 4)).astype(np.float32)
    bias = rng.normal(size=4).astype(np.float32)
    texts = [normalize(t).folded for t in TEXTS]

    batch = vectorizer.scores(texts, weights, bias)

    expected = reference.transform(texts).toarray() @ weights + bias
    np.testing.assert_allclose(batch, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(batch[2], bias)  # an empty text scores the bias alone
    np.testing.assert_array_equal(batch[3], bias)
    for row, text in enumerate(texts):  # a text scores the same alone as in a batch
        alone = vectorizer.scores([text], weights, bias)[0]
        np.testing.assert_allclose(alone, batch[row], rtol=1e-5, atol=1e-5)


def test_block_scores_equal_the_training_matrix() -> None:
    """With a word weight, inference equals `normalize_blocks` of the un-normalised TF-IDF.

    The risk model is trained on the one and run on the other: if they drifted apart, the
    thresholds chosen in training would mean something else at inference.
    """
    folded = [normalize(t).folded for t in CORPUS]
    reference = TfidfVectorizer(
        analyzer=extract_features, sublinear_tf=True, dtype=np.float32, norm=None
    )
    reference.fit([*folded, "банана ананас"])
    vocabulary = {str(k): int(v) for k, v in reference.vocabulary_.items()}
    idf = reference.idf_.astype(np.float32)
    mask = word_feature_mask(vocabulary, len(idf))
    vectorizer = CachedVectorizer(vocabulary, idf, word_weight=1.5)
    rng = np.random.default_rng(5)
    weights = rng.normal(size=(len(vocabulary), 3)).astype(np.float32)
    bias = rng.normal(size=3).astype(np.float32)
    texts = [normalize(t).folded for t in TEXTS]

    batch = vectorizer.scores(texts, weights, bias)

    matrix = normalize_blocks(reference.transform(texts), mask, 1.5)
    np.testing.assert_allclose(batch, matrix @ weights + bias, rtol=1e-5, atol=1e-5)
    for row, text in enumerate(texts):
        alone = vectorizer.scores([text], weights, bias)[0]
        np.testing.assert_allclose(alone, batch[row], rtol=1e-5, atol=1e-5)
    # Each block has its own unit length before weighting: a row with both has length 1.
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    np.testing.assert_allclose(lengths[[0, 1, 4]], 1.0, rtol=1e-5)
