"""Floors on the held-out sets, a little under what the final model measured there.

`nlu/eval/test2.jsonl` and `test5.jsonl` to `test16.jsonl` were each written before a round
of tuning by someone who had not read the training data, and nothing was trained on them
(test15 and test16 are the sets reported once for round 10's model; test3 and test4, held out
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
    # Round 10's model (docs/nlu.md, "Round 10"); each comment gives what it measured.
    # measured: recall 0.974, false alarms 0.021, emergency 0.931, exact 0.908, lowest
    # situation 0.600, new intents ky 0.882 / ru 0.898
    "test2.jsonl": Floors(0.95, 0.04, 0.89, 0.88, 0.54, 0.85),
    # measured: recall 0.981, false alarms 0.047, emergency 0.975, exact 0.907,
    # lowest situation 0.706, new intents ky 0.807 / ru 0.830
    "test5.jsonl": Floors(0.95, 0.08, 0.94, 0.88, 0.64, 0.78),
    # measured: recall 0.965, false alarms 0.054, emergency 0.967, exact 0.882,
    # lowest situation 0.674, new intents ky 0.806 / ru 0.828
    "test6.jsonl": Floors(0.94, 0.09, 0.92, 0.85, 0.60, 0.78),
    # measured: recall 0.976, false alarms 0.034, emergency 0.961, exact 0.914,
    # lowest situation 0.750, new intents ky 0.688 / ru 0.810
    "test7.jsonl": Floors(0.95, 0.06, 0.92, 0.89, 0.68, 0.65),
    # measured: recall 0.972, false alarms 0.041, emergency 0.934, exact 0.902,
    # lowest situation 0.600, new intents ky 0.831 / ru 0.875
    "test8.jsonl": Floors(0.95, 0.07, 0.89, 0.87, 0.54, 0.80),
    # measured: recall 0.988, false alarms 0.019, emergency 0.956, exact 0.912,
    # lowest situation 0.621, new intents ky 0.792 / ru 0.895
    "test9.jsonl": Floors(0.96, 0.05, 0.92, 0.88, 0.56, 0.76),
    # measured: recall 0.989, false alarms 0.058, emergency 0.986, exact 0.920, lowest
    # situation 0.864, new intents ky 0.781 / ru 0.808 (read once in round 7, then a
    # development set: docs/nlu.md, "Round 7")
    "test10.jsonl": Floors(0.96, 0.09, 0.95, 0.89, 0.80, 0.75),
    # measured: recall 0.989, false alarms 0.069, emergency 1.000, exact 0.908, lowest
    # situation 0.750, new intents ky 0.875 / ru 0.863 (reported once in round 7)
    "test11.jsonl": Floors(0.96, 0.10, 0.95, 0.88, 0.68, 0.83),
    # measured: recall 0.982, false alarms 0.102, emergency 0.987, exact 0.886, lowest
    # situation 0.833, new intents ky 0.879 / ru 0.844 (reported once in round 8)
    "test12.jsonl": Floors(0.96, 0.14, 0.94, 0.86, 0.77, 0.81),
    # measured: recall 1.000, false alarms 0.048, emergency 0.970, exact 0.908, lowest
    # situation 0.700, new intents ky 0.852 / ru 0.852 (reported once in round 9)
    "test13.jsonl": Floors(0.97, 0.08, 0.94, 0.88, 0.64, 0.81),
    # measured: recall 0.991, false alarms 0.021, emergency 1.000, exact 0.932, lowest
    # situation 0.765, new intents ky 0.893 / ru 0.891 (reported once in round 9)
    "test14.jsonl": Floors(0.96, 0.05, 0.95, 0.90, 0.70, 0.85),
    # measured once, with round 10's model: recall 0.991, false alarms 0.026, emergency
    # 0.955, exact 0.923; then ten suicide-method phrases joined the floor for the suicidal
    # message it missed: recall 0.995, emergency 0.970, exact 0.925, lowest situation
    # (stranded) 0.571, new intents ky 0.873 / ru 0.898
    "test15.jsonl": Floors(0.96, 0.05, 0.94, 0.89, 0.51, 0.84),
    # written after round 10's model was chosen and read once with it: recall 0.986, false
    # alarms 0.056, emergency 1.000, exact 0.902, lowest situation (stranded) 0.727, new
    # intents ky 0.821 / ru 0.914
    "test16.jsonl": Floors(0.96, 0.08, 0.95, 0.87, 0.66, 0.78),
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
