"""Stacked bar charts of cases per day, drawn as SVG by the server (no script, no library)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from hotline.cases.views import StatsRow

WIDTH: Final = 640
HEIGHT: Final = 200
LEFT: Final = 28
BOTTOM: Final = 22
# Distinguishable for the common colour blindnesses (Okabe and Ito), then greys.
PALETTE: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
LEVEL_COLOURS: Final = {
    "emergency": "#C62828",
    "high": "#EF6C00",
    "concern": "#F9A825",
    "none": "#90A4AE",
}
# One colour per situation (INTENTS.md's order), told apart beyond the palette's seven;
# "-" is a case without a recognised situation.
SITUATION_COLOURS: Final = {
    "forced_labour": "#0072B2",
    "sexual_exploitation": "#CC79A7",
    "forced_criminality": "#6A3D9A",
    "child_at_risk": "#E69F00",
    "domestic_violence": "#D55E00",
    "violence": "#8E1B1B",
    "suicide_risk": "#37474F",
    "medical_emergency": "#009E73",
    "missing_person": "#56B4E9",
    "stranded": "#F0E442",
    "labour_rights": "#A1887F",
    "-": "#CFD8DC",
}


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # "25.11 · ru: 3", read by screen readers and shown on hover


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, name)
    ticks: tuple[tuple[float, str], ...]  # (x, day label)
    peak: int
    table: tuple[tuple[str, tuple[int, ...]], ...]  # day, count per legend entry
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = BOTTOM


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def stacked_chart(
    title: str,
    rows: Sequence[StatsRow],
    dimension: Callable[[StatsRow], str],
    days: Sequence[date],
    name_of: Callable[[str], str],
    colours: dict[str, str] | None = None,
) -> Chart:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row.day][dimension(row)] += row.cases
    keys = sorted({key for per_day in counts.values() for key in per_day})
    if colours:
        keys.sort(key=lambda k: list(colours).index(k) if k in colours else len(colours))
    colour = {
        key: (colours or {}).get(key, PALETTE[i % len(PALETTE)]) for i, key in enumerate(keys)
    }
    peak = max((sum(per_day.values()) for per_day in counts.values()), default=0)
    scale = (HEIGHT - BOTTOM - 8) / peak if peak else 0
    slot = (WIDTH - LEFT) / max(1, len(days))
    bars: list[Bar] = []
    ticks: list[tuple[float, str]] = []
    table: list[tuple[str, tuple[int, ...]]] = []
    every = max(1, len(days) // 10)
    for index, day in enumerate(days):
        iso, label = day.isoformat(), day.strftime("%d.%m")
        x = LEFT + index * slot + slot * 0.15
        y = float(HEIGHT - BOTTOM)
        for key in keys:
            n = counts.get(iso, {}).get(key, 0)
            if n:
                h = n * scale
                y -= h
                bars.append(Bar(x, y, slot * 0.7, h, colour[key], f"{label} · {name_of(key)}: {n}"))
        if index % every == 0:
            ticks.append((x + slot * 0.35, label))
        table.append((label, tuple(counts.get(iso, {}).get(key, 0) for key in keys)))
    legend = tuple((colour[key], name_of(key)) for key in keys)
    return Chart(title, tuple(bars), legend, tuple(ticks), peak, tuple(table))
