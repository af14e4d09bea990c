"""The trained risk model at inference: level, ILO indicators and situations of a message.

A set of linear heads over the same TF-IDF features as the intent engine (character
n-grams within words, words, word pairs). Each head gives a probability. The level and
indicator heads take the maximum over the whole message and its pieces
(`nlu.segments`), so a flag anywhere counts; a piece's level logits are lowered by a
margin first, because a piece has lost the words around it ("в прошлом году…, сейчас
всё хорошо") and should win only when it is clearly more alarming than the whole. The
situation heads read the whole message: which situation a story describes is a
property of the story, and pieces named extra ones. Thresholds were chosen on a
development split, recall first, and travel with the model. Like the intent engine,
inference is plain numpy and the cache an `.npz` file without pickle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from nlu.arrays import read_model_arrays, write_model_arrays
from nlu.catalogue import INDICATORS, SITUATIONS, RiskLevel, risk_rank
from nlu.risk_context import CUE_NAMES, cue_values
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
# The level heads the second stage decides ("at least concern", "at least high"). The
# emergency head stays the first stage's: stacked, it missed plain emergencies that the
# first stage is sure of, and cross-validation gained little (docs/nlu.md).
STACKED_HEADS: Final = 2
# What the second stage reads of a message (`stack_features`), in this order.
STACK_FEATURES: Final[tuple[str, ...]] = (
    *(f"whole:{name}" for name in LEVEL_HEADS),
    *(f"pieces_max:{name}" for name in LEVEL_HEADS),
    "pieces_mean:high",
    "pieces_log_count",
    "pieces_share_high",
    "log_words",
    *(f"cue:{name}" for name in CUE_NAMES),
    *(f"cue:{name}*whole:high" for name in CUE_NAMES),
    *(f"cue:{name}*pieces_max:high" for name in CUE_NAMES),
    # The same cues in the flag's own piece (the text the first stage found most alarming):
    # "в прошлом году" next to the alarming sentence neutralises it, in another sentence
    # of a long message it may not ("раньше работал в кафе. Сейчас хозяин держит паспорт").
    *(f"flag_cue:{name}" for name in CUE_NAMES),
    *(f"flag_cue:{name}*pieces_max:high" for name in CUE_NAMES),
    # How the flag's piece relates to the rest: the cues of the text before it and after
    # it. "Раньше… а сейчас бригадир держит паспорт" (a past story, then a present report)
    # and "бригадир держал паспорт… потом отдал, сейчас всё хорошо" (a report, then its end)
    # hold the same cues in the whole, on opposite sides of the flag.
    *(f"before_cue:{name}*pieces_max:high" for name in CUE_NAMES),
    *(f"after_cue:{name}*pieces_max:high" for name in CUE_NAMES),
)
# The second stage learnt from messages of up to ~60 words: beyond, the dilution of the
# whole and the length are out of its range, and it could silence a flag that the
# pieces see plainly at the end of a long transcript. There it may only raise the level.
STACK_MAX_WORDS: Final = 60
_LOGIT_LIMIT: Final = 15.0  # a logit beyond this says nothing more, and must not dominate


def stack_features(
    whole: FloatArray,
    pieces: FloatArray,
    folded: str,
    words: int | None = None,
    flag: str | None = None,
) -> FloatArray:
    """The second stage's inputs for one message (`STACK_FEATURES`).

    `whole`: the first stage's level logits of the whole message; `pieces`: its pieces'
    level logits, one row each (possibly none); `words`: `len(folded.split())`, if the
    caller has it; `flag`: the piece the first stage found most alarming (the whole when
    omitted). Built as a Python list and converted once: a dozen small numpy calls would
    cost more than the arithmetic.
    """
    limit = _LOGIT_LIMIT
    own = [min(max(v, -limit), limit) for v in whole.tolist()]
    if len(pieces):
        rows = [[min(max(v, -limit), limit) for v in row] for row in pieces.tolist()]
        top = [max(column) for column in zip(*rows, strict=True)]
        high = [row[1] for row in rows]
        mean, share = sum(high) / len(high), sum(v > 0 for v in high) / len(high)
    else:
        top, mean, share = own, own[1], float(own[1] > 0)
    cues = cue_values(folded)
    flag_cues = cues if flag is None or flag == folded else cue_values(flag, cues)
    before, after = _around(folded, flag, cues)
    values = [
        *own,
        *top,
        mean,
        math.log1p(len(pieces)),
        share,
        math.log1p(len(folded.split()) if words is None else words),
        *cues,
        *(cue * own[1] for cue in cues),
        *(cue * top[1] for cue in cues),
        *flag_cues,
        *(cue * top[1] for cue in flag_cues),
        *(cue * top[1] for cue in before),
        *(cue * top[1] for cue in after),
    ]
    return np.array(values, dtype=np.float32)


_NO_CUES: Final = [0.0] * len(CUE_NAMES)


def _around(folded: str, flag: str | None, cues: list[float]) -> tuple[list[float], list[float]]:
    """The context cues of the text before and after the flag's piece (none: the whole).

    `cues`: the whole's, which bound the parts' (`cue_values`).
    """
    if flag is None or flag == folded:
        return _NO_CUES, _NO_CUES
    start = folded.find(flag)
    if start < 0:  # a window re-joined with single spaces: no position to speak of
        return _NO_CUES, _NO_CUES
    head, tail = folded[:start].strip(), folded[start + len(flag) :].strip()
    return (
        cue_values(head, cues) if head else _NO_CUES,
        cue_values(tail, cues) if tail else _NO_CUES,
    )


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
    # The second stage: (len(STACK_FEATURES) + 1, STACKED_HEADS), bias last; empty: none.
    stack: FloatArray = field(default_factory=lambda: np.zeros((0, STACKED_HEADS), np.float32))

    vectorizer: CachedVectorizer = field(init=False, repr=False, compare=False)
    limits: tuple[float, ...] = field(init=False, repr=False, compare=False)  # thresholds

    piece_shift: FloatArray = field(init=False, repr=False, compare=False)
    # Views of `stack` (weights, bias), taken once rather than sliced at every message.
    stack_weights: FloatArray = field(init=False, repr=False, compare=False)
    stack_bias: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Models trained before the word block was weighted have no "word_weight".
        word_weight = self.meta.get("word_weight")
        vectorizer = CachedVectorizer(
            self.vocabulary, self.idf, float(word_weight) if word_weight else None
        )
        object.__setattr__(self, "vectorizer", vectorizer)
        object.__setattr__(self, "limits", tuple(self.thresholds.tolist()))
        # What a piece's logits lose against the whole's: the level margin on the level
        # heads, nothing on the indicators; situations are the whole's alone (-inf).
        shift = np.zeros(len(self.heads), dtype=np.float32)
        shift[: len(LEVEL_HEADS)] = float(self.meta.get("piece_margin", 0.0))
        shift[_SITUATIONS] = np.inf
        object.__setattr__(self, "piece_shift", shift)
        object.__setattr__(self, "stack_weights", self.stack[:-1])
        object.__setattr__(self, "stack_bias", self.stack[-1] if len(self.stack) else self.stack)

    def head_logits(self, folded: str) -> FloatArray:
        """Every head's logit for one piece of folded text."""
        logits: FloatArray = self.vectorizer.scores([folded], self.weights, self.bias)[0]
        return logits

    def head_probabilities(self, folded: str) -> FloatArray:
        """Every head's probability for one piece of folded text."""
        return _logistic(self.head_logits(folded))

    def first_stage(self, folded: str) -> tuple[FloatArray, FloatArray, FloatArray, str, str]:
        """The linear heads over the whole and the pieces, scored in one pass.

        Returns the combined logits (per head, the whole's or a piece's less its margin),
        the whole's logits, the pieces' level logits (one row each), the flag's piece (the
        evidence: a piece only when it is clearly more alarming than the whole) and the
        most alarming piece (the second stage reads its context cues).
        """
        texts = [folded, *risk_pieces(folded)]
        logits = self.vectorizer.scores(texts, self.weights, self.bias)
        whole = logits[0].copy()
        levels = logits[1:, : len(LEVEL_HEADS)].copy()  # before the margin: the stage reads it
        if len(texts) == 1:
            return logits[0], whole, levels, folded, folded
        flag = texts[1 + int(levels[:, _HIGH].argmax())]
        logits[1:] -= self.piece_shift
        # The first text with the highest "at least high" (the whole wins ties).
        evidence = texts[int(logits[:, _HIGH].argmax())]
        best: FloatArray = np.maximum.reduce(logits, axis=0)  # `max` through fewer Python calls
        return best, whole, levels, evidence, flag

    def message_probabilities(self, folded: str) -> tuple[FloatArray, str]:
        """Per head, the message's probability, and the piece of the flag.

        Indicators: the whole's or a piece's (less its margin); situations: the whole's;
        "at least concern" and "at least high": the second stage's, which weighs the
        whole, the pieces and the context cues, when the model has one (else as the
        indicators; beyond `STACK_MAX_WORDS` words the higher of the two); "emergency":
        as the indicators.
        """
        best, whole, pieces, evidence, flag = self.first_stage(folded)
        if len(self.stack):
            words = len(folded.split())
            features = stack_features(whole[: len(LEVEL_HEADS)], pieces, folded, words, flag)
            stacked = features @ self.stack_weights + self.stack_bias
            if words > STACK_MAX_WORDS:
                np.maximum(stacked, best[:STACKED_HEADS], out=stacked)
            best[:STACKED_HEADS] = stacked
        return _logistic(best.astype(np.float32, copy=False)), evidence

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
    """The most likely name, then any other above its (strict) threshold, most likely first.

    Nine messages in ten describe one situation: independent thresholds named a second
    one far too often, so a second is named only when its head is very sure.
    """
    # A stable sort, most likely first: equals keep their order, as with `np.argsort`.
    order = sorted(range(len(names)), key=probabilities.__getitem__, reverse=True)
    return (names[order[0]], *(names[i] for i in order[1:] if above[i]))


def _logistic(logits: FloatArray) -> FloatArray:
    """1 / (1 + exp(-logits)) in place on float32 (the same numbers, no temporaries)."""
    np.negative(logits, out=logits)
    np.exp(logits, out=logits)
    logits += np.float32(1.0)
    np.reciprocal(logits, out=logits)
    return logits


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
        stack=model.stack,
    )


def read_risk_model(path: Path) -> RiskModel:
    """Read a cached model; plain arrays only."""
    names = ("idf", "weights", "bias", "thresholds", "stack")
    vocabulary, meta, arrays = read_model_arrays(path, names)
    heads = tuple(meta["heads"])
    if heads != HEADS:
        raise ValueError("the cached risk model has other heads")
    if len(arrays["stack"]) and arrays["stack"].shape != (
        len(STACK_FEATURES) + 1,
        STACKED_HEADS,
    ):
        raise ValueError("the cached risk model has another second stage")
    return RiskModel(
        vocabulary=vocabulary, heads=heads, meta=dict(meta.get("report") or {}), **arrays
    )
