"""Bad input gets a polite answer in the person's language and loses nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SendMessage

from nlu.pipeline import Understanding, build_understanding
from tests.bot.conftest import Harness, make_harness, make_services
from tests.support.updates import message, person


@pytest.fixture(scope="module")
def real_nlu() -> Understanding:
    return build_understanding(engine="embedded")


@pytest.fixture
async def harness(real_nlu: Understanding) -> AsyncIterator[Harness]:
    """The real understanding layer: these inputs are about what it makes of them."""
    async for h in make_harness(make_services(real_nlu)):
        yield h


async def test_a_10000_character_message_is_answered_and_its_late_red_flag_seen(
    harness: Harness,
) -> None:
    flag = " работодатель забрал паспорт и не отпускает"
    filler = "подскажите пожалуйста про регистрацию и работу в россии " * 200
    text = filler[: 10_000 - len(flag)] + flag
    assert len(text) == 10_000
    await harness.feed(message(text))
    sent = harness.session.of(SendMessage)
    assert sent, "a long message still gets an answer"
    assert all(len(request.text) <= 4096 for request in sent)
    [request] = harness.escalator.requests
    assert request.level in {"high", "emergency"}
    assert all(len(line) <= 10_000 for line in request.excerpt)


async def test_broken_and_invisible_characters_get_a_reply_in_the_persons_language(
    harness: Harness,
) -> None:
    user = person(language_code="ky")
    await harness.feed(message("Саламатсызбы", user=user))
    harness.session.clear()
    garbage = "\u200b\u202e\x00\x07\ufffd\ufeff" + "🙂" * 50 + "\u0301\u0301"
    await harness.feed(message(garbage, user=user))
    [reply] = harness.session.of(SendMessage)
    assert reply.text.strip()
    # Still Kyrgyz: nothing in the garbage is a clear message in another language.
    assert any(letter in reply.text for letter in "өүң")


async def test_mixed_script_message_is_understood(harness: Harness) -> None:
    await harness.feed(message("patent kerekpi россияга иштегени барам"))
    [reply] = harness.session.of(SendMessage)
    expected = harness.services.content.answer("ky", "work_permit").title
    assert expected in reply.text
