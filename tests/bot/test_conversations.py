"""Whole conversations through the real Dispatcher, a mocked Bot API and the core."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import InlineKeyboardMarkup

from hotline.options import GROUPS
from tests.bot.conftest import Harness
from tests.support.updates import command, message, person, press


def buttons(request: SendMessage) -> list[str]:
    markup = request.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.callback_data or "" for row in markup.inline_keyboard for b in row]


async def test_start_greets_in_both_languages_and_preselects_telegram_language(
    harness: Harness,
) -> None:
    await harness.feed(command("/start", user=person(language_code="ru")))
    [sent] = harness.session.of(SendMessage)
    assert "Hotline 189" in sent.text or "189" in sent.text
    assert buttons(sent) == ["lang:ru", "lang:ky"]  # the pre-selected language first
    assert sent.reply_markup.inline_keyboard[0][0].text.startswith("✅")  # type: ignore[union-attr]


async def test_start_payload_preselects_kyrgyz(harness: Harness) -> None:
    await harness.feed(command("/start ky", user=person(language_code="en")))
    [sent] = harness.session.of(SendMessage)
    assert buttons(sent) == ["lang:ky", "lang:ru"]


async def test_russian_conversation_menu_answer_and_feedback(harness: Harness) -> None:
    await harness.feed(command("/start"))
    await harness.feed(press("lang:ru"))
    assert harness.session.of(AnswerCallbackQuery)
    menu = harness.session.of(SendMessage)[-1]
    assert "menu:work" in buttons(menu)
    await harness.feed(press("menu:documents"))
    topics = harness.session.of(SendMessage)[-1]
    assert "intent:registration_russia" in buttons(topics)
    harness.session.clear()
    await harness.feed(message("Сколько дней на регистрацию?"))
    [answer] = harness.session.of(SendMessage)
    assert answer.text.startswith("<b>Миграционный учёт в России</b>")
    assert {"helpful:yes", "helpful:no", "intent:stay_duration"} <= set(buttons(answer))
    await harness.feed(press("helpful:yes"))
    assert harness.services.metrics.value("helpful_total", answer="yes") == 1


async def test_kyrgyz_conversation(harness: Harness) -> None:
    user = person(language_code="ky")
    await harness.feed(message("Саламатсызбы", user=user))
    harness.session.clear()
    await harness.feed(message("Каттоого канча күн бар?", user=user))
    answer = harness.session.of(SendMessage)[0]
    expected = harness.services.content.answer("ky", "registration_russia").title
    assert expected in answer.text


async def test_writing_in_the_other_language_switches_and_offers_to_switch_back(
    harness: Harness,
) -> None:
    await harness.feed(message("Саламатсызбы"))
    harness.session.clear()
    await harness.feed(message("Сколько дней на регистрацию?"))
    answer = harness.session.of(SendMessage)[-1]
    assert "lang:ky" in buttons(answer)
    await harness.feed(press("lang:ky"))
    state = await harness.services.store.get("tg:1001")
    assert state is not None and state.language == "ky"


async def test_high_risk_escalates_and_tells_what_happens_next(harness: Harness) -> None:
    await harness.feed(message("Здравствуйте"))
    harness.session.clear()
    await harness.feed(message("Забрали паспорт и не отпускают"))
    [request] = harness.escalator.requests
    assert request.level == "high" and request.user_key == "tg:1001"
    text = "\n".join(harness.texts())
    assert request.excerpt[-1] == "Забрали паспорт и не отпускают"
    case = await harness.escalator.open_case("tg:1001")
    assert case is not None and case.number in text
    # Until an operator takes the case, questions get automatic answers, and are relayed.
    harness.session.clear()
    await harness.feed(message("Сколько дней на регистрацию?"))
    [answer] = harness.texts()
    assert answer.startswith("🤖 <i>Автоматический ответ</i>")
    assert harness.escalator.relayed[-1] == ("tg:1001", "Сколько дней на регистрацию?")
    # Once an operator has taken it, the bot is silent; the message is still relayed.
    harness.escalator.take_case("tg:1001")
    harness.session.clear()
    await harness.feed(message("Сколько дней на регистрацию?"))
    assert harness.texts() == []
    assert len(harness.escalator.relayed) == 2


async def test_emergency_numbers_come_first_in_their_own_message(harness: Harness) -> None:
    await harness.feed(message("Мени уруп жатат, жардам бергиле", user=person(language_code="ky")))
    first = harness.texts()[0]
    assert "112" in first and "102" in first
    # Never the police alone, and the Kyrgyz hotline number only for calls within Kyrgyzstan.
    assert "полицияга кайрылуудан корксоңуз" in first and "«оператор»" in first
    assert "0800 0000 189" in first and "Кыргызстандын ичинде чалуу үчүн" in first
    assert harness.escalator.requests[0].level == "emergency"


async def test_echoed_text_is_escaped(harness: Harness) -> None:
    await harness.feed(command("/<b>x</b>"))
    [text] = harness.texts()
    assert "<b>x</b>" not in text and "&lt;b&gt;" in text


async def test_help_language_and_operator_commands(harness: Harness) -> None:
    await harness.feed(command("/help"))
    help_message = harness.session.of(SendMessage)[-1]
    assert "/forget" in help_message.text and "menu:work" in buttons(help_message)
    await harness.feed(command("/language"))
    assert buttons(harness.session.of(SendMessage)[-1])[0].startswith("lang:")
    await harness.feed(command("/operator"))
    assert harness.escalator.requests[-1].reason == "ask_operator"


async def test_contacts_for_a_named_city_come_before_the_answer(harness: Harness) -> None:
    await harness.feed(message("Здравствуйте"))
    harness.session.clear()
    await harness.feed(message("Консульство в Екатеринбурге, номер?"))
    missions, answer = harness.session.of(SendMessage)
    assert "Генеральное консульство Кыргызской Республики в Екатеринбурге" in missions.text
    assert "проверенного номера телефона пока нет" in missions.text
    assert "<b>+7 925 115 50 47</b>" in missions.text  # the embassy's hotline, sourced
    assert "+996 999 312 002" in missions.text  # the consular line, for the unsourced one
    assert answer.text.startswith("<b>Полезные номера телефонов</b>")


async def test_menu_offers_every_group_and_the_second_wave_topics(harness: Harness) -> None:
    await harness.feed(command("/start"))
    await harness.feed(press("lang:ru"))
    menu = harness.session.of(SendMessage)[-1]
    assert [b for b in buttons(menu) if b.startswith("menu:")] == [f"menu:{g}" for g in GROUPS]
    labels = {
        b.callback_data: b.text
        for row in menu.reply_markup.inline_keyboard  # type: ignore[union-attr]
        for b in row
    }
    assert labels["menu:police"] == "Проверка документов, депортация, возвращение домой"
    assert labels["menu:family"] == "Семья, здоровье и безопасность"
    for group, (_, intents) in GROUPS.items():
        harness.session.clear()
        await harness.feed(press(f"menu:{group}"))
        topics = harness.session.of(SendMessage)[-1]
        assert buttons(topics) == [*(f"intent:{i}" for i in intents), "menu"], group
    harness.session.clear()
    await harness.feed(press("intent:violence_support"))
    [answer] = harness.session.of(SendMessage)
    assert answer.text.startswith(
        f"<b>{harness.services.content.answer('ru', 'violence_support').title}</b>"
    )
