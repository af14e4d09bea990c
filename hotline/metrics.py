"""A small counter registry rendered in the Prometheus text format at `/metrics`.

Labels carry only bounded, non-personal values (channel, intent, risk level): never a
user key, a message or a phone number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Labels = tuple[tuple[str, str], ...]

# Counters the core and the adapters increment, with their help text.
HELP: dict[str, str] = {
    "turns_total": "Turns handled by the dialogue policy.",
    "answers_total": "Content answers shown, by intent.",
    "unsure_total": "Turns where no intent was confident enough to answer.",
    "risk_turns_total": "Turns by the risk level of the message itself.",
    "escalations_total": "Escalations handed to the escalator, by level.",
    "escalation_failures_total": "Escalations the escalator failed to take (retried next turn).",
    "helpful_total": "Answers to 'did this help?'.",
    "language_switches_total": "Conversations switched to the language the person wrote in.",
    "forget_total": "Conversations erased at the person's request.",
    "telegram_updates_total": "Telegram updates received.",
    "telegram_duplicate_updates_total": "Telegram updates dropped as already processed.",
    "telegram_throttled_total": "Updates over the per-person limit (read, answered quietly).",
    "telegram_over_limit_in_case_total": "Updates over the limit during a case (all relayed).",
    "telegram_replies_withheld_total": "Replies withheld because their update was over the limit.",
    "telegram_retries_total": "Telegram API calls retried after flood control or a server error.",
    "telegram_send_failures_total": "Telegram API calls that failed after all retries.",
    "telegram_blocked_total": "People who blocked the bot.",
    "telegram_handler_errors_total": "Updates whose handler failed (the person was told).",
}


@dataclass
class Metrics:
    """Monotonic counters; `sources` add external counters such as the NLU's at render time."""

    namespace: str = "hotline"
    _counters: dict[str, dict[Labels, float]] = field(default_factory=dict)
    sources: dict[str, Callable[[], Mapping[str, int | float]]] = field(default_factory=dict)

    def inc(self, name: str, value: float = 1, **labels: str) -> None:
        key: Labels = tuple(sorted(labels.items()))
        series = self._counters.setdefault(name, {})
        series[key] = series.get(key, 0) + value

    def value(self, name: str, **labels: str) -> float:
        return self._counters.get(name, {}).get(tuple(sorted(labels.items())), 0)

    def add_source(self, prefix: str, read: Callable[[], Mapping[str, int | float]]) -> None:
        """Export another component's counters (e.g. `Understanding.counters`) as `prefix_*`."""
        self.sources[prefix] = read

    def render(self) -> str:
        """Return all counters in the Prometheus text exposition format."""
        lines: list[str] = []
        for name in sorted(self._counters):
            full = f"{self.namespace}_{name}"
            lines.append(f"# HELP {full} {HELP.get(name, name)}")
            lines.append(f"# TYPE {full} counter")
            for labels, value in sorted(self._counters[name].items()):
                lines.append(f"{full}{_render_labels(labels)} {_number(value)}")
        for prefix, read in sorted(self.sources.items()):
            for name, value in sorted(read().items()):
                full = f"{self.namespace}_{prefix}_{name}"
                lines.append(f"# TYPE {full} counter")
                lines.append(f"{full} {_number(value)}")
        return "\n".join(lines) + "\n"


def _render_labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
