"""The `hotline nlu eval` report: intents, risk and latency on a labelled JSONL file."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

from nlu.catalogue import LANGUAGES, RISK_LEVELS, Language, RiskLevel
from nlu.pipeline import Understanding
from nlu.risk_report import format_risk, precision_recall_points, risk_breakdown
from nlu.types import ParseResult

SERIOUS: Final[frozenset[str]] = frozenset({"high", "emergency"})


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    text: str
    language: Language
    intent: str
    risk_level: RiskLevel
    indicators: tuple[str, ...]
    situations: tuple[str, ...] | None = None  # None: the set does not label situations
    style: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    message: LabelledMessage
    result: ParseResult
    seconds: float


def load_labelled(path: Path) -> list[LabelledMessage]:
    """Read `{"text","language","intent","risk":{"level","indicators"}}` lines."""
    messages: list[LabelledMessage] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                risk = item.get("risk") or {}
                language = item["language"]
                level = risk.get("level", "none")
                if language not in LANGUAGES or level not in RISK_LEVELS:
                    raise ValueError("unknown language or risk level")
                messages.append(
                    LabelledMessage(
                        text=str(item["text"]),
                        language=cast(Language, language),
                        intent=str(item["intent"]),
                        risk_level=cast(RiskLevel, level),
                        indicators=tuple(risk.get("indicators") or ()),
                        situations=(
                            tuple(risk["situations"])
                            if isinstance(risk.get("situations"), list)
                            else None
                        ),
                        style=str(item["style"]) if item.get("style") else None,
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name} line {number}: {exc}") from exc
    return messages


async def run_messages(
    understanding: Understanding, messages: Sequence[LabelledMessage], *, close: bool = False
) -> list[Outcome]:
    """Parse each message as a first message of a conversation (no language hint)."""
    outcomes: list[Outcome] = []
    for message in messages:
        started = time.perf_counter()
        result = await understanding.parse(message.text)
        outcomes.append(Outcome(message, result, time.perf_counter() - started))
    if close:
        await understanding.aclose()
    return outcomes


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def per_intent_scores(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per intent from (gold, predicted) pairs."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for gold, predicted in pairs:
        support[gold] += 1
        if gold == predicted:
            tp[gold] += 1
        else:
            fp[predicted] += 1
            fn[gold] += 1
    scores: dict[str, dict[str, float]] = {}
    for intent in sorted(support.keys() | fp.keys()):
        precision, recall, f1 = _f1(tp[intent], fp[intent], fn[intent])
        scores[intent] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support[intent],
        }
    return scores


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _group_summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    pairs = [(o.message.intent, o.result.intent) for o in outcomes]
    scores = per_intent_scores(pairs)
    gold_intents = {gold for gold, _ in pairs}
    serious = [o for o in outcomes if o.message.risk_level in SERIOUS]
    calm = [o for o in outcomes if o.message.risk_level == "none"]
    caught = sum(o.result.risk.level in SERIOUS for o in serious)
    alarms = sum(o.result.risk.level in SERIOUS for o in calm)
    gold_ind = sum(len(o.message.indicators) for o in outcomes)
    found_ind = sum(len(o.result.risk.indicators) for o in outcomes)
    shared_ind = sum(
        len(set(o.message.indicators) & set(o.result.risk.indicators)) for o in outcomes
    )
    latencies = [o.seconds * 1000 for o in outcomes]
    return {
        "messages": len(outcomes),
        "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4) if pairs else 0.0,
        # Macro-F1 over the intents present in the gold labels of this group.
        "macro_f1": round(sum(scores[i]["f1"] for i in gold_intents) / len(gold_intents), 4)
        if gold_intents
        else 0.0,
        "language_id_accuracy": round(
            sum(o.result.language == o.message.language for o in outcomes) / len(outcomes), 4
        )
        if outcomes
        else 0.0,
        "risk_level_accuracy": round(
            sum(o.result.risk.level == o.message.risk_level for o in outcomes) / len(outcomes), 4
        )
        if outcomes
        else 0.0,
        "high_emergency_messages": len(serious),
        "high_emergency_recall": round(caught / len(serious), 4) if serious else 1.0,
        "none_messages": len(calm),
        "false_alarm_rate": round(alarms / len(calm), 4) if calm else 0.0,
        "indicator_precision": round(shared_ind / found_ind, 4) if found_ind else 1.0,
        "indicator_recall": round(shared_ind / gold_ind, 4) if gold_ind else 1.0,
        "latency_ms": {
            "p50": round(_percentile(latencies, 0.5), 3),
            "p99": round(_percentile(latencies, 0.99), 3),
            "mean": round(sum(latencies) / len(latencies), 3) if latencies else 0.0,
        },
    }


def build_report(
    outcomes: Sequence[Outcome], engine: str, top_confusions: int = 10
) -> dict[str, Any]:
    """Summarise outcomes overall and per language; lists what was missed, for review."""
    confusions = Counter(
        (o.message.intent, o.result.intent) for o in outcomes if o.message.intent != o.result.intent
    )
    return {
        "engine": engine,
        "fallbacks": sum(o.result.fallback for o in outcomes),
        "risk": risk_breakdown(outcomes),
        "overall": _group_summary(outcomes),
        "languages": {
            language: _group_summary([o for o in outcomes if o.message.language == language])
            for language in LANGUAGES
        },
        "per_intent": per_intent_scores((o.message.intent, o.result.intent) for o in outcomes),
        "confused_pairs": [
            {"gold": gold, "predicted": predicted, "count": count}
            for (gold, predicted), count in confusions.most_common(top_confusions)
        ],
        "missed_risk": [
            {
                "text": o.message.text,
                "gold": o.message.risk_level,
                "predicted": o.result.risk.level,
                "intent": o.result.intent,
            }
            for o in outcomes
            if o.message.risk_level in SERIOUS and o.result.risk.level not in SERIOUS
        ],
        "false_alarms": [
            {"text": o.message.text, "predicted": o.result.risk.level, "intent": o.result.intent}
            for o in outcomes
            if o.message.risk_level == "none" and o.result.risk.level in SERIOUS
        ],
        "intent_errors": [
            {"text": o.message.text, "gold": o.message.intent, "predicted": o.result.intent}
            for o in outcomes
            if o.message.intent != o.result.intent
        ],
    }


def evaluate(understanding: Understanding, messages: Sequence[LabelledMessage]) -> dict[str, Any]:
    """Run every message through `understanding` and build the report."""
    outcomes = asyncio.run(run_messages(understanding, messages, close=True))
    return build_report(outcomes, understanding.engine.name)


def format_report(report: dict[str, Any]) -> str:
    """A short human-readable summary (no message texts)."""
    lines = [f"engine: {report['engine']} (fallbacks: {report['fallbacks']})"]
    header = (
        f"{'':8}{'n':>5} {'acc':>6} {'macroF1':>8} {'lang':>6} {'recall':>7} "
        f"{'false-al':>9} {'p50 ms':>7} {'p99 ms':>7}"
    )
    lines.append(header)
    groups = [*report["languages"].items(), ("all", report["overall"])]
    for name, group in groups:
        lines.append(
            f"{name:8}{group['messages']:>5} {group['accuracy']:>6.3f} {group['macro_f1']:>8.3f} "
            f"{group['language_id_accuracy']:>6.3f} {group['high_emergency_recall']:>7.3f} "
            f"{group['false_alarm_rate']:>9.3f} {group['latency_ms']['p50']:>7.2f} "
            f"{group['latency_ms']['p99']:>7.2f}"
        )
    lines.append("most confused (gold -> predicted):")
    for pair in report["confused_pairs"]:
        lines.append(f"  {pair['count']:>3}  {pair['gold']} -> {pair['predicted']}")
    weakest = sorted(report["per_intent"].items(), key=lambda item: item[1]["f1"])[:5]
    lines.append("lowest F1: " + ", ".join(f"{i} {s['f1']:.2f}" for i, s in weakest))
    lines.extend(format_risk(report["risk"]))
    lines.append(
        f"missed high/emergency: {len(report['missed_risk'])}, "
        f"false alarms: {len(report['false_alarms'])} (texts in --json)"
    )
    return "\n".join(lines)


def plot_confusion(
    report_outcomes: Sequence[Outcome], path: Path, threshold: float | None = None
) -> None:
    """Draw the intent confusion matrix beside the risk score's precision-recall curve.

    The curve is "at least high" as the model's score threshold moves; the marked point
    is what the layer decided (the model's threshold plus the phrase floor).
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise RuntimeError("plotting needs matplotlib: pip install 'hotline189[plot]'") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted(
        {o.message.intent for o in report_outcomes} | {o.result.intent for o in report_outcomes}
    )
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for outcome in report_outcomes:
        matrix[index[outcome.message.intent]][index[outcome.result.intent]] += 1
    figure, (axes, curve) = plt.subplots(
        1, 2, figsize=(20, 10), gridspec_kw={"width_ratios": [3, 2]}
    )
    image = axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels=labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    axes.set_title("intents")
    for row, values in enumerate(matrix):
        for column, value in enumerate(values):
            if value:
                axes.text(column, row, str(value), ha="center", va="center", fontsize=6)
    figure.colorbar(image, ax=axes, fraction=0.04)
    _draw_risk_curve(curve, report_outcomes, threshold)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _draw_risk_curve(axes: Any, outcomes: Sequence[Outcome], threshold: float | None) -> None:
    points = precision_recall_points(outcomes)
    if points:
        axes.plot([r for _, _, r in points], [p for _, p, _ in points], label="risk score")
    serious = [o for o in outcomes if o.message.risk_level in SERIOUS]
    flagged = [o for o in outcomes if o.result.risk.level in SERIOUS]
    if serious and flagged:
        recall = sum(o.result.risk.level in SERIOUS for o in serious) / len(serious)
        precision = sum(o.message.risk_level in SERIOUS for o in flagged) / len(flagged)
        note = "" if threshold is None else f" (threshold {threshold:.2f} + phrase floor)"
        axes.scatter([recall], [precision], color="red", zorder=3, label="operating point" + note)
        axes.annotate(f"R {recall:.3f}, P {precision:.3f}", (recall, precision), fontsize=8)
    axes.set_xlabel("recall of high + emergency")
    axes.set_ylabel("precision")
    axes.set_xlim(0.5, 1.01)
    axes.set_ylim(0.0, 1.01)
    axes.grid(True, alpha=0.3)
    axes.set_title("risk: precision-recall")
    axes.legend(loc="lower left", fontsize=8)
