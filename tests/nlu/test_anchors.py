"""The literal pre-filter never changes which lexicon entries match: it only skips work."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.anchors import AnchorIndex, required_anchors
from nlu.normalize import normalize
from nlu.risk import flatten, load_lexicon

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        (r"паспорт\w*", {"паспорт"}),
        (r"\b(?:пасп?орт\w*|документ\w*)", {"пас", "документ"}),
        (r"(не )?отпуска\w*", {"отпуска"}),
        (r"[^.]{0,40}бьют", {"бьют"}),
        (r"\w+|паспорт", None),  # one alternative has no literal: nothing is required
        (r"(?:уб)", {"уб"}),
    ],
)
def test_required_anchors(pattern: str, anchors: set[str] | None) -> None:
    found = required_anchors(pattern)
    assert (set(found) if found is not None else None) == anchors


def test_index_finds_every_anchor_present_once() -> None:
    index = AnchorIndex(["паспорт", "пас", "бьют", "долг"])
    assert index.present(" забрали паспорт и бьют ") == {"паспорт", "пас", "бьют"}
    assert index.present(" всё хорошо ") == frozenset()


def _real_messages() -> list[str]:
    lines = (ROOT / "nlu" / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines]


def _agrees(text: str) -> bool:
    lexicon = load_lexicon()
    whole = flatten(normalize(text).folded)
    present = lexicon.anchors.present(whole)
    return all(
        entry.may_match(whole, present) == all(p.search(whole) for p in entry.probe)
        for entry in lexicon.entries
    )


def test_prefilter_agrees_with_the_expressions_on_real_messages() -> None:
    assert all(_agrees(text) for text in _real_messages())


@given(
    st.text(alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщыьэюяөүң ,.")), max_size=80)
)
def test_prefilter_agrees_on_arbitrary_cyrillic(text: str) -> None:
    assert _agrees(text)


def test_every_lexicon_probe_is_valid_for_the_prefilter() -> None:
    for entry in load_lexicon().entries:
        assert len(entry.probe_anchors) == len(entry.probe)
        for probe, anchors in zip(entry.probe, entry.probe_anchors, strict=True):
            assert isinstance(probe, re.Pattern)
            assert anchors is None or all(len(a) >= 2 for a in anchors)
