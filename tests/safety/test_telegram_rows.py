"""Every row of the safety-response table on Telegram, in both languages: a real Dispatcher
fed real updates, the real NLU (or its parse with the row's risk injected, where the case
says so), the real content, and a Bot whose session records what would reach Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup

from nlu.catalogue import Language
from tests.bot.conftest import Harness, make_harness, make_services
from tests.ivr.conftest import understanding
from tests.safety.conftest import (
    IDS,
    PARAMS,
    RowCase,
    expected_chat,
    in_order,
    other_rows_texts,
    understanding_for_rows,
)
from tests.support.updates import message, person


@pytest.fixture
async def bot() -> AsyncIterator[Harness]:
    async for harness in make_harness(make_services(understanding_for_rows(understanding()))):
        yield harness


@pytest.mark.parametrize(("case", "language"), PARAMS, ids=IDS)
async def test_every_row_on_telegram(bot: Harness, case: RowCase, language: Language) -> None:
    user = person(language_code=language)
    text = case.texts[language]
    parsed = await bot.services.policy.understanding.parse(text, language)
    # The row is reached (by the real NLU unless the case injects it).
    assert parsed.risk.level == case.level, (text, parsed.risk)
    if case.situation is not None:
        assert case.situation in parsed.risk.situations, (text, parsed.risk)

    await bot.feed(message(text, user=user))

    sent = bot.session.of(SendMessage)
    shown = "\n\n".join(m.text for m in sent)
    row = case.row
    requests = bot.escalator.requests
    if row.level == "concern":
        assert requests == []
        number = ""
    else:
        [request] = requests
        assert request.level == row.level and request.language == language
        number = request_case_number(bot)
    missing = in_order(shown, expected_chat(row, language, bot.services.content, number))
    assert missing is None, f"{missing!r} not shown in order in:\n{shown}"
    # The situation is named only where it is that situation.
    for other in other_rows_texts(row, language):
        assert other not in shown
    if row.level == "emergency" or "numbers" in row.parts:
        # The emergency numbers come first, after a few supportive words at most.
        first = 1 if row.situation == "suicide_risk" else 0
        assert "112" in sent[first].text
    if row.level == "concern":
        # The offer of an operator: a button under the offer.
        assert any(
            isinstance(m.reply_markup, InlineKeyboardMarkup)
            and "operator" in {b.callback_data for r in m.reply_markup.inline_keyboard for b in r}
            for m in sent
        )


def request_case_number(bot: Harness) -> str:
    ref = bot.escalator._open.get(bot.escalator.requests[0].user_key)
    assert ref is not None
    return ref.number
