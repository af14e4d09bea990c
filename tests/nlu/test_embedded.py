from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from nlu.data import DEFAULT_DATA_DIR, load_examples
from nlu.embedded import EmbeddedEngine
from nlu.normalize import normalize
from nlu.types import IntentScore


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    """A copy of one real training file per language: quick to train, real to test."""
    data = tmp_path / "data"
    for language in ("ky", "ru"):
        source = DEFAULT_DATA_DIR / language
        files = sorted(source.glob("*.yml"))
        if not files:
            pytest.skip(f"no training data in nlu/data/{language}")
        (data / language).mkdir(parents=True)
        shutil.copy(files[-1], data / language / files[-1].name)
    return data


def test_second_load_uses_the_cache_instead_of_retraining(small_data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = EmbeddedEngine.load(small_data, cache)
    assert not first.from_cache
    [cached] = cache.glob("embedded-*.npz")
    written = cached.stat().st_mtime_ns

    second = EmbeddedEngine.load(small_data, cache)
    assert second.from_cache
    assert cached.stat().st_mtime_ns == written
    message = normalize("спасибо большое")
    assert first.rank_sync(message) == second.rank_sync(message)


def test_changed_data_means_a_new_model(small_data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    EmbeddedEngine.load(small_data, cache)
    some_file = next(small_data.glob("ru/*.yml"))
    some_file.write_text(some_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    [before] = cache.glob("embedded-*.npz")
    again = EmbeddedEngine.load(small_data, cache)
    assert not again.from_cache
    [after] = cache.glob("embedded-*.npz")  # the stale model is removed
    assert after != before


def test_a_corrupt_cache_file_is_retrained(small_data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    EmbeddedEngine.load(small_data, cache)
    [cached] = cache.glob("embedded-*.npz")
    cached.write_bytes(b"not a model")
    assert not EmbeddedEngine.load(small_data, cache).from_cache


def test_ranking_is_calibrated_and_complete(small_data: Path, tmp_path: Path) -> None:
    engine = EmbeddedEngine.load(small_data, tmp_path / "cache")
    ranking = engine.rank_sync(normalize("рахмат"))
    intents = {e.intent for e in load_examples(small_data)}
    assert {score.intent for score in ranking} == intents
    assert sum(score.confidence for score in ranking) == pytest.approx(1.0, abs=1e-4)
    assert ranking == sorted(ranking, key=lambda s: -s.confidence)
    assert 0.0 <= engine.threshold < 1.0


def test_ranking_scores_are_ordinary_frozen_intent_scores(small_data: Path, tmp_path: Path) -> None:
    # rank_sync fills the slots directly (faster than the dataclass __init__): the objects
    # must still compare, hash, print and refuse assignment like any IntentScore.
    engine = EmbeddedEngine.load(small_data, tmp_path / "cache")
    ranking = engine.rank_sync(normalize("рахмат"))
    rebuilt = [IntentScore(score.intent, score.confidence) for score in ranking]
    assert ranking == rebuilt
    assert {hash(s) for s in ranking} == {hash(s) for s in rebuilt}
    assert repr(ranking[0]) == repr(rebuilt[0])
    assert all(type(s.intent) is str and type(s.confidence) is float for s in ranking)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ranking[0].confidence = 1.0  # type: ignore[misc]
