"""The risk training data: every intent example labelled once, every situation covered."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nlu.catalogue import LANGUAGES, SITUATIONS
from nlu.data import DEFAULT_DATA_DIR, load_examples
from nlu.risk_corpus import (
    DEFAULT_RISK_DIR,
    EVAL_DIR,
    HELD_OUT_SETS,
    TRAINING_EVAL_SETS,
    load_risk_samples,
    parse_label,
)

STYLES = ("standard", "no_special_letters", "latin", "code_switching", "typos", "speech", "long")


def _labels(language: str) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted((DEFAULT_RISK_DIR / "labels" / language).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                found[(item["text"], item["intent"])] += 1
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_example_has_exactly_one_risk_label(language: str) -> None:
    examples = Counter((e.text, e.intent) for e in load_examples() if e.language == language)
    labels = _labels(language)
    missing = [key for key in examples if key not in labels]
    assert not missing, f"{len(missing)} examples without a risk label, e.g. {missing[:3]}"
    extra = [key for key in labels if key not in examples]
    assert not extra, f"{len(extra)} labels for no example, e.g. {extra[:3]}"
    twice = [key for key, n in labels.items() if n > examples[key]]
    assert not twice, f"labelled more than once: {twice[:3]}"


def test_every_label_is_valid_and_consistent() -> None:
    for sample in load_risk_samples(eval_dir=None):
        label = sample.label
        if label.level == "none":
            assert not label.situations and not label.indicators, sample.text
        else:
            assert label.situations, f"a risky message names its situation: {sample.text}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_situation_has_forty_examples(language: str) -> None:
    counts = Counter(
        situation
        for sample in load_risk_samples(eval_dir=None)
        if sample.language == language
        for situation in sample.label.situations or ()
    )
    thin = {s: counts[s] for s in SITUATIONS if counts[s] < 40}
    assert not thin, f"situations with fewer than 40 {language} examples: {thin}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_risk_examples_cover_every_style_with_hard_negatives(language: str) -> None:
    new = [
        s
        for s in load_risk_samples(eval_dir=None)
        if s.source == "examples" and s.language == language
    ]
    assert len(new) >= 600
    styles = Counter(s.style for s in new)
    assert all(styles[style] >= 30 for style in STYLES), styles
    assert sum(s.label.level == "none" for s in new) >= 150  # hard negatives


def test_a_wrong_name_is_refused() -> None:
    with pytest.raises(ValueError, match="situation"):
        parse_label({"level": "high", "situations": ["slavery"]})
    with pytest.raises(ValueError, match="level"):
        parse_label({"level": "severe"})


def test_rasa_yaml_stays_free_of_risk_fields() -> None:
    # Rasa validates nlu/data; risk labels live in parallel files.
    for path in Path(DEFAULT_DATA_DIR).rglob("*.yml"):
        assert "situations:" not in path.read_text(encoding="utf-8"), path


def test_every_labelled_set_is_either_training_data_or_held_out() -> None:
    # A set can leave the held-out list only by being named training data on purpose:
    # a new set in nlu/eval, or one dropped from `HELD_OUT_SETS`, fails here.
    present = {path.name for path in EVAL_DIR.glob("*.jsonl")}
    assert present == set(TRAINING_EVAL_SETS) | HELD_OUT_SETS
    assert not set(TRAINING_EVAL_SETS) & HELD_OUT_SETS


@pytest.mark.parametrize("name", sorted(HELD_OUT_SETS))
def test_held_out_sets_are_never_training_data(name: str) -> None:
    with pytest.raises(ValueError, match="held out"):
        load_risk_samples(eval_sets=("dev.jsonl", name))
    held_out = {
        json.loads(line)["text"]
        for line in (EVAL_DIR / name).read_text("utf-8").splitlines()
        if line.strip()
    }
    # Written independently, a common question may coincide with a training line: the
    # loader leaves such lines out.
    assert not held_out & {sample.text for sample in load_risk_samples()}


def test_a_line_of_a_held_out_set_is_left_out_of_training(tmp_path: Path) -> None:
    shared, own = "Можно поговорить с живым человеком?", "Как продлить патент?"
    examples = tmp_path / "risk" / "examples" / "ru"
    examples.mkdir(parents=True)
    (examples / "a.jsonl").write_text(
        "".join(json.dumps({"text": t, "level": "none"}) + "\n" for t in (shared, own)), "utf-8"
    )
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    line = {"text": shared, "language": "ru", "intent": "ask_operator"}
    (eval_dir / "test6.jsonl").write_text(json.dumps(line) + "\n", "utf-8")
    texts = [s.text for s in load_risk_samples(tmp_path / "risk", eval_dir, eval_sets=())]
    assert texts == [own]
    assert [s.text for s in load_risk_samples(tmp_path / "risk", None)] == [shared, own]


def test_candidate_lines_are_never_trained_on(tmp_path: Path) -> None:
    # `candidates/` keeps lines a round wrote and its rule left out (README there): they
    # stay on disk for a later round to judge, and training must not read them until moved.
    trained, kept = "Как продлить патент?", "Сколько стоит патент?"
    for kind, text in (("examples", trained), ("candidates", kept)):
        folder = tmp_path / kind / "ru"
        folder.mkdir(parents=True)
        line = {"text": text, "level": "none", "style": "standard"}
        (folder / "round.jsonl").write_text(json.dumps(line) + "\n", "utf-8")
    assert [s.text for s in load_risk_samples(tmp_path, None)] == [trained]


def test_candidate_files_are_valid_and_not_in_training() -> None:
    # The lines waiting in `candidates/` must be ready to move: valid labels and styles,
    # and none of them already read by training under another file.
    candidates = sorted((DEFAULT_RISK_DIR / "candidates").glob("*/*.jsonl"))
    assert candidates
    texts: set[str] = set()
    for path in candidates:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                parse_label(item)
                assert item["style"] in STYLES
                texts.add(item["text"])
    assert not texts & {sample.text for sample in load_risk_samples()}
