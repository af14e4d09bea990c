from __future__ import annotations

from hotline.metrics import Metrics


def test_renders_prometheus_text_with_labels_and_sources() -> None:
    metrics = Metrics()
    metrics.inc("escalations_total", level="high", reason="risk")
    metrics.inc("escalations_total", level="high", reason="risk")
    metrics.inc("turns_total", channel='te"le')
    metrics.add_source("nlu", lambda: {"parse_total": 3, "engine_fallback_total": 0})
    text = metrics.render()
    assert "# TYPE hotline_escalations_total counter" in text
    assert 'hotline_escalations_total{level="high",reason="risk"} 2' in text
    assert 'hotline_turns_total{channel="te\\"le"} 1' in text
    assert "hotline_nlu_parse_total 3" in text
    assert text.endswith("\n")
