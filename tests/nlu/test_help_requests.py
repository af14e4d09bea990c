"""A request for help is not danger by itself; a cry for help with a red flag is."""

from __future__ import annotations

import pytest

from nlu.pipeline import Understanding


@pytest.mark.parametrize(
    "text",
    [
        "помогите разобраться с заявлением в банк",
        "помогите пожалуйста выбрать курсы русского языка",
        "жардам бергиле, арызды кантип жазам",
        "жардам бериңизчи, телефонду кантип тандайм",
    ],
)
def test_ordinary_requests_for_help_raise_no_alarm(understanding: Understanding, text: str) -> None:
    assert understanding.parse_sync(text).risk.level in {"none", "concern"}


@pytest.mark.parametrize(
    "text", ["помогите меня держат в подвале", "жардам бергиле, кожоюн уруп жатат"]
)
def test_cries_for_help_in_danger_are_emergencies(understanding: Understanding, text: str) -> None:
    assert understanding.parse_sync(text).risk.level == "emergency"
