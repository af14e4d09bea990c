"""Whatever arrives, parse answers with a valid result and never raises."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nlu.catalogue import INDICATORS, INTENTS, LANGUAGES, RISK_LEVELS
from nlu.pipeline import Understanding

mixed_scripts = st.text(
    alphabet=st.sampled_from(
        list("abcxyzöüñABC абвжзөүңЁЭъь ءابت中文🙂👍\u200b\u202e\x00\x07\n\t?!.,0189")
    ),
    max_size=200,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(st.text(max_size=300), mixed_scripts))
@example(text="")
@example(text="   \n\t ")
@example(text="паспорт " * 12_500)  # 100,000 characters
@example(text="\x00\x01\x02\x1b[31m\x7f")
@example(text="🙂🙂🙂👍🏽🇰🇬")
@example(text="\ud800 забрали \udfff паспорт")
@example(text="pasport ПАСПОРТ پاسپورت 护照")
def test_parse_always_returns_a_valid_result(understanding: Understanding, text: str) -> None:
    result = understanding.parse_sync(text)
    assert result.language in LANGUAGES
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0
    assert result.risk.level in RISK_LEVELS
    assert set(result.risk.indicators) <= set(INDICATORS)
    line = json.dumps(result.to_json(), ensure_ascii=False)
    line.encode("utf-8")  # no lone surrogates survive into the output
    assert json.loads(line)["intent"] == result.intent
