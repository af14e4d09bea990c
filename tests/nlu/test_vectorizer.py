"""The inference vectoriser scores texts exactly as scikit-learn's TF-IDF would."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.features import extract_features
from nlu.normalize import normalize
from nlu.vectorizer import CachedVectorizer

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
