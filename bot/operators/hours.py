"""Operator hours for the Telegram side: the phone line's `OperatorHours`, not a second copy.

`OperatorHours` lives in `ivr.hours` today; it belongs in the core (both adapters need it)
and can move there without changing this module's callers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hotline.settings import Settings
from ivr.hours import BISHKEK, OperatorHours

__all__ = ["BISHKEK", "OperatorHours", "next_opening", "operator_hours"]


def operator_hours(settings: Settings) -> OperatorHours:
    return OperatorHours.from_settings(settings.operator_hours, settings.operator_days)


def next_opening(hours: OperatorHours, now: datetime) -> datetime | None:
    """When operators are next at work (Bishkek time); None while they are at work now."""
    if hours.is_open(now):
        return None
    local = now.astimezone(BISHKEK)
    start = timedelta(minutes=hours.start_minute)
    for days_ahead in range(8):
        day = local + timedelta(days=days_ahead)
        candidate = day.replace(hour=0, minute=0, second=0, microsecond=0) + start
        if candidate > local and hours.is_open(candidate):
            return candidate
    return None  # no working day configured at all
