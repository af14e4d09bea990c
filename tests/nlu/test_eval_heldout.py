"""Floors on the held-out sets, a little under what the final model measured there.

`nlu/eval/test2.jsonl` and `test5.jsonl` to `test14.jsonl` were each written before a round
of tuning by someone who had not read the training data, and nothing was trained on them
(test13 and test14 are the sets reported once for round 9's model; test3 and test4, held out
until round 4, are training data now: docs/nlu.md, "Round 5");
`test.jsonl` measures intents on unseen wording (the risk model does learn from its
labels). A regression fails the build.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nlu.catalogue import SECOND_WAVE_INTENTS
from nlu.evaluation import build_report, load_labelled, run_messages
from nlu.pipeline import Understanding

EVAL = Path(__file__).resolve().parents[2] / "nlu" / "eval"
NEW_INTENTS = frozenset(SECOND_WAVE_INTENTS)


@dataclass(frozen=True)
class Floors:
    """Measured on 7 Dec 2026 (docs/nlu.md), less a margin for retraining noise."""

    recall: float
    false_alarms: float  # a ceiling
    emergency: float
    situations_exact: float
    situation_named: float  # every situation, named among the predicted ones
    new_intents: float  # per language


HELD_OUT = {
    # measured (round 9's model): recall 0.981, false alarms 0.032, emergency 0.944,
    # exact 0.907, lowest situation 0.650, new intents ky 0.882 / ru 0.898
    "test2.jsonl": Floors(0.95, 0.04, 0.89, 0.88, 0.58, 0.85),
    # measured: recall 0.990, false alarms 0.062, emergency 0.988, exact 0.909,
    # lowest situation 0.765, new intents ky 0.807 / ru 0.830
    "test5.jsonl": Floors(0.95, 0.09, 0.94, 0.88, 0.70, 0.78),
    # measured: recall 0.977, false alarms 0.071, emergency 0.967, exact 0.876,
    # lowest situation 0.609, new intents ky 0.806 / ru 0.828
    "test6.jsonl": Floors(0.94, 0.11, 0.91, 0.84, 0.52, 0.78),
    # measured: recall 0.983, false alarms 0.037, emergency 0.974, exact 0.922,
    # lowest situation 0.794, new intents ky 0.688 / ru 0.810
    "test7.jsonl": Floors(0.95, 0.06, 0.92, 0.89, 0.68, 0.65),
    # measured: recall 0.972, false alarms 0.031, emergency 0.934, exact 0.909,
    # lowest situation 0.680, new intents ky 0.831 / ru 0.875
    "test8.jsonl": Floors(0.95, 0.06, 0.88, 0.88, 0.62, 0.80),
    # measured: recall 0.988, false alarms 0.023, emergency 0.985, exact 0.918,
    # lowest situation 0.655, new intents ky 0.792 / ru 0.895
    "test9.jsonl": Floors(0.96, 0.05, 0.92, 0.89, 0.58, 0.76),
    # measured: recall 0.989, false alarms 0.069, emergency 0.972, exact 0.913, lowest
    # situation 0.821, new intents ky 0.781 / ru 0.808 (read once in round 7, then a
    # development set: docs/nlu.md, "Round 7")
    "test10.jsonl": Floors(0.96, 0.10, 0.94, 0.88, 0.78, 0.75),
    # measured: recall 0.993, false alarms 0.087, emergency 1.000, exact 0.910, lowest
    # situation 0.750, new intents ky 0.875 / ru 0.863 (reported once in round 7)
    "test11.jsonl": Floors(0.97, 0.11, 0.95, 0.88, 0.70, 0.83),
    # measured: recall 0.982, false alarms 0.098, emergency 0.973, exact 0.884, lowest
    # situation 0.773, new intents ky 0.879 / ru 0.844 (reported once in round 8)
    "test12.jsonl": Floors(0.96, 0.14, 0.94, 0.85, 0.67, 0.81),
    # measured once, with round 9's model (docs/nlu.md, "Round 9"): recall 0.996, false
    # alarms 0.044, emergency 0.970, exact 0.900, lowest situation 0.750, new intents
    # ky 0.852 / ru 0.852
    "test13.jsonl": Floors(0.97, 0.07, 0.94, 0.87, 0.70, 0.81),
    # measured once with the same model: recall 0.986, false alarms 0.026, emergency 0.985,
    # exact 0.922; then three Kyrgyz self-harm phrases joined the floor for the suicidal
    # message it missed: recall 0.991, emergency 1.000, exact 0.924, lowest situation
    # 0.793, new intents ky 0.893 / ru 0.891
    "test14.jsonl": Floors(0.96, 0.05, 0.95, 0.89, 0.74, 0.85),
}


def _report(understanding: Understanding, name: str) -> dict[str, Any]:
    outcomes = asyncio.run(run_messages(understanding, load_labelled(EVAL / name)))
    report = build_report(outcomes, understanding.engine.name)
    report["outcomes"] = outcomes
    return report


@pytest.fixture(scope="module", params=sorted(HELD_OUT))
def held_out(request: pytest.FixtureRequest, understanding: Understanding) -> tuple[Any, Floors]:
    name = str(request.param)
    return _report(understanding, name), HELD_OUT[name]


def test_high_and_emergency_are_found_on_unseen_wording(held_out: tuple[Any, Floors]) -> None:
    report, floors = held_out
    assert report["risk"]["overall"]["recall"] >= floors.recall, report["missed_risk"]


def test_false_alarms_stay_bounded_on_unseen_wording(held_out: tuple[Any, Floors]) -> None:
    report, floors = held_out
    assert report["risk"]["overall"]["false_alarm_rate"] <= floors.false_alarms


def test_emergencies_are_rated_emergency(held_out: tuple[Any, Floors]) -> None:
    report, floors = held_out
    assert report["risk"]["emergency_as_emergency"] >= floors.emergency


def test_situations_are_named(held_out: tuple[Any, Floors]) -> None:
    report, floors = held_out
    assert report["risk"]["situation_accuracy"]["exact_all"] >= floors.situations_exact
    for name, situation in report["risk"]["per_situation"].items():
        assert situation["named"] >= floors.situation_named, name


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_new_intents_are_understood(held_out: tuple[Any, Floors], language: str) -> None:
    report, floors = held_out
    new = [
        o
        for o in report["outcomes"]
        if o.message.language == language and o.message.intent in NEW_INTENTS
    ]
    right = sum(o.result.intent == o.message.intent for o in new)
    assert right / len(new) >= floors.new_intents


@pytest.mark.parametrize(("language", "floor"), [("ky", 0.85), ("ru", 0.89)])
def test_intent_accuracy_on_test_holds(
    understanding: Understanding, language: str, floor: float
) -> None:
    report = _report(understanding, "test.jsonl")
    assert report["languages"][language]["accuracy"] >= floor
