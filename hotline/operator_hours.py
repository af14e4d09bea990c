"""When Hotline 189 operators are at work, in Asia/Bishkek time: shared by the bot and the phone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

BISHKEK: Final = ZoneInfo("Asia/Bishkek")
_END_OF_DAY: Final = 24 * 60


@dataclass(frozen=True, slots=True)
class OperatorHours:
    """Minutes of the day and ISO weekdays (Monday = 1) when operators take calls."""

    start_minute: int
    end_minute: int  # exclusive; 1440 means midnight; smaller than start wraps past midnight
    days: frozenset[int]

    @classmethod
    def parse(cls, hours: str, days: str) -> OperatorHours:
        """Read "09:00-18:00" and "1-5" or "1,3,5-7"; raise ValueError when malformed."""
        start_text, _, end_text = hours.partition("-")
        start, end = _minute_of_day(start_text), _minute_of_day(end_text)
        chosen: set[int] = set()
        for part in days.split(","):
            first, _, last = part.strip().partition("-")
            low = int(first)
            high = int(last) if last else low
            if not 1 <= low <= high <= 7:
                raise ValueError(f"weekdays must be within 1-7: {days!r}")
            chosen.update(range(low, high + 1))
        return cls(start, end, frozenset(chosen))

    @classmethod
    def from_settings(cls, hours: str, days: str) -> OperatorHours:
        """Parse the configured hours; when they are malformed, assume always open."""
        try:
            return cls.parse(hours, days)
        except ValueError:
            # Trying the operator costs a ring at worst: no answer still leads to voicemail.
            log.error("operator_hours/operator_days malformed; treating the line as always open")
            return cls(0, _END_OF_DAY, frozenset(range(1, 8)))

    def is_open(self, moment: datetime) -> bool:
        """Say whether operators answer at `moment` (any time zone; naive means UTC)."""
        local = (
            moment.astimezone(BISHKEK)
            if moment.tzinfo
            else moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(BISHKEK)
        )
        minute = local.hour * 60 + local.minute
        weekday = local.isoweekday()
        if self.start_minute <= self.end_minute:
            return weekday in self.days and self.start_minute <= minute < self.end_minute
        # Overnight shift: the late part belongs to the day it started on.
        if minute >= self.start_minute:
            return weekday in self.days
        previous_day = 7 if weekday == 1 else weekday - 1
        return minute < self.end_minute and previous_day in self.days


def _minute_of_day(text: str) -> int:
    text = text.strip()
    if text == "24:00":
        return _END_OF_DAY
    parsed = time.fromisoformat(text)
    return parsed.hour * 60 + parsed.minute


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
