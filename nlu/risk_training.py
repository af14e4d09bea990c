"""Train the risk model: compositional augmentation, one logistic head per label, thresholds.

1. Split the labelled messages (`nlu.risk_corpus`) into training and development parts.
2. Add compound messages built from the training part only: an ordinary question
   followed by a report, a report followed by a question, two ordinary messages.
   Real messages mix them; the model must find the flag wherever it stands. (Optionally,
   off since round 4, add the pieces (`nlu.segments`) of every harmless message as
   harmless.)
3. Fit one class-balanced logistic regression per head (levels, indicators, situations).
4. Score the development part as inference does (whole and pieces) and choose each
   threshold there: recall first within a false-alarm ceiling for the levels, best F1
   for indicators, and for situations the thresholds a second situation must pass
   (the first is always named) that name the exact set most often.
5. Refit on everything with those thresholds, and cache the arrays by the hash of the
   data, the feature code and this configuration.

Nothing here draws from a shuffle: the split, the compounds' messages and the order in
which gradient descent sees the rows all come from hashes of the texts, so a few lines
more or fewer change the model by what they teach, not by a new random draw (round 10).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import sklearn

from nlu.arrays import remove_stale
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
from nlu.risk_model import (
    CONCERN_SITUATIONS,
    HEADS,
    LEVEL_HEADS,
    STACK_FEATURES,
    STACKED_HEADS,
    RiskModel,
    read_risk_model,
    save_risk_model,
    stack_features,
)
from nlu.segments import risk_pieces
from nlu.vectorizer import normalize_blocks, word_feature_mask

logger = logging.getLogger(__name__)

FORMAT_VERSION: Final = 1
FloatArray = npt.NDArray[np.float32]
# Intents whose examples are too short or too social to stand in for "an ordinary question".
_NOT_QUESTIONS: Final = frozenset({"greet", "thanks_goodbye", "change_language", "out_of_scope"})


@dataclass(frozen=True, slots=True)
class RiskTrainingConfig:
    """Everything that shapes the risk model; part of the cache key."""

    alpha: float = 1e-6  # L2 regularisation of each logistic head
    epochs: int = 20
    # Features seen in fewer messages only cost memory. 3 since round 6: in its writer-out
    # runs, 2 kept about 115,000 features and 3 about 83,000, at the same recall at 2 % false
    # alarms (0.954 / 0.967 against 0.946 / 0.965; docs/nlu.md, "Round 6").
    min_df: int = 3
    dev_one_in: int = 5  # one message in this many is in the development part
    target_recall: float = 0.985  # of high + emergency on the development part
    # ... unless that rates more than this share of harmless messages high: then the
    # threshold where false alarms reach it (see `_capped_threshold`). 8 %, not the 5 % of
    # round 3: with word blocks the model ranks better, and at 5 % it traded three points
    # of held-out recall for fewer false alarms; a missed flag costs more (docs/nlu.md).
    max_false_alarms: float = 0.08
    # Logits a piece loses against the whole on the level heads (`RiskModel`).
    piece_margin: float = 2.0
    # The word block's weight against the character block's (`nlu.vectorizer`).
    word_weight: float = 1.0
    # Train on the pieces of harmless messages too. Off since round 4: with more compounds
    # it ranked worse in cross-validation (recall at 2 % false alarms 0.911 vs 0.902 on).
    negative_pieces: bool = False
    emergency_beta: float = 2.0  # recall counts this many times precision for emergencies
    concern_recall: float = 0.9  # of concern and above rated at least concern
    # Per language and kind of compound: 2,500 → 8,000 raised cross-validated recall at 2 %
    # false alarms from 0.911 to 0.921; 15,000 added nothing.
    compounds: int = 8000
    seed: int = 17
    # The second stage (`fit_stack`): a logistic model per level head over what the first
    # stage read of the development part (out of fold) and the context cues.
    stacked: bool = True
    stack_c: float = 1.0  # inverse L2 regularisation of the second stage
    stack_folds: int = 5  # inner folds for its own out-of-fold scores (thresholds)


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


_MODEL_SOURCES: Final = (
    "risk_training.py",
    "risk_model.py",
    "risk_context.py",
    "segments.py",
    "risk_corpus.py",
    "vectorizer.py",
)


def _stable64(text: str) -> int:
    """A 64-bit number from a text that is the same in every process and on every machine
    (Python's `hash` of a string changes per process): the split, the compounds' draws
    and the order of gradient descent all rest on it."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def split_samples(
    samples: Sequence[RiskSample], config: RiskTrainingConfig
) -> tuple[list[int], list[int]]:
    """Training and development parts, by a hash of each text and the seed.

    A hash, not a shuffle: a message stays on its side whatever else is added to the data
    or taken from it, so the development part changes only by what changed. (Round 8: with
    the shuffled split, dropping 7 one-word lines reshuffled the whole part and raised
    held-out false alarms on all eight sets, by 0.3 to 2.3 points.) Identical texts share
    a hash, so none is on both sides.
    """
    seed = str(config.seed)
    train: list[int] = []
    dev: list[int] = []
    for i, sample in enumerate(samples):
        part = dev if _stable64(seed + sample.text) % config.dev_one_in == 0 else train
        part.append(i)
    return train, dev


@dataclass(frozen=True, slots=True)
class Compound:
    """A message made of two labelled ones: their indices and the label of the whole."""

    first: int
    second: int
    label: RiskLabel


def _hash64(*parts: str) -> int:
    """`_stable64` of some strings, kept apart so that ("ab", "c") and ("a", "bc") differ."""
    return _stable64("\0".join(parts))


class _Ring:
    """Consistent hashing over messages: each draw lands on the first message whose hash
    follows the draw's. Taking a message out changes only the draws that landed on it, so
    the compounds, like the split, change only by what changed in the data."""

    def __init__(self, samples: Sequence[RiskSample], indices: Sequence[int], seed: str) -> None:
        keyed = sorted((_hash64(seed, samples[i].text), i) for i in indices)
        self.keys = [k for k, _ in keyed]
        self.items = [i for _, i in keyed]

    def __bool__(self) -> bool:
        return bool(self.items)

    def draw(self, *slot: str) -> int:
        at = bisect.bisect_left(self.keys, _hash64(*slot))
        return self.items[at % len(self.items)]


def plan_compounds(
    samples: Sequence[RiskSample], indices: Sequence[int], config: RiskTrainingConfig
) -> list[Compound]:
    """Question + report, report + question and question + question, within a language.

    Only `indices` are used, so compounds for tuning never contain a development message.
    """
    seed = str(config.seed + 1)
    made: list[Compound] = []
    for language in LANGUAGES:
        own = [i for i in indices if samples[i].language == language]
        questions = _Ring(
            samples,
            [
                i
                for i in own
                if samples[i].label.level == "none"
                and samples[i].intent not in _NOT_QUESTIONS
                and len(samples[i].text.split()) >= 3
            ],
            seed,
        )
        calm = _Ring(samples, [i for i in own if samples[i].label.level == "none"], seed)
        risky = _Ring(samples, [i for i in own if samples[i].label.level != "none"], seed)
        if not questions or not risky:
            continue
        for n in range(config.compounds):
            slot = (seed, language, str(n))
            question, report = questions.draw(*slot, "q1"), risky.draw(*slot, "r1")
            made.append(Compound(question, report, samples[report].label))
            question, report = questions.draw(*slot, "q2"), risky.draw(*slot, "r2")
            made.append(Compound(report, question, samples[report].label))
            first, second = calm.draw(*slot, "c3"), questions.draw(*slot, "q3")
            made.append(Compound(first, second, samples[first].label))
    return made


def compound_counts(counts: Any, compounds: Sequence[Compound]) -> Any:
    """Feature counts of each compound: the sum of its two messages' counts.

    Character n-grams and words never cross messages, so the sum is exact but for the
    one word pair across the join; building the matrix this way costs no text processing.
    """
    from scipy import sparse

    rows = np.repeat(np.arange(len(compounds)), 2)
    columns = np.array([i for c in compounds for i in (c.first, c.second)], dtype=np.int64)
    selection = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (rows, columns)),
        shape=(len(compounds), counts.shape[0]),
    )
    return selection @ counts


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


def fit_heads(matrix: Any, labels: Sequence[RiskLabel], config: RiskTrainingConfig) -> FloatArray:
    """One class-balanced logistic head per label: weights (features + 1, heads), bias last.

    Stochastic gradient descent on the logistic loss: as good as an exact solver here and
    an order of magnitude faster, which keeps a first start on a new machine short.
    """
    from sklearn.linear_model import SGDClassifier

    y, known = _targets(labels)
    weights = np.zeros((matrix.shape[1] + 1, len(HEADS)), dtype=np.float32)
    weights[-1, :] = -10.0  # a head with no examples never fires
    risky = y[:, 0] == 1
    for head in range(len(HEADS)):
        # Indicators and situations are named only for a risky message: their heads learn
        # from risky messages alone.
        rows = np.flatnonzero(known[:, head] & (risky if head >= len(LEVEL_HEADS) else True))
        target = y[rows, head]
        if len(rows) == 0 or target.min() == target.max():
            continue
        model = SGDClassifier(
            loss="log_loss",
            alpha=config.alpha,
            class_weight="balanced",
            max_iter=config.epochs,
            tol=None,
            shuffle=False,  # rows come in a fixed order by hash (`train_risk_model`)
            random_state=config.seed,
        )
        model.fit(matrix[rows], target)
        weights[:-1, head] = model.coef_[0]
        weights[-1, head] = model.intercept_[0]
    return weights


def fit_stack(
    features: FloatArray, labels: Sequence[RiskLabel], config: RiskTrainingConfig
) -> tuple[FloatArray, FloatArray]:
    """The second stage, and its own out-of-fold level logits on `features`' messages.

    `features` must be out of fold for the first stage (the development part scored by
    the model trained without it): the second stage learns how far to trust the first
    on messages it has not seen, e.g. that "в прошлом году" or "говорят" neutralises a
    risky-looking sentence. Returns weights (features + 1, STACKED_HEADS), the inputs'
    standardisation folded in, and logits from `stack_folds` inner folds (thresholds are
    chosen on those, never on the second stage's own training rows).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    ranks = np.array([risk_rank(label.level) for label in labels])
    targets = (ranks >= 1, ranks >= 2)  # "at least concern", "at least high"
    weights = np.zeros((features.shape[1] + 1, STACKED_HEADS), dtype=np.float32)
    weights[-1, :] = -10.0
    logits = np.full((len(labels), STACKED_HEADS), -10.0, dtype=np.float32)

    def fit(x: FloatArray, y: npt.NDArray[np.bool_]) -> FloatArray:
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
        model = LogisticRegression(C=config.stack_c, class_weight="balanced", max_iter=2000)
        model.fit((x - mean) / scale, y)
        coef = model.coef_[0] / scale
        result = np.empty(len(coef) + 1, dtype=np.float32)
        result[:-1] = coef
        result[-1] = model.intercept_[0] - float(coef @ mean)
        return result

    chosen = np.arange(len(labels))
    for head, y in enumerate(targets):
        if len(chosen) < 2 * config.stack_folds or y.min() == y.max():
            continue
        weights[:, head] = fit(features[chosen], y)
        folds = StratifiedKFold(config.stack_folds, shuffle=True, random_state=config.seed)
        for inner, outer in folds.split(chosen, y):
            w = fit(features[chosen[inner]], y[inner])
            logits[chosen[outer], head] = features[chosen[outer]] @ w[:-1] + w[-1]
    return weights, logits


def _recall_threshold(scores: FloatArray, positive: npt.NDArray[np.bool_], recall: float) -> float:
    """The highest threshold that still keeps `recall` of the positives."""
    ranked = np.sort(scores[positive])
    if not len(ranked):
        return 0.5
    missed = int(np.floor((1.0 - recall) * len(ranked)))
    return float(np.clip(ranked[missed] - 1e-6, 0.02, 0.95))


def _capped_threshold(
    scores: FloatArray,
    positive: npt.NDArray[np.bool_],
    harmless: npt.NDArray[np.bool_],
    recall: float,
    max_false_alarms: float,
) -> float:
    """Recall first, within a ceiling on false alarms.

    Past the ceiling, operators would drown in alarms and people asking a plain question
    would be told they are in danger, which costs trust the hotline needs; the floor of
    exact phrases still catches what is said plainly.
    """
    wanted = _recall_threshold(scores, positive, recall)
    calm = np.sort(scores[harmless])
    if not len(calm) or float((calm >= wanted).mean()) <= max_false_alarms:
        return wanted
    allowed = int(np.floor(max_false_alarms * len(calm)))
    ceiling = float(calm[len(calm) - allowed - 1]) + 1e-6  # just above the last tolerated
    return float(np.clip(max(wanted, ceiling), 0.02, 0.95))


def _f1_threshold(scores: FloatArray, positive: npt.NDArray[np.bool_], beta: float = 1.0) -> float:
    """The threshold with the best F-beta (0.5 when the head has too few positives to tell)."""
    if positive.sum() < 3:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.05, 0.96, 0.025):
        predicted = scores >= threshold
        tp = float((predicted & positive).sum())
        b2 = beta * beta
        f1 = (1 + b2) * tp / (float(predicted.sum()) + b2 * float(positive.sum()))
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return round(best, 3)


_SECOND_CANDIDATES: Final = (0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 1.01)


def _second_situation_thresholds(
    probabilities: FloatArray, labels: Sequence[RiskLabel]
) -> FloatArray:
    """Per situation, how sure its head must be to be named after the most likely one.

    Chosen, one situation at a time (two rounds), for the most development messages named
    with exactly their labelled set, as `RiskModel.decide` names them (a concern names
    only labour rights or stranded). 1.01: never named second.
    """
    first_situation = 3 + len(INDICATORS)
    rows = [
        (probabilities[i, first_situation:], label)
        for i, label in enumerate(labels)
        if label.level != "none" and label.situations
    ]
    thresholds = np.full(len(SITUATIONS), 1.01, dtype=np.float32)
    if not rows:
        return thresholds
    concern = np.array([name in CONCERN_SITUATIONS for name in SITUATIONS])
    gold = np.array([[name in (lab.situations or ()) for name in SITUATIONS] for _, lab in rows])
    scores = np.stack([p for p, _ in rows])
    allowed = np.ones_like(gold)
    allowed[[label.level == "concern" for _, label in rows]] = concern
    masked = np.where(allowed, scores, -1.0)
    first = np.zeros_like(gold)
    first[np.arange(len(rows)), np.argmax(masked, axis=1)] = True

    def exact(candidate: FloatArray) -> int:
        named = first | ((masked >= candidate) & allowed)
        return int((named == gold).all(axis=1).sum())

    for _ in range(2):
        for k in range(len(SITUATIONS)):
            trial = thresholds.copy()
            best_value, best_count = float(thresholds[k]), exact(thresholds)
            for value in _SECOND_CANDIDATES:
                trial[k] = value
                count = exact(trial)
                if count > best_count:
                    best_value, best_count = value, count
            thresholds[k] = best_value
    return thresholds


def choose_thresholds(
    probabilities: FloatArray, labels: Sequence[RiskLabel], config: RiskTrainingConfig
) -> tuple[FloatArray, dict[str, Any]]:
    """Thresholds on the development part: recall first for levels, best F1 for the rest."""
    y, known = _targets(labels)
    first_situation = 3 + len(INDICATORS)
    thresholds = np.full(len(HEADS), 0.5, dtype=np.float32)
    thresholds[0] = _recall_threshold(probabilities[:, 0], y[:, 0] == 1, config.concern_recall)
    thresholds[1] = _capped_threshold(
        probabilities[:, 1],
        y[:, 1] == 1,
        y[:, 0] == 0,
        config.target_recall,
        config.max_false_alarms,
    )
    # Emergency or high, among serious messages: recall-weighted F (beta 2), since an
    # emergency rated high still reaches an operator, only with less urgency. The low
    # threshold this gives (about 0.05) is no accident: the head, trained on every
    # message, is near 1 for plain emergencies, 0.05-0.3 for implied ones ("заперли
    # в квартире") and near 0 for serious non-emergencies.
    serious_rows = y[:, 1] == 1
    thresholds[2] = _f1_threshold(
        probabilities[serious_rows, 2], y[serious_rows, 2] == 1, beta=config.emergency_beta
    )

    risky = y[:, 0] == 1
    for head in range(3, first_situation):
        rows = risky & known[:, head]
        thresholds[head] = _f1_threshold(probabilities[rows, head], y[rows, head] == 1)
    thresholds[first_situation:] = _second_situation_thresholds(probabilities, labels)
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


def situation_report(
    model: RiskModel, probabilities: FloatArray, labels: Sequence[RiskLabel]
) -> dict[str, Any]:
    """How often the tuned model names exactly the labelled situations (development part)."""
    risky = [
        (row, label)
        for row, label in zip(probabilities, labels, strict=True)
        if label.level != "none" and label.situations is not None
    ]
    named = [(model.decide(row).situations, set(label.situations or ())) for row, label in risky]
    exact = sum(set(found) == gold for found, gold in named)
    first = sum(bool(found) and found[0] in gold for found, gold in named)
    return {
        "dev_situation_exact": round(exact / len(risky), 4) if risky else None,
        "dev_situation_first_right": round(first / len(risky), 4) if risky else None,
    }


def train_risk_model(samples: Sequence[RiskSample], config: RiskTrainingConfig) -> RiskModel:
    """Choose thresholds on a development split, then refit on all the data."""
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    started = time.perf_counter()
    folded = [normalize(s.text).folded for s in samples]
    counter = CountVectorizer(analyzer=extract_features, min_df=config.min_df, dtype=np.float32)
    counts = counter.fit_transform(folded)
    tfidf = TfidfTransformer(sublinear_tf=True, norm=None).fit(counts)
    vocabulary = {str(k): int(v) for k, v in counter.vocabulary_.items()}
    idf = tfidf.idf_.astype(np.float32)
    word_mask = word_feature_mask(vocabulary, len(idf))

    def vectors(matrix: Any) -> Any:
        return normalize_blocks(tfidf.transform(matrix), word_mask, config.word_weight)

    base = vectors(counts)
    labels = [s.label for s in samples]

    harmless = RiskLabel("none", (), ())

    def fit(indices: Sequence[int]) -> FloatArray:
        seed = str(config.seed)
        compounds = plan_compounds(samples, indices, config)
        blocks = [base[list(indices)], vectors(compound_counts(counts, compounds))]
        targets = [labels[i] for i in indices] + [c.label for c in compounds]
        keys = [_hash64(seed, samples[i].text) for i in indices] + [
            _hash64(seed, samples[c.first].text, samples[c.second].text) for c in compounds
        ]
        if config.negative_pieces:
            calm = [i for i in indices if labels[i].level == "none"]
            pieces = [p for i in calm for p in risk_pieces(folded[i])]
            if pieces:
                blocks.append(vectors(counter.transform(pieces)))
                targets.extend([harmless] * len(pieces))
                keys.extend(_hash64(seed, piece) for piece in pieces)
        # Gradient descent takes the rows in an order set by their hashes, not by a shuffle
        # of their count: one line more or fewer leaves every other row where it was.
        order = sorted(range(len(keys)), key=keys.__getitem__)
        matrix = sparse.vstack(blocks).tocsr()[order]
        return fit_heads(matrix, [targets[i] for i in order], config)

    def model(
        weights: FloatArray, thresholds: FloatArray, meta: dict[str, Any], stack: FloatArray
    ) -> RiskModel:
        return RiskModel(
            vocabulary,
            idf,
            np.ascontiguousarray(weights[:-1]),
            weights[-1].copy(),
            HEADS,
            thresholds,
            meta,
            stack,
        )

    train_idx, dev_idx = split_samples(samples, config)
    meta = {"piece_margin": config.piece_margin, "word_weight": config.word_weight}
    untuned = np.full(len(HEADS), 0.5, dtype=np.float32)
    no_stack = np.zeros((0, STACKED_HEADS), dtype=np.float32)
    partial = model(fit(train_idx), untuned, meta, no_stack)
    readings = [partial.first_stage(folded[i]) for i in dev_idx]
    dev_labels = [labels[i] for i in dev_idx]
    dev_logits = np.stack([best for best, *_ in readings])
    stack = no_stack
    if config.stacked:
        features = np.stack(
            [
                stack_features(whole[: len(LEVEL_HEADS)], pieces, folded[i], flag=flag)
                for (_, whole, pieces, _, flag), i in zip(readings, dev_idx, strict=True)
            ]
        )
        stack, stacked_logits = fit_stack(features, dev_labels, config)
        dev_logits[:, :STACKED_HEADS] = stacked_logits
    dev_probabilities = (1.0 / (1.0 + np.exp(-dev_logits))).astype(np.float32)
    thresholds, report = choose_thresholds(dev_probabilities, dev_labels, config)
    final = fit(range(len(samples)))
    report.update(
        situation_report(model(final, thresholds, meta, stack), dev_probabilities, dev_labels)
    )
    if config.stacked:
        report["stack_features"] = list(STACK_FEATURES)
    report.update(
        {
            **meta,
            "training_messages": len(samples),
            "features": len(vocabulary),
            "seconds": round(time.perf_counter() - started, 1),
        }
    )
    return model(final, thresholds, report, stack)


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
        remove_stale(path, "risk-*.npz")
    except OSError as exc:
        logger.warning("could not cache the risk model in %s (%s)", cache_dir, exc)
    return model
