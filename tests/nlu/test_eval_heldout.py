"""Floors on the held-out sets, a little under what the final model measured there once.

`nlu/eval/test2.jsonl` was written before any tuning by someone who had not read the
training data, and nothing was tuned on it; `test.jsonl` measures intents on unseen
wording (the risk model does learn from its labels). A regression fails the build.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from nlu.catalogue import SECOND_WAVE_INTENTS
from nlu.evaluation import build_report, load_labelled, run_messages
from nlu.pipeline import Understanding

EVAL = Path(__file__).resolve().parents[2] / "nlu" / "eval"
NEW_INTENTS = frozenset(SECOND_WAVE_INTENTS)


def _report(understanding: Understanding, name: str) -> dict[str, Any]:
    outcomes = asyncio.run(run_messages(understanding, load_labelled(EVAL / name)))
    report = build_report(outcomes, understanding.engine.name)
    report["outcomes"] = outcomes
    return report


@pytest.fixture(scope="module")
def test2(understanding: Understanding) -> dict[str, Any]:
    return _report(understanding, "test2.jsonl")


def test_high_and_emergency_are_found_on_unseen_wording(test2: dict[str, Any]) -> None:
    assert test2["risk"]["overall"]["recall"] >= 0.95, test2["missed_risk"]


def test_false_alarms_stay_bounded_on_unseen_wording(test2: dict[str, Any]) -> None:
    assert test2["risk"]["overall"]["false_alarm_rate"] <= 0.10


def test_emergencies_are_rated_emergency(test2: dict[str, Any]) -> None:
    assert test2["risk"]["emergency_as_emergency"] >= 0.93


def test_situations_are_named(test2: dict[str, Any]) -> None:
    assert test2["risk"]["situation_accuracy"]["exact_all"] >= 0.70
    for name, situation in test2["risk"]["per_situation"].items():
        assert situation["named"] >= 0.7, name


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_new_intents_are_understood(test2: dict[str, Any], language: str) -> None:
    new = [
        o
        for o in test2["outcomes"]
        if o.message.language == language and o.message.intent in NEW_INTENTS
    ]
    right = sum(o.result.intent == o.message.intent for o in new)
    assert right / len(new) >= 0.82


@pytest.mark.parametrize(("language", "floor"), [("ky", 0.84), ("ru", 0.88)])
def test_intent_accuracy_on_test_holds(
    understanding: Understanding, language: str, floor: float
) -> None:
    report = _report(understanding, "test.jsonl")
    assert report["languages"][language]["accuracy"] >= floor
