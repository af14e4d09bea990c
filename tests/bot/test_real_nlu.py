"""Whole conversations through the REAL understanding layer, the core and the dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup

from nlu.pipeline import Understanding, build_understanding
from tests.bot.conftest import Harness, make_harness, make_services
from tests.support.updates import command, message, person, press


@pytest.fixture(scope="module")
def real_nlu() -> Understanding:
    return build_understanding(engine="embedded")


@pytest.fixture
async def real(real_nlu: Understanding) -> AsyncIterator[Harness]:
    async for harness in make_harness(make_services(real_nlu)):
        yield harness


def buttons(request: Any) -> list[str]:
    markup = request.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.callback_data or "" for row in markup.inline_keyboard for b in row]


def title(harness: Harness, language: str, intent: str) -> str:
    return harness.services.content.answer(language, intent).title  # type: ignore[arg-type]


async def test_russian_conversation(real: Harness) -> None:
    user = person(5001, language_code="ru")
    await real.feed(command("/start", user=user))
    await real.feed(press("lang:ru", user=user))
    await real.feed(message("Здравствуйте", user=user))
    real.session.clear()
    await real.feed(message("Сколько дней на регистрацию?", user=user))
    [answer] = real.session.of(SendMessage)
    assert title(real, "ru", "registration_russia") in answer.text
    assert "helpful:yes" in buttons(answer)
    await real.feed(press("helpful:yes", user=user))
    assert real.escalator.requests == []


@pytest.mark.parametrize(
    "text",
    [
        "Каттоого канча күн бар?",  # with the Kyrgyz letters
        "Каттоого канча кун бар",  # typed on a Russian keyboard, without them
        "Kattoogo kancha kun bar?",  # Latin script
    ],
)
async def test_kyrgyz_in_every_spelling(real: Harness, text: str) -> None:
    user = person(5002, language_code="ky")
    await real.feed(message(text, user=user))
    answer = real.session.of(SendMessage)[0]
    assert title(real, "ky", "registration_russia") in answer.text


async def test_language_follows_clear_messages_but_not_short_ones(real: Harness) -> None:
    user = person(5003, language_code="ky")
    await real.feed(message("Саламатсызбы", user=user))
    real.session.clear()
    await real.feed(message("Сколько дней на регистрацию?", user=user))
    answer = real.session.of(SendMessage)[-1]
    assert title(real, "ru", "registration_russia") in answer.text
    assert "lang:ky" in buttons(answer)  # a way back
    await real.feed(message("189", user=user))
    state = await real.services.store.get("tg:5003")
    assert state is not None and state.language == "ru"
    await real.feed(press("lang:ky", user=user))
    state = await real.services.store.get("tg:5003")
    assert state is not None and state.language == "ky"


async def test_red_flag_in_russian_escalates(real: Harness) -> None:
    user = person(5004)
    await real.feed(message("Здравствуйте", user=user))
    await real.feed(message("Забрали паспорт и не отпускают", user=user))
    [request] = real.escalator.requests
    assert request.level == "high"
    assert "retention_of_documents" in request.indicators
    assert request.language == "ru"


async def test_emergency_in_kyrgyz_shows_numbers_first(real: Harness) -> None:
    user = person(5005, language_code="ky")
    await real.feed(message("Мени уруп жатат, жардам бергиле", user=user))
    first = real.texts()[0]
    assert "112" in first
    assert real.escalator.requests[0].level == "emergency"
    assert real.escalator.requests[0].language == "ky"


async def test_asking_for_an_operator_in_kyrgyz(real: Harness) -> None:
    await real.feed(message("оператор менен сүйлөшөйүн", user=person(5006, language_code="ky")))
    assert real.escalator.requests[0].reason == "ask_operator"
