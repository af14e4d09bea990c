"""The risk model's labelled messages: `nlu/risk_data/` plus the labelled eval sets.

Risk labels for the intent examples of `nlu/data/` live in parallel files under
`nlu/risk_data/labels/`, new risk-only messages under `nlu/risk_data/examples/`
(format in `nlu/risk_data/README.md`). The development sets of `nlu/eval/` carry
levels and indicators but rarely situations: where a line has none, its situations count
as unknown and the situation heads skip it. `test3.jsonl` and `test4.jsonl`, held out in
rounds 3 and 4, are training data since round 5; the sets of `HELD_OUT_SETS` are held out
and never read here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, cast

from nlu.catalogue import INDICATORS, LANGUAGES, RISK_LEVELS, SITUATIONS, Language, RiskLevel

NLU_DIR: Final = Path(__file__).resolve().parent
DEFAULT_RISK_DIR: Final = NLU_DIR / "risk_data"
EVAL_DIR: Final = NLU_DIR / "eval"
# Labelled sets that are not held out: risk training may learn from them. The intent
# model never does, so `test.jsonl` still measures intents on unseen wording. test3 and
# test4 were reported as held out in rounds 3 and 4; in round 5 each measured a model
# trained with the other (several independent writers generalise better than one), and
# both became training data (docs/nlu.md, "Round 5").
TRAINING_EVAL_SETS: Final = ("dev.jsonl", "dev2.jsonl", "test.jsonl", "test3.jsonl", "test4.jsonl")
HELD_OUT_SETS: Final = frozenset(
    {
        "test2.jsonl",
        "test5.jsonl",
        "test6.jsonl",
        "test7.jsonl",
        "test8.jsonl",
        "test9.jsonl",
        "test10.jsonl",
        "test11.jsonl",
        "test12.jsonl",
        "test13.jsonl",
        "test14.jsonl",
        "test15.jsonl",
        "test16.jsonl",
        "test17.jsonl",
        "test18.jsonl",
        "test19.jsonl",
    }
)


@dataclass(frozen=True, slots=True)
class RiskLabel:
    level: RiskLevel
    indicators: tuple[str, ...]
    situations: tuple[str, ...] | None  # None: not labelled (the older eval sets)


@dataclass(frozen=True, slots=True)
class RiskSample:
    text: str
    language: Language
    label: RiskLabel
    source: str  # "labels", "examples" or "eval", for splits and reports
    style: str = "standard"
    intent: str | None = None


def _checked(names: Iterable[str], allowed: Sequence[str], what: str) -> tuple[str, ...]:
    values = tuple(str(n) for n in names)
    unknown = [n for n in values if n not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)}")
    return values


def parse_label(item: dict[str, object], *, situations_known: bool = True) -> RiskLabel:
    """Read level, indicators and situations from one JSON object (flat or under `risk`)."""
    risk = item.get("risk")
    source = cast(dict[str, object], risk) if isinstance(risk, dict) else item
    level = str(source.get("level", "none"))
    if level not in RISK_LEVELS:
        raise ValueError(f"unknown risk level {level!r}")
    indicators = _checked(cast(list[str], source.get("indicators") or []), INDICATORS, "indicator")
    raw_situations = source.get("situations")
    situations: tuple[str, ...] | None
    if raw_situations is None and not (situations_known or level == "none"):
        situations = None
    else:
        situations = _checked(cast(list[str], raw_situations or []), SITUATIONS, "situation")
    return RiskLabel(level, indicators, situations)


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name} line {number}: {exc}") from exc
    return items


def risk_files(risk_dir: Path = DEFAULT_RISK_DIR) -> list[tuple[str, Language, Path]]:
    """The label and example files, per kind and language, in a stable order."""
    files: list[tuple[str, Language, Path]] = []
    for kind in ("labels", "examples"):
        for language in LANGUAGES:
            folder = risk_dir / kind / language
            if folder.is_dir():
                files.extend((kind, language, p) for p in sorted(folder.glob("*.jsonl")))
    return files


def load_risk_samples(
    risk_dir: Path = DEFAULT_RISK_DIR,
    eval_dir: Path | None = EVAL_DIR,
    eval_sets: Sequence[str] = TRAINING_EVAL_SETS,
) -> list[RiskSample]:
    """Every labelled message the risk model may learn from.

    A line that is also in a held-out set of `eval_dir` is left out, whatever file holds
    it: independent writers do write the same common question ("Можно поговорить с живым
    человеком?"), and a held-out set must stay unseen.
    """
    samples: list[RiskSample] = []
    for kind, language, path in risk_files(risk_dir):
        for number, item in enumerate(_read_jsonl(path), start=1):
            try:
                label = parse_label(item)
            except ValueError as exc:
                raise ValueError(f"{kind}/{language}/{path.name} line {number}: {exc}") from exc
            intent = item.get("intent")
            samples.append(
                RiskSample(
                    text=str(item["text"]),
                    language=language,
                    label=label,
                    source=kind,
                    style=str(item.get("style") or "standard"),
                    intent=str(intent) if intent else None,
                )
            )
    if eval_dir is not None:
        for name in eval_sets:
            if name in HELD_OUT_SETS:
                raise ValueError(f"{name} is held out: never train on it")
            path = eval_dir / name
            if not path.exists():
                continue
            for item in _read_jsonl(path):
                written = str(item.get("language"))
                samples.append(
                    RiskSample(
                        text=str(item["text"]),
                        language="ky" if written == "ky" else "ru",
                        label=parse_label(item, situations_known=False),
                        source="eval",
                        style=str(item.get("style") or "standard"),
                        intent=str(item.get("intent") or "") or None,
                    )
                )
        held_out = held_out_texts(eval_dir)
        samples = [s for s in samples if s.text not in held_out]
    return samples


def held_out_texts(eval_dir: Path = EVAL_DIR) -> frozenset[str]:
    """The texts of the held-out sets present in `eval_dir`."""
    return frozenset(
        str(item["text"])
        for name in sorted(HELD_OUT_SETS)
        if (eval_dir / name).exists()
        for item in _read_jsonl(eval_dir / name)
    )


def fingerprint_risk_data(
    risk_dir: Path = DEFAULT_RISK_DIR,
    eval_dir: Path | None = EVAL_DIR,
    eval_sets: Sequence[str] = TRAINING_EVAL_SETS,
) -> str:
    """Hash every file the risk model learns from (and the held-out sets it leaves out of
    them): part of its cache key."""
    digest = hashlib.sha256()
    paths = [p for _, _, p in risk_files(risk_dir)]
    if eval_dir is not None:
        names = [*eval_sets, *sorted(HELD_OUT_SETS)]
        paths.extend(eval_dir / n for n in names if (eval_dir / n).exists())
    for path in paths:
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
