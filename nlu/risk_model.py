"""The trained risk model at inference: level, ILO indicators and situations of a message.

A set of linear heads over the same TF-IDF features as the intent engine (character
n-grams within words, words, word pairs). Each head gives a probability; the message
scores the maximum over its whole and its pieces (`nlu.segments`), so a flag anywhere
counts. Thresholds were chosen on a development split, recall first, and travel with
the model. Like the intent engine, inference is plain numpy and the cache an `.npz`
file without pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from nlu.arrays import read_model_arrays, write_model_arrays
from nlu.catalogue import INDICATORS, SITUATIONS, RiskLevel, risk_rank
from nlu.segments import risk_pieces
from nlu.vectorizer import CachedVectorizer

FloatArray = npt.NDArray[np.float32]

# The level heads: each says "at least this level".
LEVEL_HEADS: Final = ("concern", "high", "emergency")
HEADS: Final[tuple[str, ...]] = (
    *(f"level:{name}" for name in LEVEL_HEADS),
    *(f"indicator:{name}" for name in INDICATORS),
    *(f"situation:{name}" for name in SITUATIONS),
)
# Situations that are emergencies whenever they are risky at all (INTENTS.md).
ALWAYS_EMERGENCY: Final = frozenset({"suicide_risk", "medical_emergency"})
# Situations of a `concern`: a labour-rights problem or being stranded, nothing worse.
CONCERN_SITUATIONS: Final = frozenset({"stranded", "labour_rights"})


@dataclass(frozen=True, slots=True)
class ModelRisk:
    """What the model reads in one message, before the lexicon floor."""

    level: RiskLevel
    indicators: tuple[str, ...]
    situations: tuple[str, ...]
    score: float  # probability of "at least high": the risk score of the PR curve
    evidence: str  # the piece (or the whole) that carried the highest "at least high"


@dataclass(frozen=True, slots=True)
class RiskModel:
    vocabulary: dict[str, int]
    idf: FloatArray  # (features,)
    weights: FloatArray  # (features, heads)
    bias: FloatArray  # (heads,)
    heads: tuple[str, ...]
    thresholds: FloatArray  # (heads,)
    meta: dict[str, Any]  # training report: split sizes, dev recall, chosen operating point

    vectorizer: CachedVectorizer = field(init=False, repr=False, compare=False)
    limits: tuple[float, ...] = field(init=False, repr=False, compare=False)  # thresholds

    def __post_init__(self) -> None:
        object.__setattr__(self, "vectorizer", CachedVectorizer(self.vocabulary, self.idf))
        object.__setattr__(self, "limits", tuple(self.thresholds.tolist()))

    def head_probabilities(self, folded: str) -> FloatArray:
        """Every head's probability for one piece of folded text."""
        probabilities: FloatArray = self.piece_probabilities([folded])[0]
        return probabilities

    def piece_probabilities(self, pieces: Sequence[str]) -> FloatArray:
        """Every head's probability for each piece: an array (pieces, heads), in one pass."""
        # The logistic function in place: 1 / (1 + exp(-logits)), without temporaries.
        result = self.vectorizer.scores(pieces, self.weights, self.bias)
        np.negative(result, out=result)
        np.exp(result, out=result)
        result += np.float32(1.0)
        np.reciprocal(result, out=result)
        return result

    def message_probabilities(self, folded: str) -> tuple[FloatArray, str]:
        """The maximum per head over the whole and the pieces, and the piece of the flag."""
        pieces = [folded, *risk_pieces(folded)]
        probabilities = self.piece_probabilities(pieces)
        if len(pieces) == 1:
            return probabilities[0], folded
        # The first piece with the highest "at least high" (the whole wins ties).
        evidence = pieces[int(np.argmax(probabilities[:, _HIGH]))]
        best: FloatArray = probabilities.max(axis=0)
        return best, evidence

    def decide(
        self, probabilities: FloatArray, evidence: str = "", floor: RiskLevel = "none"
    ) -> ModelRisk:
        """Turn head probabilities into a level, indicators and situations.

        `floor`: a level the message has whatever the heads say (a known red-flag phrase
        of the lexicon); the situations are then the heads' best for that level.
        """
        # Python floats, not numpy: on 25 numbers each numpy call costs more than its work.
        # float32 values compare the same as Python floats.
        values: list[float] = probabilities.tolist()
        limits = self.limits
        if (
            floor == "none"
            and values[_HIGH] < limits[_HIGH]
            and values[_CONCERN] < limits[_CONCERN]
        ):
            return ModelRisk("none", (), (), values[_HIGH], evidence)  # most messages
        above = [value >= limit for value, limit in zip(values, limits, strict=True)]
        level: RiskLevel = "none"
        if above[_EMERGENCY] and above[_HIGH]:
            level = "emergency"
        elif above[_HIGH]:
            level = "high"
        elif above[_CONCERN]:
            level = "concern"
        if risk_rank(floor) > risk_rank(level):
            level = floor
        situations: tuple[str, ...] = ()
        indicators: tuple[str, ...] = ()
        if level != "none":
            situation_values = values[_SITUATIONS]
            situations = _pick(SITUATIONS, situation_values, above[_SITUATIONS])
            if level == "concern":
                # A concern is only ever a labour-rights problem or being stranded.
                situations = tuple(s for s in situations if s in CONCERN_SITUATIONS)
                if not situations:
                    best = max(_CONCERN_INDICES, key=situation_values.__getitem__)
                    situations = (SITUATIONS[best],)
            elif ALWAYS_EMERGENCY.intersection(situations):
                level = "emergency"
            indicators = tuple(
                name for name, flag in zip(INDICATORS, above[_INDICATORS], strict=True) if flag
            )
        return ModelRisk(level, indicators, situations, values[_HIGH], evidence)

    def assess(self, folded: str) -> ModelRisk:
        """Read one folded message as a whole and piece by piece."""
        probabilities, evidence = self.message_probabilities(folded)
        return self.decide(probabilities, evidence)


_CONCERN, _HIGH, _EMERGENCY = 0, 1, 2
_INDICATORS: Final = slice(3, 3 + len(INDICATORS))
_SITUATIONS: Final = slice(3 + len(INDICATORS), 3 + len(INDICATORS) + len(SITUATIONS))


# The first of equals wins, as with `np.argmax`.
_CONCERN_INDICES: Final = tuple(
    i for i, name in enumerate(SITUATIONS) if name in CONCERN_SITUATIONS
)


def _pick(names: tuple[str, ...], probabilities: list[float], above: list[bool]) -> tuple[str, ...]:
    """The names above their threshold, most likely first; the most likely when none is."""
    order = sorted(range(len(names)), key=probabilities.__getitem__, reverse=True)
    chosen = tuple(names[i] for i in order if above[i])
    return chosen or (names[order[0]],)


def save_risk_model(model: RiskModel, path: Path) -> None:
    """Write the model atomically, so a concurrent reader never sees half a file."""
    write_model_arrays(
        path,
        model.vocabulary,
        {"heads": list(model.heads), "report": model.meta},
        idf=model.idf,
        weights=model.weights,
        bias=model.bias,
        thresholds=model.thresholds,
    )


def read_risk_model(path: Path) -> RiskModel:
    """Read a cached model; plain arrays only."""
    vocabulary, meta, arrays = read_model_arrays(path, ("idf", "weights", "bias", "thresholds"))
    heads = tuple(meta["heads"])
    if heads != HEADS:
        raise ValueError("the cached risk model has other heads")
    return RiskModel(
        vocabulary=vocabulary, heads=heads, meta=dict(meta.get("report") or {}), **arrays
    )
