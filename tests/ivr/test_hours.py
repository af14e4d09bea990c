"""Operator hours in Asia/Bishkek."""

from __future__ import annotations

from datetime import datetime

import pytest

from hotline.operator_hours import BISHKEK, OperatorHours


def bishkek(day: int, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` in Bishkek on `day` November 2026 (the 23rd is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BISHKEK)


def test_office_hours_on_weekdays() -> None:
    hours = OperatorHours.parse("09:00-18:00", "1-5")
    assert hours.is_open(bishkek(25, 9))
    assert hours.is_open(bishkek(25, 17, 59))
    assert not hours.is_open(bishkek(25, 18))
    assert not hours.is_open(bishkek(25, 8, 59))
    assert not hours.is_open(bishkek(28, 12))  # Saturday


def test_round_the_clock() -> None:
    hours = OperatorHours.parse("00:00-24:00", "1-7")
    assert all(hours.is_open(bishkek(d, h)) for d in range(24, 30) for h in range(24))


def test_overnight_shift_belongs_to_the_day_it_starts() -> None:
    hours = OperatorHours.parse("20:00-08:00", "5")  # Friday night
    assert hours.is_open(bishkek(27, 22))
    assert hours.is_open(bishkek(28, 7))  # Saturday morning, Friday's shift
    assert not hours.is_open(bishkek(28, 22))


def test_days_as_lists_and_ranges() -> None:
    assert OperatorHours.parse("09:00-18:00", "1,3,5-6").days == frozenset({1, 3, 5, 6})


@pytest.mark.parametrize("hours,days", [("9-18", "1-5"), ("09:00-18:00", "0-5"), ("x", "y")])
def test_malformed_hours_are_rejected_or_read_as_always_open(hours: str, days: str) -> None:
    with pytest.raises(ValueError):
        OperatorHours.parse(hours, days)
    assert OperatorHours.from_settings(hours, days).is_open(bishkek(29, 3))
