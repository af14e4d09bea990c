"""Train the risk model: compositional augmentation, one logistic head per label, thresholds.

1. Split the labelled messages (`nlu.risk_corpus`) into training and development parts.
2. Add compound messages built from the training part only: an ordinary question
   followed by a report, a report followed by a question, two ordinary messages.
   Real messages mix them; the model must find the flag wherever it stands.
3. Fit one class-balanced logistic regression per head (levels, indicators, situations).
4. Score the development part as inference does (whole and pieces) and choose each
   threshold there: recall first for the levels, best F1 for indicators and situations.
5. Refit on everything with those thresholds, and cache the arrays by the hash of the
   data, the feature code and this configuration.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import sklearn

from nlu.catalogue import INDICATORS, LANGUAGES, SITUATIONS, risk_rank
from nlu.embedded import DEFAULT_CACHE_DIR, _feature_code_hash
from nlu.features import extract_features
from nlu.normalize import normalize
from nlu.risk_corpus import (
    DEFAULT_RISK_DIR,
    EVAL_DIR,
    RiskLabel,
    RiskSample,
    fingerprint_risk_data,
    load_risk_samples,
)
from nlu.risk_model import HEADS, LEVEL_HEADS, RiskModel, read_risk_model, save_risk_model

logger = logging.getLogger(__name__)

FORMAT_VERSION: Final = 1
FloatArray = npt.NDArray[np.float32]
_SEPARATORS: Final = (". ", "? ", " ", ", ", "\n", "... ", "! ")
# Intents whose examples are too short or too social to stand in for "an ordinary question".
_NOT_QUESTIONS: Final = frozenset({"greet", "thanks_goodbye", "change_language", "out_of_scope"})


@dataclass(frozen=True, slots=True)
class RiskTrainingConfig:
    """Everything that shapes the risk model; part of the cache key."""

    c: float = 8.0  # inverse regularisation of each logistic head
    min_df: int = 2  # features seen once only cost memory
    dev_fraction: float = 0.2
    target_recall: float = 0.99  # of high + emergency on the development part
    emergency_recall: float = 0.97  # of emergency rated emergency
    concern_recall: float = 0.9  # of concern and above rated at least concern
    compounds: int = 3000  # per language and kind of compound
    seed: int = 17


def risk_cache_key(risk_dir: Path, eval_dir: Path | None, config: RiskTrainingConfig) -> str:
    """Hash the labelled data, the feature code, the configuration and the versions."""
    parts = {
        "data": fingerprint_risk_data(risk_dir, eval_dir),
        "features": _feature_code_hash(),
        "model_code": hashlib.sha256(
            b"".join((Path(__file__).parent / n).read_bytes() for n in _MODEL_SOURCES)
        ).hexdigest(),
        "config": asdict(config),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "format": FORMAT_VERSION,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


_MODEL_SOURCES: Final = ("risk_training.py", "risk_model.py", "segments.py", "risk_corpus.py")


def split_samples(
    samples: Sequence[RiskSample], config: RiskTrainingConfig
) -> tuple[list[int], list[int]]:
    """A development part stratified by language and level; identical texts stay together."""
    rng = random.Random(config.seed)
    groups: dict[tuple[str, str], list[str]] = {}
    for sample in samples:
        key = (sample.language, sample.label.level)
        groups.setdefault(key, [])
        if sample.text not in groups[key]:
            groups[key].append(sample.text)
    dev_texts: set[str] = set()
    for texts in groups.values():
        ordered = sorted(texts)
        rng.shuffle(ordered)
        dev_texts.update(ordered[: int(len(ordered) * config.dev_fraction)])
    train = [i for i, s in enumerate(samples) if s.text not in dev_texts]
    dev = [i for i, s in enumerate(samples) if s.text in dev_texts]
    return train, dev


def compound_samples(samples: Sequence[RiskSample], config: RiskTrainingConfig) -> list[RiskSample]:
    """Messages made of two: question + report, report + question, question + question."""
    rng = random.Random(config.seed + 1)
    made: list[RiskSample] = []
    for language in LANGUAGES:
        own = [s for s in samples if s.language == language]
        questions = [
            s
            for s in own
            if s.label.level == "none"
            and s.intent not in _NOT_QUESTIONS
            and len(s.text.split()) >= 3
        ]
        calm = [s for s in own if s.label.level == "none"]
        risky = [s for s in own if s.label.level != "none"]
        if not questions or not risky:
            continue
        for _ in range(config.compounds):
            question, report = rng.choice(questions), rng.choice(risky)
            made.append(_joined(question.text, report.text, report.label, language, rng))
            question, report = rng.choice(questions), rng.choice(risky)
            made.append(_joined(report.text, question.text, report.label, language, rng))
            first, second = rng.choice(calm), rng.choice(questions)
            made.append(_joined(first.text, second.text, first.label, language, rng))
    return made


def _joined(
    first: str, second: str, label: RiskLabel, language: str, rng: random.Random
) -> RiskSample:
    text = first.rstrip(" .?!") + rng.choice(_SEPARATORS) + second
    return RiskSample(text, language, label, source="compound")  # type: ignore[arg-type]


def _targets(labels: Sequence[RiskLabel]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """Per head, the 0/1 target and whether it is known (situations may be unlabelled)."""
    y = np.zeros((len(labels), len(HEADS)), dtype=np.int8)
    known = np.ones((len(labels), len(HEADS)), dtype=bool)
    first_situation = 3 + len(INDICATORS)
    for row, label in enumerate(labels):
        rank = risk_rank(label.level)
        y[row, 0], y[row, 1], y[row, 2] = rank >= 1, rank >= 2, rank >= 3
        for i, name in enumerate(INDICATORS):
            y[row, 3 + i] = name in label.indicators
        if label.situations is None:
            known[row, first_situation:] = False
        else:
            for i, name in enumerate(SITUATIONS):
                y[row, first_situation + i] = name in label.situations
    return y, known


def fit_heads(
    texts: Sequence[str], labels: Sequence[RiskLabel], config: RiskTrainingConfig
) -> RiskModel:
    """Fit the vectoriser and one class-balanced logistic regression per head."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=extract_features, sublinear_tf=True, min_df=config.min_df, dtype=np.float32
    )
    matrix = vectorizer.fit_transform(texts)
    y, known = _targets(labels)
    weights = np.zeros((matrix.shape[1], len(HEADS)), dtype=np.float32)
    bias = np.full(len(HEADS), -10.0, dtype=np.float32)  # a head with no examples never fires
    risky = y[:, 0] == 1
    for head in range(len(HEADS)):
        # Indicators and situations are named only for a risky message: their heads learn
        # from risky messages alone, which also makes them several times faster to fit.
        rows = np.flatnonzero(known[:, head] & (risky if head >= len(LEVEL_HEADS) else True))
        target = y[rows, head]
        if len(rows) == 0 or target.min() == target.max():
            continue
        model = LogisticRegression(
            C=config.c, class_weight="balanced", solver="liblinear", max_iter=200
        )
        model.fit(matrix[rows], target)
        weights[:, head] = model.coef_[0]
        bias[head] = model.intercept_[0]
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    return RiskModel(
        vocabulary=vocabulary,
        idf=vectorizer.idf_.astype(np.float32),
        weights=np.ascontiguousarray(weights),
        bias=bias,
        heads=HEADS,
        thresholds=np.full(len(HEADS), 0.5, dtype=np.float32),
        meta={},
    )


def _recall_threshold(scores: FloatArray, positive: npt.NDArray[np.bool_], recall: float) -> float:
    """The highest threshold that still keeps `recall` of the positives."""
    ranked = np.sort(scores[positive])
    if not len(ranked):
        return 0.5
    missed = int(np.floor((1.0 - recall) * len(ranked)))
    return float(np.clip(ranked[missed] - 1e-6, 0.02, 0.95))


def _f1_threshold(scores: FloatArray, positive: npt.NDArray[np.bool_]) -> float:
    """The threshold with the best F1 (0.5 when the head has too few positives to tell)."""
    if positive.sum() < 3:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.05, 0.96, 0.025):
        predicted = scores >= threshold
        tp = float((predicted & positive).sum())
        f1 = 2 * tp / (float(predicted.sum()) + float(positive.sum()))
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return round(best, 3)


def choose_thresholds(
    probabilities: FloatArray, labels: Sequence[RiskLabel], config: RiskTrainingConfig
) -> tuple[FloatArray, dict[str, Any]]:
    """Thresholds on the development part: recall first for levels, best F1 for the rest."""
    y, known = _targets(labels)
    thresholds = np.full(len(HEADS), 0.5, dtype=np.float32)
    thresholds[0] = _recall_threshold(probabilities[:, 0], y[:, 0] == 1, config.concern_recall)
    thresholds[1] = _recall_threshold(probabilities[:, 1], y[:, 1] == 1, config.target_recall)
    thresholds[2] = _recall_threshold(probabilities[:, 2], y[:, 2] == 1, config.emergency_recall)
    risky = y[:, 0] == 1
    for head in range(3, len(HEADS)):
        rows = risky & known[:, head]
        thresholds[head] = _f1_threshold(probabilities[rows, head], y[rows, head] == 1)
    high = probabilities[:, 1] >= thresholds[1]
    calm = y[:, 0] == 0
    serious = y[:, 1] == 1
    report = {
        "dev_messages": len(labels),
        "dev_serious": int(serious.sum()),
        "dev_none": int(calm.sum()),
        "dev_recall_high_emergency": round(float(high[serious].mean()), 4)
        if serious.any()
        else 1.0,
        "dev_false_alarm_rate": round(float(high[calm].mean()), 4) if calm.any() else 0.0,
        "thresholds": {name: round(float(t), 4) for name, t in zip(HEADS, thresholds, strict=True)},
    }
    return thresholds, report


def train_risk_model(samples: Sequence[RiskSample], config: RiskTrainingConfig) -> RiskModel:
    """Choose thresholds on a development split, then refit on all the data."""
    started = time.perf_counter()
    folded = [normalize(s.text).folded for s in samples]
    train_idx, dev_idx = split_samples(samples, config)
    train = [samples[i] for i in train_idx]
    extra = compound_samples(train, config)
    partial = fit_heads(
        [folded[i] for i in train_idx] + [normalize(s.text).folded for s in extra],
        [s.label for s in train] + [s.label for s in extra],
        config,
    )
    dev_probabilities = np.stack([partial.message_probabilities(folded[i])[0] for i in dev_idx])
    thresholds, report = choose_thresholds(
        dev_probabilities, [samples[i].label for i in dev_idx], config
    )
    everything = compound_samples(samples, config)
    final = fit_heads(
        folded + [normalize(s.text).folded for s in everything],
        [s.label for s in samples] + [s.label for s in everything],
        config,
    )
    report.update(
        {
            "training_messages": len(samples),
            "compound_messages": len(everything),
            "features": len(final.vocabulary),
            "seconds": round(time.perf_counter() - started, 1),
        }
    )
    return RiskModel(
        final.vocabulary, final.idf, final.weights, final.bias, HEADS, thresholds, report
    )


def load_or_train_risk_model(
    risk_dir: Path = DEFAULT_RISK_DIR,
    eval_dir: Path | None = EVAL_DIR,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    config: RiskTrainingConfig | None = None,
    *,
    retrain: bool = False,
) -> RiskModel:
    """The cached model for the current data, trained and cached when there is none."""
    config = config or RiskTrainingConfig()
    path = cache_dir / f"risk-{risk_cache_key(risk_dir, eval_dir, config)}.npz"
    if path.exists() and not retrain:
        try:
            return read_risk_model(path)
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("retraining: unreadable risk cache %s (%s)", path.name, exc)
    model = train_risk_model(load_risk_samples(risk_dir, eval_dir), config)
    logger.info(
        "trained the risk model on %d messages in %.1f s",
        model.meta.get("training_messages", 0),
        model.meta.get("seconds", 0.0),
    )
    try:
        save_risk_model(model, path)
        for old in path.parent.glob("risk-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        logger.warning("could not cache the risk model in %s (%s)", cache_dir, exc)
    return model
