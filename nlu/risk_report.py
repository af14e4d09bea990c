"""Risk in the `hotline nlu eval` report: recall and false alarms by level, situation,
style and language; situation accuracy; the precision-recall curve of the risk score."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

from nlu.catalogue import LANGUAGES, RISK_LEVELS, SITUATIONS, risk_rank

if TYPE_CHECKING:
    from nlu.evaluation import Outcome

SERIOUS_RANK: Final = risk_rank("high")


def _serious(level: str) -> bool:
    return risk_rank(level) >= SERIOUS_RANK  # type: ignore[arg-type]


def _rates(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Recall of high + emergency and the false-alarm rate of one group."""
    serious = [o for o in outcomes if _serious(o.message.risk_level)]
    calm = [o for o in outcomes if o.message.risk_level == "none"]
    caught = sum(_serious(o.result.risk.level) for o in serious)
    alarms = sum(_serious(o.result.risk.level) for o in calm)
    return {
        "serious": len(serious),
        "recall": round(caught / len(serious), 4) if serious else None,
        "none": len(calm),
        "false_alarm_rate": round(alarms / len(calm), 4) if calm else None,
    }


def _grouped(
    outcomes: Sequence[Outcome], key: Callable[[Outcome], str | None]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        name = key(outcome)
        if name is not None:
            groups.setdefault(name, []).append(outcome)
    return {name: _rates(group) for name, group in sorted(groups.items())}


def _per_level(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    levels: dict[str, dict[str, Any]] = {}
    for level in RISK_LEVELS:
        gold = [o for o in outcomes if o.message.risk_level == level]
        if not gold:
            continue
        rated = {r: sum(o.result.risk.level == r for o in gold) for r in RISK_LEVELS}
        entry: dict[str, Any] = {"messages": len(gold), "rated": rated}
        if _serious(level):
            entry["recall_high_emergency"] = round(
                sum(_serious(o.result.risk.level) for o in gold) / len(gold), 4
            )
        entry["exact"] = round(rated[level] / len(gold), 4)
        levels[level] = entry
    return levels


def _per_situation(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    situations: dict[str, dict[str, Any]] = {}
    for name in SITUATIONS:
        gold = [o for o in outcomes if name in (o.message.situations or ())]
        if not gold:
            continue
        situations[name] = {
            "messages": len(gold),
            "named": round(sum(name in o.result.risk.situations for o in gold) / len(gold), 4),
            "recall_at_gold_level_or_above": round(
                sum(risk_rank(o.result.risk.level) >= risk_rank(o.message.risk_level) for o in gold)
                / len(gold),
                4,
            ),
        }
    return situations


def _situation_accuracy(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    labelled = [o for o in outcomes if o.message.situations is not None]
    risky = [o for o in labelled if o.message.risk_level != "none"]

    def exact(o: Outcome) -> bool:
        return set(o.result.risk.situations) == set(o.message.situations or ())

    def overlap(o: Outcome) -> bool:
        return bool(set(o.result.risk.situations) & set(o.message.situations or ()))

    def first_right(o: Outcome) -> bool:
        found = o.result.risk.situations
        return bool(found) and found[0] in (o.message.situations or ())

    return {
        "labelled": len(labelled),
        "exact_all": round(sum(map(exact, labelled)) / len(labelled), 4) if labelled else None,
        "exact_risky": round(sum(map(exact, risky)) / len(risky), 4) if risky else None,
        "overlap_risky": round(
            sum(
                bool(set(o.result.risk.situations) & set(o.message.situations or ())) for o in risky
            )
            / len(risky),
            4,
        )
        if risky
        else None,
        "first_right_risky": round(sum(map(first_right, risky)) / len(risky), 4) if risky else None,
    }


def risk_breakdown(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Everything the report says about risk, without message texts."""
    emergencies = [o for o in outcomes if o.message.risk_level == "emergency"]
    return {
        "overall": _rates(outcomes),
        "emergency_as_emergency": round(
            sum(o.result.risk.level == "emergency" for o in emergencies) / len(emergencies), 4
        )
        if emergencies
        else None,
        "per_level": _per_level(outcomes),
        "per_language": _grouped(outcomes, lambda o: o.message.language),
        "per_style": _grouped(outcomes, lambda o: o.message.style),
        "per_situation": _per_situation(outcomes),
        "situation_accuracy": _situation_accuracy(outcomes),
    }


def format_risk(risk: dict[str, Any]) -> list[str]:
    """Short lines for the terminal summary."""

    def rates(r: dict[str, Any]) -> str:
        recall = "-" if r["recall"] is None else f"{r['recall']:.3f}"
        alarms = "-" if r["false_alarm_rate"] is None else f"{r['false_alarm_rate']:.3f}"
        return f"recall {recall} ({r['serious']}), false alarms {alarms} ({r['none']})"

    lines = [f"risk: {rates(risk['overall'])}"]
    if risk["emergency_as_emergency"] is not None:
        lines.append(f"  emergency rated emergency: {risk['emergency_as_emergency']:.3f}")
    for language in LANGUAGES:
        if language in risk["per_language"]:
            lines.append(f"  {language}: {rates(risk['per_language'][language])}")
    for style, r in risk["per_style"].items():
        lines.append(f"  style {style}: {rates(r)}")
    for name, s in risk["per_situation"].items():
        lines.append(
            f"  situation {name} ({s['messages']}): named {s['named']:.3f}, "
            f"level reached {s['recall_at_gold_level_or_above']:.3f}"
        )
    accuracy = risk["situation_accuracy"]
    if accuracy["exact_all"] is not None:
        lines.append(
            f"  situation accuracy: exact {accuracy['exact_all']:.3f} (all labelled), "
            f"exact {accuracy['exact_risky'] or 0:.3f}, "
            f"first right {accuracy['first_right_risky'] or 0:.3f} (risky)"
        )
    return lines


def precision_recall_points(outcomes: Sequence[Outcome]) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) of "at least high" as the risk score's threshold moves."""
    scored = sorted(
        ((o.result.risk.score, _serious(o.message.risk_level)) for o in outcomes), reverse=True
    )
    positives = sum(flag for _, flag in scored)
    points: list[tuple[float, float, float]] = []
    tp = fp = 0
    for score, flag in scored:
        tp += flag
        fp += not flag
        if positives:
            points.append((score, tp / (tp + fp), tp / positives))
    return points
