"""The risk model's training draws nothing at random: a small data change moves little."""

from __future__ import annotations

from nlu.risk_corpus import DEFAULT_RISK_DIR, EVAL_DIR, RiskLabel, RiskSample, load_risk_samples
from nlu.risk_training import RiskTrainingConfig, plan_compounds, split_samples


def _dev_texts(samples: list[RiskSample], config: RiskTrainingConfig) -> set[str]:
    _, dev = split_samples(samples, config)
    return {samples[i].text for i in dev}


def test_dropping_or_adding_lines_moves_no_other_message_across_the_split() -> None:
    # Round 8: dropping 7 one-word lines reshuffled the old split and moved the
    # operating point on every held-out set. Now each message keeps its side.
    config = RiskTrainingConfig()
    samples = load_risk_samples(DEFAULT_RISK_DIR, EVAL_DIR)
    before = _dev_texts(samples, config)
    dropped = {s.text for s in samples[::997]}
    extra = RiskSample("совсем новое сообщение", "ru", RiskLabel("none", (), ()), "examples")
    after = _dev_texts([s for s in samples if s.text not in dropped] + [extra], config)
    assert after - {extra.text} == before - dropped
    # About a fifth of the data is in the development part, in both languages and levels.
    _, dev = split_samples(samples, config)
    assert 0.18 < len(dev) / len(samples) < 0.22
    in_dev = set(dev)
    for language in ("ky", "ru"):
        for level in ("none", "concern", "high", "emergency"):
            group = [
                i for i, s in enumerate(samples) if (s.language, s.label.level) == (language, level)
            ]
            share = sum(i in in_dev for i in group) / len(group)
            assert 0.15 < share < 0.25, (language, level, share)


def test_identical_texts_are_on_one_side() -> None:
    label = RiskLabel("none", (), ())
    samples = [RiskSample(f"сообщение {n % 50}", "ru", label, "examples") for n in range(500)]
    train, dev = split_samples(samples, RiskTrainingConfig())
    assert {samples[i].text for i in train}.isdisjoint({samples[i].text for i in dev})
    assert dev and train


def test_taking_a_message_out_changes_only_the_compounds_that_held_it() -> None:
    config = RiskTrainingConfig()
    samples = load_risk_samples(DEFAULT_RISK_DIR, EVAL_DIR)
    indices = list(range(len(samples)))
    before = plan_compounds(samples, indices, config)
    # One message from each kind of list a compound draws from: a question, a report.
    question = next(c.first for c in before if samples[c.second].label.level != "none")
    report = before[0].second
    gone = {question, report}
    after = plan_compounds(samples, [i for i in indices if i not in gone], config)
    assert len(after) == len(before)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert changed, "the removed messages were drawn, so some compounds must change"
    # Every compound that changed held one of the removed messages; no other one moved.
    assert all(gone & {b.first, b.second} for b, _ in changed)
    assert len(changed) < len(before) / 100
