"""Operator hours for the Telegram side, from the core's `OperatorHours`."""

from __future__ import annotations

from hotline.operator_hours import BISHKEK, OperatorHours, next_opening
from hotline.settings import Settings

__all__ = ["BISHKEK", "OperatorHours", "next_opening", "operator_hours"]


def operator_hours(settings: Settings) -> OperatorHours:
    return OperatorHours.from_settings(settings.operator_hours, settings.operator_days)
