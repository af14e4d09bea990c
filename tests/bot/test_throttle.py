"""Throttling never loses what a person wrote (bot.middlewares.admission)."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery

from hotline.i18n import translate
from hotline.ui_strings import TOO_MANY_MESSAGES
from tests.bot.conftest import make_harness, make_services
from tests.bot.script import SCRIPT
from tests.hotline.fakes import FakeUnderstanding
from tests.support.updates import message, press

RISKY = "Забрали паспорт и не отпускают"
EMERGENCY = "Мени уруп жатат, жардам бергиле"


async def test_with_an_open_case_every_message_is_relayed_and_none_is_throttled() -> None:
    services = make_services(FakeUnderstanding(SCRIPT))
    async for harness in make_harness(services, throttle_limit=2):
        await harness.feed(message(RISKY))
        assert harness.escalator.requests  # the case is open
        harness.session.clear()
        flood = [f"сообщение {n}" for n in range(10)]
        for text in flood:
            await harness.feed(message(text))
        assert [text for _, text in harness.escalator.relayed] == flood
        note = translate("ru", TOO_MANY_MESSAGES)
        assert note not in harness.texts()
        metrics = harness.services.metrics
        assert metrics.value("telegram_throttled_total") == 0
        assert metrics.value("telegram_over_limit_in_case_total") == 9


async def test_over_the_limit_the_core_still_reads_and_escalates() -> None:
    services = make_services(FakeUnderstanding(SCRIPT))
    async for harness in make_harness(services, throttle_limit=2):
        for _ in range(3):
            await harness.feed(message("Здравствуйте"))
        answered = len(harness.texts())
        await harness.feed(message(RISKY))  # fourth in the window: over the limit
        [request] = harness.escalator.requests
        assert request.level == "high" and request.reason == "risk"
        # The escalation notice is about safety: it goes out even over the limit.
        case_number = f"{1:06d}"
        assert any(case_number in text for text in harness.texts()[answered:])


async def test_over_the_limit_emergency_numbers_still_go_out() -> None:
    services = make_services(FakeUnderstanding(SCRIPT))
    async for harness in make_harness(services, throttle_limit=1):
        await harness.feed(message("Саламатсызбы"))
        await harness.feed(message("Саламатсызбы"))
        harness.session.clear()
        await harness.feed(message(EMERGENCY))
        texts = harness.texts()
        assert texts and "112" in texts[0]
        assert harness.escalator.requests[0].level == "emergency"


async def test_over_the_limit_answers_are_withheld_but_state_moves_on() -> None:
    services = make_services(FakeUnderstanding(SCRIPT))
    async for harness in make_harness(services, throttle_limit=1):
        await harness.feed(message("Здравствуйте"))
        await harness.feed(message("Саламатсызбы"))  # over: read, not answered
        state = await services.store.get("tg:1001")
        assert state is not None and [t.text for t in state.turns][-1] == "Саламатсызбы"
        assert state.language == "ky"
        await harness.feed(press("menu"))
        [answered] = harness.session.of(AnswerCallbackQuery)
        assert answered.text is None  # the note went once, as a message
        assert harness.services.metrics.value("telegram_replies_withheld_total") == 2


async def test_a_button_over_the_limit_gets_the_note_as_its_toast() -> None:
    services = make_services(FakeUnderstanding(SCRIPT))
    async for harness in make_harness(services, throttle_limit=1):
        await harness.feed(press("menu"))
        await harness.feed(press("operator"))  # over the limit, but it escalates
        first, second = harness.session.of(AnswerCallbackQuery)
        assert first.text is None and second.text == translate("ru", TOO_MANY_MESSAGES)
        [request] = harness.escalator.requests
        assert request.reason == "ask_operator"


async def test_an_unhandled_button_over_the_limit_still_stops_spinning() -> None:
    services = make_services(FakeUnderstanding(SCRIPT))
    async for harness in make_harness(services, throttle_limit=1):
        await harness.feed(message("Здравствуйте"))
        await harness.feed(press(""))  # no data: no handler takes it
        [answered] = harness.session.of(AnswerCallbackQuery)
        assert answered.text == translate("ru", TOO_MANY_MESSAGES)
