"""Floors on the held-out sets, a little under what the final model measured there.

`nlu/eval/test2.jsonl` and `test5.jsonl` to `test19.jsonl` were each written before a round
of tuning by someone who had not read the training data, and nothing was trained on them
(test17 to test19 are the sets reported once for round 11's model; test3 and test4, held out
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
    # Round 11's model (docs/nlu.md, "Round 11"); each comment gives what it measured.
    # measured: recall 0.974, false alarms 0.021, emergency 0.917, exact 0.920, lowest situation
    # (labour_rights) 0.650, new intents ky 0.882 / ru 0.898
    "test2.jsonl": Floors(0.95, 0.05, 0.88, 0.89, 0.59, 0.85),
    # measured: recall 0.984, false alarms 0.035, emergency 0.975, exact 0.917, lowest situation
    # (labour_rights) 0.676, new intents ky 0.807 / ru 0.830
    "test5.jsonl": Floors(0.95, 0.07, 0.93, 0.88, 0.61, 0.77),
    # measured: recall 0.959, false alarms 0.046, emergency 0.957, exact 0.879, lowest situation
    # (labour_rights) 0.696, new intents ky 0.806 / ru 0.828
    "test6.jsonl": Floors(0.93, 0.08, 0.91, 0.84, 0.63, 0.77),
    # measured: recall 0.976, false alarms 0.017, emergency 0.974, exact 0.923, lowest situation
    # (stranded) 0.786, new intents ky 0.688 / ru 0.810
    "test7.jsonl": Floors(0.95, 0.05, 0.93, 0.89, 0.72, 0.65),
    # measured: recall 0.976, false alarms 0.027, emergency 0.947, exact 0.920, lowest situation
    # (stranded) 0.680, new intents ky 0.831 / ru 0.875
    "test8.jsonl": Floors(0.95, 0.06, 0.90, 0.89, 0.62, 0.80),
    # measured: recall 0.988, false alarms 0.015, emergency 0.985, exact 0.925, lowest situation
    # (labour_rights) 0.621, new intents ky 0.792 / ru 0.895
    "test9.jsonl": Floors(0.96, 0.05, 0.94, 0.89, 0.56, 0.76),
    # measured: recall 0.993, false alarms 0.051, emergency 1.000, exact 0.925, lowest situation
    # (violence) 0.808, new intents ky 0.781 / ru 0.808 (read once in round 7, then a
    # development set: docs/nlu.md, "Round 7")
    "test10.jsonl": Floors(0.96, 0.08, 0.96, 0.89, 0.74, 0.75),
    # measured: recall 0.989, false alarms 0.065, emergency 1.000, exact 0.920, lowest situation
    # (child_at_risk) 0.800, new intents ky 0.875 / ru 0.863 (reported once in round 7)
    "test11.jsonl": Floors(0.96, 0.10, 0.96, 0.89, 0.74, 0.83),
    # measured: recall 0.982, false alarms 0.093, emergency 0.987, exact 0.901, lowest situation
    # (sexual_exploitation) 0.824, new intents ky 0.879 / ru 0.844 (reported once in round 8)
    "test12.jsonl": Floors(0.95, 0.12, 0.94, 0.87, 0.76, 0.81),
    # measured: recall 1.000, false alarms 0.035, emergency 0.970, exact 0.922, lowest situation
    # (stranded) 0.750, new intents ky 0.852 / ru 0.852 (reported once in round 9)
    "test13.jsonl": Floors(0.97, 0.06, 0.92, 0.89, 0.69, 0.82),
    # measured: recall 0.991, false alarms 0.017, emergency 1.000, exact 0.936, lowest situation
    # (labour_rights) 0.862, new intents ky 0.893 / ru 0.891 (reported once in round 9)
    "test14.jsonl": Floors(0.96, 0.05, 0.96, 0.90, 0.80, 0.86),
    # measured: recall 0.995, false alarms 0.022, emergency 0.970, exact 0.937, lowest situation
    # (labour_rights) 0.654, new intents ky 0.873 / ru 0.898 (reported once in round 10)
    "test15.jsonl": Floors(0.97, 0.05, 0.92, 0.90, 0.59, 0.84),
    # measured: recall 0.986, false alarms 0.047, emergency 1.000, exact 0.914, lowest situation
    # (stranded) 0.773, new intents ky 0.821 / ru 0.914 (reported once in round 10)
    "test16.jsonl": Floors(0.96, 0.08, 0.96, 0.88, 0.71, 0.79),
    # measured: recall 0.991, false alarms 0.026, emergency 1.000, exact 0.935, lowest situation
    # (labour_rights) 0.846, new intents ky 0.846 / ru 0.850 (reported once in round 11, with
    # the model before round 10's left-out lines joined: false alarms 0.022)
    "test17.jsonl": Floors(0.96, 0.06, 0.96, 0.90, 0.78, 0.81),
    # measured: recall 0.995, false alarms 0.027, emergency 1.000, exact 0.930, lowest situation
    # (stranded) 0.727, new intents ky 0.891 / ru 0.904 (written after round 11's model was
    # chosen, read once with it)
    "test18.jsonl": Floors(0.97, 0.06, 0.96, 0.90, 0.66, 0.86),
    # measured: recall 0.995, false alarms 0.023, emergency 0.985, exact 0.938, lowest situation
    # (stranded) 0.773, new intents ky 0.907 / ru 0.729 (written before round 11's second
    # half, whose changes were all left, and read once with the shipped model)
    "test19.jsonl": Floors(0.97, 0.05, 0.94, 0.90, 0.71, 0.69),
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
