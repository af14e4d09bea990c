"""The findings of issue 11, tried again as a new user would on Telegram, with the real NLU:
what was wrong then, and what the person gets now (the words, not our identifiers)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SendMessage

from nlu.pipeline import build_understanding
from tests.bot.conftest import Harness, make_harness, make_services
from tests.ivr.conftest import understanding
from tests.support.updates import message, person

# How the assistant itself said "what you describe is (may be) a sign of forced labour", then
# and now; answers may still explain such signs in general ("if your passport was taken…").
FORCED_LABOUR = {
    "ru": ("описываете, — признак принудительного труда", "описываете, может быть признаком"),
    "ky": ("айтып жаткан нерсе — мажбурлап", "айтып жаткан нерсе мажбурлап"),
}


def named_forced_labour(shown: str, language: str) -> bool:
    return any(words in shown for words in FORCED_LABOUR[language])


@pytest.fixture
async def bot() -> AsyncIterator[Harness]:
    async for harness in make_harness(make_services(understanding())):
        yield harness


async def said(bot: Harness, text: str, language: str) -> list[str]:
    await bot.feed(message(text, user=person(language_code=language)))
    return [m.text for m in bot.session.of(SendMessage)]


async def test_a_beating_husband_is_not_called_forced_labour_and_gets_112(bot: Harness) -> None:
    shown = "\n".join(await said(bot, "муж избивает в съёмной квартире в москве", "ru"))
    assert not named_forced_labour(shown, "ru")
    assert "мужа, партнёра или родственника" in shown  # named as what it is
    assert "112" in shown and "Если опасность станет больше" in shown
    assert "боитесь полиции" in shown and "«оператор»" in shown  # never the police alone
    assert bot.escalator.requests[0].level == "high"


async def test_no_money_for_a_ticket_is_stranded_not_forced_labour(bot: Harness) -> None:
    shown = "\n".join(await said(bot, "хочу вернуться домой денег нет на билет помогите", "ru"))
    assert not named_forced_labour(shown, "ru")
    assert "вернуться домой тяжело" in shown  # the stranded offer of an operator
    assert bot.escalator.requests == []  # a concern: offered, not escalated


async def test_a_taken_daughter_gets_the_emergency_numbers_first(bot: Harness) -> None:
    texts = await said(bot, "кызымды алып кетишти кайда экенин билбейм телефону очук", "ky")
    assert "112" in texts[0] and "102" in texts[0]
    shown = "\n".join(texts)
    assert "баланын аты жана жашы" in shown  # what to tell them
    assert not named_forced_labour(shown, "ky")
    assert bot.escalator.requests[0].level == "emergency"


async def test_a_wish_to_die_gets_support_before_anything_else(bot: Harness) -> None:
    texts = await said(bot, "мен өзүмдү өлтүргүм келет", "ky")
    assert texts[0].startswith("Мага жазганыңыз үчүн рахмат. Сиз жалгыз эмессиз")
    assert "112" not in texts[0] and "112" in texts[1]
    shown = "\n".join(texts)
    assert "150" in shown  # the crisis line with a source in contacts.yml (Kazakhstan)
    assert "жалгыз калбаңыз" in shown  # a step, not 112/102 and nothing else


async def test_the_safety_advice_of_report_exploitation_is_shown_when_escalating(
    bot: Harness,
) -> None:
    shown = "\n".join(await said(bot, "забрали паспорт и не отпускают", "ru"))
    assert named_forced_labour(shown, "ru")  # here it is forced labour, and says so
    assert "Не говорите тем, кто вас удерживает" in shown
    assert "выключите уведомления" in shown and "/forget" in shown
    title = bot.services.content.answer("ru", "report_exploitation").title
    assert title in shown  # the whole answer, with its own advice


def test_the_real_nlu_is_what_these_tests_use() -> None:
    assert type(understanding()) is type(build_understanding(engine="embedded"))
