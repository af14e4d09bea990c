"""Risk assessment on every message, from a reviewable lexicon plus the intent ranking.

The lexicon (`nlu/risk_lexicon.yml`) lists, per ILO indicator, the words people
really use, as regular expressions matched on the normalised and folded text,
so Latin transliteration and missing ө/ү/ң are covered. Matching is per
sentence, so a red flag in the second sentence of a registration question is
still found. Guards keep the layer quiet on questions *about* risks ("what are
the signs of trafficking", "can an employer keep my passport?"), unless the
same sentence reports it happening to the writer or someone close.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import yaml

from nlu.anchors import AnchorIndex, required_anchors
from nlu.catalogue import INDICATORS, RISK_LEVELS, SITUATIONS, Language, RiskLevel, risk_rank
from nlu.normalize import fold
from nlu.risk_model import CONCERN_SITUATIONS, FloatArray, RiskModel
from nlu.types import IntentScore, NormalizedText, RiskAssessment

DEFAULT_LEXICON: Final = Path(__file__).resolve().parent / "risk_lexicon.yml"

# The classifier raises the level when it is confident (it never lowers the lexicon's):
# a description of exploitation is at least `high`, an emergency is an `emergency`.
# 0.8: on a held-out split of the training data, lower floors caught no report the
# lexicon missed and only added false alarms; bare cries for help ("жардам",
# "помогите") score near 1.0 and are what this floor is for.
INTENT_FLOORS: Final[dict[str, tuple[float, RiskLevel]]] = {
    "emergency": (0.8, "emergency"),
    "report_exploitation": (0.8, "high"),
    "wages_unpaid": (0.6, "concern"),
}
# A message the classifier splits between the two, or gives them most of its mass, is at
# least `high` when report_exploitation + emergency together reach this (never for a
# question about risk, see `risk_from_hits`). Measured while the lexicon had not yet seen
# the messages (second half of nlu/eval/dev2.jsonl): recall 0.903 at 0.5 and 0.6, 0.893
# at 0.7, 0.883 at 0.8, with the same false alarms. On dev.jsonl 0.5 adds a false alarm
# (a Kyrgyz goodbye, "жакшы калгыла"), 0.6 none; on two 20 % hold-outs of the training
# data 0.6 gives 0.69 % false alarms against 0.46 % for 0.8.
SERIOUS_INTENTS: Final = ("report_exploitation", "emergency")
SERIOUS_FLOOR: Final = 0.6
# "One may be enough; several together are a strong sign" (ILO): over a conversation,
# a second distinct indicator in another turn makes the case `high`. Within one message
# the lexicon's levels stand (the shared labelling keeps "long shifts and unpaid
# overtime", said at once, a concern).
SEVERAL_INDICATORS: Final = 2

_SENTENCE_SPLIT: Final = re.compile(r"[.!?;\n…]+|\s(?:но|однако|бирок|а еще|а также)\s")
# Inside a sentence, punctuation does not change what is said: "сказал, что убьет" and
# "паспорт — у хозяина" must meet the patterns written "сказал что убьет". Commas,
# colons, quotes, brackets and free-standing dashes become spaces before matching (the
# guards still see the comma-separated clauses, see `_sentence_hits`).
_INNER_PUNCTUATION: Final = re.compile(r"[,:\"«»“”„‘’'()\[\]*/]+|\s[-–—]+|[-–—]+\s")
_SPACES: Final = re.compile(r"\s+")
_TERM: Final = re.compile(r"\{([A-Z_]+)\}")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One reviewable rule: every `all` pattern and no `none` pattern in one sentence."""

    id: str
    indicators: tuple[str, ...]  # ILO indicators; empty where none fits
    level: RiskLevel
    all: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]
    conditional_ok: bool  # threats are conditional by nature: "если уйдешь, убьем"
    context: tuple[re.Pattern[str], ...] = ()  # must be somewhere in the whole message
    # `all` and `context` together, shortest (usually cheapest) first: the whole-message
    # pre-check stops at the first pattern that is absent.
    probe: tuple[re.Pattern[str], ...] = ()
    # For each probe, literals one of which any match contains (nlu.anchors); None: unknown.
    probe_anchors: tuple[frozenset[str] | None, ...] = ()

    def may_match(self, whole: str, present: frozenset[str]) -> bool:
        """The whole-message pre-check: skips a probe's expression when no anchor is there."""
        return all(
            (anchors is None or not anchors.isdisjoint(present)) and probe.search(whole)
            for probe, anchors in zip(self.probe, self.probe_anchors, strict=True)
        )

    def matches(self, sentence: str) -> bool:
        return all(p.search(sentence) for p in self.all) and not any(
            p.search(sentence) for p in self.none
        )

    def position(self, sentence: str) -> int:
        """Where the earliest of the entry's patterns starts in `sentence`."""
        starts = [m.start() for p in self.all if (m := p.search(sentence))]
        return min(starts, default=0)


@dataclass(frozen=True, slots=True)
class RiskLexicon:
    entries: tuple[LexiconEntry, ...]
    generic_strong: re.Pattern[str]  # "признаки", "может ли", "белгилери": a question about risk
    generic_weak: re.Pattern[str]  # "это нормально?", "слышал": general unless someone is named
    conditional: re.Pattern[str]  # Kyrgyz -са/-се verbs: hypothetical unless someone is named
    conditional_before: re.Pattern[str]  # "если", "эгер": hypothetical only BEFORE the red flag
    personal: re.Pattern[str]  # "у меня", "брат", "менин", "-ымды": it happens to us
    resolved: re.Pattern[str] = re.compile(r"(?!x)x")  # "раньше ..., сейчас всё хорошо"
    anchors: AnchorIndex = field(default_factory=lambda: AnchorIndex(()))

    def is_guarded(self, text: str, entry: LexiconEntry) -> bool:
        """Whether `text` asks about the entry's risk in general rather than reporting it."""
        if self.generic_strong.search(text):
            return True
        # "Что делать, если не платят" is hypothetical; "бьют, если не выполнишь норму"
        # reports a practice, so "если" counts only before the red flag.
        hypothetical = bool(self.generic_weak.search(text)) or (
            not entry.conditional_ok
            and bool(
                self.conditional.search(text)
                or (
                    self.conditional_before.search(text)
                    and self.conditional_before.search(text[: entry.position(text)])
                )
            )
        )
        return hypothetical and not self.personal.search(text)


def _top_level(pattern: str) -> list[str]:
    """Split a regular expression at its top-level `|`."""
    parts, depth, current, i = [], 0, [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def _closes_at_end(pattern: str) -> bool:
    depth = 0
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        depth += pattern[i] == "("
        depth -= pattern[i] == ")"
        if depth == 0:
            return i == len(pattern) - 1
        i += 1
    return False


def factor_word_boundaries(pattern: str) -> str:
    """Rewrite `\\ba|\\bb|c` as `\\b(?:a|b)|c`: same matches, far fewer attempts.

    Python's regex engine tries every alternative at every position; with the
    boundary first, positions inside words fail at once. Reviewers keep writing
    `\\b` on each alternative, which reads better.
    """
    for opening in ("(?:", "("):
        plain = opening == "(?:" or not pattern.startswith("(?")
        if pattern.startswith(opening) and plain and _closes_at_end(pattern):
            # Groups are never read back, so a capturing group may become non-capturing.
            return f"(?:{factor_word_boundaries(pattern[len(opening) : -1])})"
    parts = _top_level(pattern)
    bounded = [p[2:] for p in parts if p.startswith("\\b")]
    if len(bounded) < 2:
        return pattern
    others = [p for p in parts if not p.startswith("\\b")]
    return "|".join([f"\\b(?:{'|'.join(bounded)})", *others])


def _compile(pattern: str, terms: dict[str, str]) -> re.Pattern[str]:
    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise ValueError(f"unknown term {{{name}}} in risk lexicon pattern {pattern!r}")
        return f"(?:{terms[name]})"

    # Patterns are folded like the text, so reviewers may write ө/ү/ң or о/у/н; an
    # optional soft sign ("бь?ют") disappears with the sign itself.
    expanded = _TERM.sub(expand, pattern).lower().replace("ь?", "").replace("ъ?", "")
    return re.compile(factor_word_boundaries(fold(expanded)))


def _alternation(
    items: Iterable[dict[str, Any]], terms: dict[str, str], before_match: bool = False
) -> re.Pattern[str]:
    patterns = [
        _compile(str(item["pattern"]), terms).pattern
        for item in items
        if bool(item.get("before_match", False)) == before_match
    ]
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x")


def parse_lexicon(document: dict[str, Any]) -> RiskLexicon:
    """Build a lexicon from the YAML structure; raises ValueError on a bad entry."""
    raw_terms = document.get("terms") or {}
    terms: dict[str, str] = {}
    for name, value in raw_terms.items():  # a term may use terms defined above it
        terms[str(name)] = _TERM.sub(lambda m: f"(?:{terms[m.group(1)]})", str(value["pattern"]))
    guards = document.get("guards") or {}
    entries: list[LexiconEntry] = []
    seen: set[str] = set()
    for item in document.get("entries") or []:
        entry_id = str(item["id"])
        raw = item.get("indicators", item.get("indicator"))
        indicators = tuple(raw) if isinstance(raw, list) else ((raw,) if raw else ())
        level = item.get("level")
        if entry_id in seen:
            raise ValueError(f"duplicate risk lexicon id {entry_id}")
        if set(indicators) - set(INDICATORS):
            raise ValueError(f"{entry_id}: unknown indicator in {indicators}")
        if level not in RISK_LEVELS or level == "none":
            raise ValueError(f"{entry_id}: level must be concern, high or emergency")
        if not item.get("note"):
            raise ValueError(f"{entry_id}: every entry needs a note for reviewers")
        seen.add(entry_id)
        required = tuple(_compile(p, terms) for p in item["all"])
        context = tuple(_compile(p, terms) for p in item.get("context") or ())
        # Shortest (usually cheapest) first: the whole-message pre-check stops early.
        probe = tuple(sorted((*required, *context), key=lambda p: len(p.pattern)))
        entries.append(
            LexiconEntry(
                id=entry_id,
                indicators=indicators,
                level=cast(RiskLevel, level),
                all=required,
                none=tuple(_compile(p, terms) for p in item.get("none") or ()),
                conditional_ok=bool(item.get("conditional_ok", False)),
                context=context,
                probe=probe,
                probe_anchors=tuple(required_anchors(p.pattern) for p in probe),
            )
        )
    return RiskLexicon(
        entries=tuple(entries),
        generic_strong=_alternation(guards.get("generic_strong") or (), terms),
        generic_weak=_alternation(guards.get("generic_weak") or (), terms),
        conditional=_alternation(guards.get("conditional") or (), terms),
        conditional_before=_alternation(guards.get("conditional") or (), terms, before_match=True),
        personal=_alternation(guards.get("personal") or (), terms),
        resolved=_alternation(guards.get("resolved") or (), terms),
        anchors=AnchorIndex(
            a for e in entries for found in e.probe_anchors if found for a in found
        ),
    )


@lru_cache(maxsize=4)
def load_lexicon(path: Path = DEFAULT_LEXICON) -> RiskLexicon:
    """Read and compile the lexicon once per process."""
    with path.open(encoding="utf-8") as handle:
        return parse_lexicon(yaml.safe_load(handle))


def flatten(text: str) -> str:
    """`text` with inner punctuation read as spaces, padded with one space each side."""
    return f" {_SPACES.sub(' ', _INNER_PUNCTUATION.sub(' ', text)).strip()} "


def _sentence_hits(
    lexicon: RiskLexicon, entries: Sequence[LexiconEntry], raw: str
) -> list[LexiconEntry]:
    sentence = flatten(raw)
    hits = [entry for entry in entries if entry.matches(sentence)]
    if not hits:
        return hits
    clauses = [flatten(c) for c in raw.split(",") if c.strip()]

    def reported(entry: LexiconEntry) -> bool:
        if not lexicon.is_guarded(sentence, entry):
            return True
        # "Можно ли что-то сделать, у меня забрали паспорт": a clause of its own reports it.
        return len(clauses) > 1 and any(
            entry.matches(c) and not lexicon.is_guarded(c, entry) for c in clauses
        )

    return [entry for entry in hits if reported(entry)]


def lexicon_hits(folded: str, lexicon: RiskLexicon | None = None) -> list[LexiconEntry]:
    """Return the lexicon entries found in the folded text, sentence by sentence."""
    lexicon = lexicon or load_lexicon()
    # An entry whose patterns are not all somewhere in the message cannot match any of
    # its sentences: one pass over the whole text keeps most messages to that pass.
    whole = flatten(folded)
    if lexicon.resolved.search(whole):
        return []  # a past story that is over: nothing to report
    present = lexicon.anchors.present(whole)
    candidates = [e for e in lexicon.entries if e.may_match(whole, present)]
    found: dict[str, LexiconEntry] = {}
    if not candidates:
        return []
    for sentence in _SENTENCE_SPLIT.split(folded):
        if sentence.strip():
            for entry in _sentence_hits(lexicon, candidates, sentence.strip()):
                found.setdefault(entry.id, entry)
    return list(found.values())


def asks_about_risk(folded: str, lexicon: RiskLexicon | None = None) -> bool:
    """Whether the message asks about risks in general ("признаки", "может ли", "белгилери").

    A past story that is over ("раньше ..., сейчас всё хорошо, я дома") counts too.
    """
    lexicon = lexicon or load_lexicon()
    whole = flatten(folded)
    return bool(lexicon.generic_strong.search(whole) or lexicon.resolved.search(whole))


def _ordered(indicators: Iterable[str]) -> tuple[str, ...]:
    present = set(indicators)
    return tuple(i for i in INDICATORS if i in present)


def assess_risk(
    normalized: NormalizedText,
    language: Language,
    ranking: Sequence[IntentScore] = (),
    lexicon: RiskLexicon | None = None,
) -> RiskAssessment:
    """Assess one message: lexicon hits, raised by a confident classifier."""
    del language  # mixed messages are common: every entry runs on every message
    lexicon = lexicon or load_lexicon()
    question = classifier_may_raise(ranking) and asks_about_risk(normalized.folded, lexicon)
    return risk_from_hits(lexicon_hits(normalized.folded, lexicon), ranking, question=question)


def classifier_may_raise(ranking: Sequence[IntentScore]) -> bool:
    """Whether the ranking could raise the level to high or emergency (see `risk_from_hits`)."""
    if not ranking:
        return False
    floor = INTENT_FLOORS.get(ranking[0].intent)
    if floor and risk_rank(floor[1]) >= risk_rank("high") and ranking[0].confidence >= floor[0]:
        return True
    return sum(s.confidence for s in ranking if s.intent in SERIOUS_INTENTS) >= SERIOUS_FLOOR


def hits_level(hits: Iterable[LexiconEntry]) -> RiskLevel:
    """The most serious level among lexicon hits."""
    level: RiskLevel = "none"
    for entry in hits:
        if risk_rank(entry.level) > risk_rank(level):
            level = entry.level
    return level


def risk_from_hits(
    hits: Sequence[LexiconEntry], ranking: Sequence[IntentScore] = (), *, question: bool = False
) -> RiskAssessment:
    """Combine lexicon hits with the intent ranking (see `INTENT_FLOORS`).

    `question`: the message asks about risks in general (`asks_about_risk`); the
    classifier, which cannot tell "если бы меня заперли" from "меня заперли", then does
    not raise the level to high or emergency.
    """
    level = hits_level(hits)
    if ranking:
        floor = INTENT_FLOORS.get(ranking[0].intent)
        if question and floor and risk_rank(floor[1]) >= risk_rank("high"):
            floor = None
        if floor and ranking[0].confidence >= floor[0] and risk_rank(floor[1]) > risk_rank(level):
            level = floor[1]
        # Not over a concern the lexicon found: unpaid wages or long shifts alone lean
        # the classifier towards report_exploitation, and the labelling keeps them a concern.
        serious = sum(s.confidence for s in ranking if s.intent in SERIOUS_INTENTS)
        if not question and serious >= SERIOUS_FLOOR and level == "none":
            level = "high"
    indicators = _ordered(i for e in hits for i in e.indicators)
    return RiskAssessment(level=level, indicators=indicators)


def assess_with_model(
    model: RiskModel,
    windows: Sequence[str],
    hits: Sequence[LexiconEntry],
    ranking: Sequence[IntentScore] = (),
    *,
    question: bool = False,
    intent_floor: bool = True,
) -> RiskAssessment:
    """The model's reading of the message's windows, floored by the lexicon's known phrases.

    `windows`: the folded message, or its overlapping windows when it is very long; a
    flag in any counts. The lexicon never lowers the model; the classifier floor
    (`risk_from_hits`) applies as before when `intent_floor` is set.
    """
    best: FloatArray | None = None
    evidence, evidence_score = "", -1.0
    for window in windows:
        probabilities, piece = model.message_probabilities(window)
        if float(probabilities[1]) > evidence_score:
            evidence, evidence_score = piece, float(probabilities[1])
        best = probabilities if best is None else np.maximum(best, probabilities)
    assert best is not None, "a message has at least one window"
    floor = risk_from_hits(hits, ranking if intent_floor else (), question=question)
    read = model.decide(best, evidence, floor=floor.level)
    return RiskAssessment(
        level=read.level,
        indicators=_ordered([*read.indicators, *floor.indicators]),
        situations=read.situations,
        score=read.score,
        evidence=read.evidence if read.level != "none" else "",
    )


def _ordered_situations(situations: Iterable[str]) -> tuple[str, ...]:
    present = set(situations)
    return tuple(s for s in SITUATIONS if s in present)


def accumulate_risk(assessments: Iterable[RiskAssessment]) -> RiskAssessment:
    """Combine a conversation's assessments: never below the worst, union of indicators.

    Distinct indicators reported in different turns (no single turn already carries
    them all) are new evidence, and make the conversation at least `high`.
    """
    level: RiskLevel = "none"
    per_turn: list[frozenset[str]] = []
    situations: list[str] = []
    evidence = ""
    for assessment in assessments:
        if risk_rank(assessment.level) > risk_rank(level):
            level = assessment.level
            evidence = assessment.evidence or evidence
        per_turn.append(frozenset(assessment.indicators))
        situations.extend(assessment.situations)
    union = frozenset().union(*per_turn)
    spread = not any(turn >= union for turn in per_turn)
    if len(union) >= SEVERAL_INDICATORS and spread and risk_rank(level) < risk_rank("high"):
        level = "high"
    kept = _ordered_situations(situations)
    if risk_rank(level) > risk_rank("concern"):
        # Once it is serious, "stranded" alone no longer describes it; keep it beside others.
        kept = tuple(s for s in kept if s not in CONCERN_SITUATIONS) or kept
    return RiskAssessment(
        level=level, indicators=_ordered(union), situations=kept, evidence=evidence
    )
