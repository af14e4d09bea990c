from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from nlu.catalogue import INTENTS
from nlu.pipeline import Understanding


def run_parse(monkeypatch: pytest.MonkeyPatch, lines: str, *args: str) -> list[dict[str, Any]]:
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["nlu", "parse", *args]) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_parse_writes_one_json_object_per_input_line(
    understanding: Understanding, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = run_parse(
        monkeypatch,
        "zabrali pasport ne otpuskayut\n\nпатент керекпи\nok\n",
        "--engine",
        "embedded",
    )
    assert len(results) == 4
    for result in results:
        assert list(result) == ["text", "language", "intent", "confidence", "risk", "entities"]
        assert result["language"] in {"ky", "ru"}
        assert result["intent"] in INTENTS
        assert 0.0 <= float(result["confidence"]) <= 1.0
        assert result["risk"]["level"] in {"none", "concern", "high", "emergency"}
        assert result["entities"] == []
    first = results[0]
    assert first["text"] == "zabrali pasport ne otpuskayut"
    assert first["intent"] == "report_exploitation"
    assert first["risk"]["situations"] == ["forced_labour"]
    assert {k: v for k, v in first["risk"].items() if k != "situations"} == {
        "level": "high",
        "indicators": ["restriction_of_movement", "retention_of_documents"],
    }
    assert results[1]["intent"] == "out_of_scope"
    assert results[2] == {**results[2], "language": "ky", "intent": "work_permit"}


def test_parse_keeps_cyrillic_readable(
    understanding: Understanding, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("рахмат\n"))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    main(["nlu", "parse"])
    assert '"text": "рахмат"' in out.getvalue()


def test_eval_writes_a_json_report(
    understanding: Understanding, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    labelled = tmp_path / "tiny.jsonl"
    rows = [
        {"text": "меня бьют помогите", "language": "ru", "intent": "emergency",
         "risk": {"level": "emergency", "indicators": ["physical_sexual_violence"]}},
        {"text": "патент керекпи", "language": "ky", "intent": "work_permit",
         "risk": {"level": "none", "indicators": []}},
    ]  # fmt: skip
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    report_path = tmp_path / "report.json"
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["nlu", "eval", str(labelled), "--json", str(report_path)]) == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["overall"]["accuracy"] == 1.0
    assert report["overall"]["high_emergency_recall"] == 1.0
    assert report["overall"]["false_alarm_rate"] == 0.0
    assert set(report["languages"]) == {"ky", "ru"}
    assert "p99" in report["overall"]["latency_ms"]
    assert "macroF1" in out.getvalue()


def test_eval_draws_the_confusion_matrix(
    understanding: Understanding, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    labelled = tmp_path / "tiny.jsonl"
    labelled.write_text(
        json.dumps({"text": "рахмат", "language": "ky", "intent": "thanks_goodbye",
                    "risk": {"level": "none", "indicators": []}}, ensure_ascii=False) + "\n"
    )  # fmt: skip
    monkeypatch.setattr("sys.stdout", io.StringIO())
    plot = tmp_path / "confusion.png"
    assert main(["nlu", "eval", str(labelled), "--plot", str(plot)]) == 0
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_eval_rejects_a_missing_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert main(["nlu", "eval", str(tmp_path / "nope.jsonl")]) == 2


def test_train_reports_the_cached_model(
    understanding: Understanding, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["nlu", "train", "--engine", "embedded"]) == 0
    assert "loaded from cache" in out.getvalue()
