"""A risky conversation reaches a human: case in PostgreSQL, topic with the right card, relay."""

from __future__ import annotations

import pytest
from aiogram.types import User

from bot.operators.cards import situation_names
from hotline.cases.models import CaseMessage
from hotline.cases.store import CaseView
from tests.operators.conftest import (
    OPERATORS_CHAT,
    Hotline,
    document,
    person,
    photo,
    private_message,
    voice,
)
from tests.support.telegram import CopyMessage, CreateForumTopic, SendMessage

CONVERSATIONS = {
    "ru": ("работодатель забрал паспорт и не отпускает", "RU", "ограничение свободы передвижения"),
    "ky": ("кожоюн паспортумду алып, чыгарбай жатат", "KY", "ограничение свободы передвижения"),
}


@pytest.mark.postgres
@pytest.mark.parametrize("language", ["ru", "ky"])
async def test_risky_conversation_opens_a_case_and_a_topic_with_its_card(
    hotline: Hotline, language: str
) -> None:
    text, code, indicator = CONVERSATIONS[language]
    user = person(language_code=language)
    await hotline.person_says(text, user)

    case = await hotline.case_of(user)
    assert case.level == "high" and case.channel == "telegram" and case.language == language
    assert case.excerpt == (text,)
    # The person hears at once what happens next, before any topic exists.
    told = hotline.telegram.texts_to(user.id)
    assert any(case.number in line for line in told)

    await hotline.pump()
    created = hotline.telegram.of(CreateForumTopic)
    assert [c.name for c in created] == [f"🟠 #{case.number} · {code} · HIGH"]
    assert created[0].chat_id == OPERATORS_CHAT
    case = await hotline.case_of(user)
    assert case.topic_id is not None and case.card_message_id is not None
    [card] = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert f"Дело #{case.number}" in card
    assert indicator in card  # indicators in words, not identifiers
    assert "restriction_of_movement" not in card
    assert text in card and "Telegram" in card
    assert ("кыргызский" if language == "ky" else "русский") in card
    assert "Ждёт:" in card


@pytest.mark.postgres
async def test_the_card_names_the_person_s_situation_after_the_indicators(
    hotline: Hotline,
) -> None:
    await hotline.person_says("муж бьёт меня каждый день и угрожает убить, я боюсь")
    case = await hotline.case_of()
    assert case.situations[:1] == ("domestic_violence",)
    await hotline.pump()
    [card] = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    lines = card.splitlines()
    signs = next(i for i, line in enumerate(lines) if line.startswith("<b>Признаки:</b>"))
    # Added after the indicators; the card's other lines keep their order.
    assert lines[signs + 1].startswith("<b>Ситуация:</b> домашнее насилие")
    assert lines[signs + 2].startswith("<b>Причина:</b>")
    assert "domestic_violence" not in card


@pytest.mark.postgres
async def test_card_escapes_what_the_person_wrote(hotline: Hotline) -> None:
    await hotline.person_says("<b>работодатель</b> забрал паспорт & не отпускает <script>")
    await hotline.pump()
    case = await hotline.case_of()
    [card] = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert "&lt;b&gt;работодатель&lt;/b&gt;" in card and "&amp;" in card
    assert "<script>" not in card


async def opened(hotline: Hotline, user: User, taken_by: str | None = None) -> CaseView:
    """A high-risk case with its topic; `taken_by` an operator's "/claim" or first words."""
    await hotline.person_says("работодатель забрал паспорт и не отпускает", user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None and not case.taken
    if taken_by is not None:
        await hotline.operator_says(taken_by, case.topic_id)
        await hotline.pump()
        assert (await hotline.case_of(user)).taken
    hotline.telegram.clear()
    return case


@pytest.mark.postgres
async def test_until_an_operator_takes_the_case_the_bot_answers_marked_as_automatic(
    hotline: Hotline,
) -> None:
    user = person()
    case = await opened(hotline, user)

    await hotline.person_says("Сколько дней на регистрацию?", user)
    await hotline.pump()
    [answer] = hotline.telegram.texts_to(user.id)
    assert answer.startswith("🤖 <i>Автоматический ответ</i>")
    assert hotline.services.content.answer("ru", "registration_russia").title in answer
    # Relayed all the same: the operator sees the question.
    in_topic = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert any("Сколько дней на регистрацию?" in t for t in in_topic)


@pytest.mark.postgres
@pytest.mark.parametrize("takes", ["claim", "reply"])
async def test_once_an_operator_has_taken_the_case_the_bot_is_silent_but_for_emergencies(
    hotline: Hotline, takes: str
) -> None:
    user = person()
    case = await opened(hotline, user, "/claim" if takes == "claim" else "Здравствуйте!")

    await hotline.person_says("Сколько дней на регистрацию?", user)
    await hotline.pump()
    assert hotline.telegram.texts_to(user.id) == []
    in_topic = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert any("Сколько дней на регистрацию?" in t for t in in_topic)

    await hotline.person_says("меня бьют, помогите", user)
    [numbers] = hotline.telegram.texts_to(user.id)
    assert "112" in numbers and "Автоматический" not in numbers
    assert (await hotline.case_of(user)).level == "emergency"


@pytest.mark.postgres
async def test_person_messages_reach_the_topic_and_the_bot_stays_quiet(hotline: Hotline) -> None:
    user = person()
    case = await opened(hotline, user, "/claim")

    await hotline.person_says("нас тут пятеро, все из Оша", user)
    await hotline.feed(private_message(user, photo=photo()))
    await hotline.feed(private_message(user, voice=voice()))
    await hotline.feed(private_message(user, document=document()))
    await hotline.pump()

    # The bot does not answer by itself while an operator is on the case.
    assert hotline.telegram.texts_to(user.id) == []
    in_topic = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert any("нас тут пятеро, все из Оша" in t for t in in_topic)
    copies = hotline.telegram.copies_to(OPERATORS_CHAT)
    assert len(copies) == 3
    assert all(c.from_chat_id == user.id and c.message_thread_id == case.topic_id for c in copies)
    # In the order the person sent them: text, photo, voice.
    order = [
        type(r).__name__
        for r in hotline.telegram.requests
        if isinstance(r, SendMessage | CopyMessage) and r.chat_id == OPERATORS_CHAT
    ]
    assert order == ["SendMessage", "CopyMessage", "CopyMessage", "CopyMessage"]
    transcript = await hotline.store.transcript(case.id)
    assert ("person", "нас тут пятеро, все из Оша") in transcript
    assert ("person", "[photo]") in transcript and ("person", "[voice]") in transcript
    assert ("person", "[document]") in transcript


@pytest.mark.postgres
async def test_a_caption_goes_through_the_core_and_is_not_shown_twice(hotline: Hotline) -> None:
    user = person()
    await hotline.person_says("работодатель забрал паспорт и не отпускает", user)
    await hotline.pump()
    case = await hotline.case_of(user)
    hotline.telegram.clear()
    await hotline.feed(private_message(user, photo=photo(), caption="вот мой договор"))
    await hotline.pump()
    [copy] = hotline.telegram.copies_to(OPERATORS_CHAT)
    assert copy.caption == ""
    assert any(
        "вот мой договор" in t for t in hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    )


@pytest.mark.postgres
async def test_operator_replies_reach_the_person_without_the_operators_name(
    hotline: Hotline,
) -> None:
    user = person()
    await hotline.person_says("работодатель забрал паспорт и не отпускает", user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    hotline.telegram.clear()

    first = await hotline.operator_says("Здравствуйте! Где вы сейчас?", case.topic_id)
    second = await hotline.operator_says(None, case.topic_id, photo=photo())
    third = await hotline.operator_says(None, case.topic_id, voice=voice())
    await hotline.pump()

    copies = hotline.telegram.copies_to(user.id)
    assert [c.message_id for c in copies] == [first, second, third]
    assert all(c.from_chat_id == OPERATORS_CHAT for c in copies)
    # copyMessage has no author; nothing else was sent to the person.
    assert hotline.telegram.texts_to(user.id) == []
    transcript = await hotline.store.transcript(case.id)
    assert ("operator", "Здравствуйте! Где вы сейчас?") in transcript
    actions = await hotline.store.audit_actions(case.id)
    assert actions.count(("operator:501", "replied")) == 3


@pytest.mark.postgres
async def test_emergency_gets_112_first_and_its_topic_before_older_cases(hotline: Hotline) -> None:
    calm, danger = person(2001), person(2002)
    await hotline.person_says("работодатель забрал паспорт и не отпускает", calm)
    hotline.clock.advance(minutes=1)
    await hotline.person_says("меня бьют, помогите", danger)
    first_to_danger = hotline.telegram.texts_to(danger.id)[0]
    assert "112" in first_to_danger and "102" in first_to_danger

    await hotline.pump()
    names = [c.name for c in hotline.telegram.of(CreateForumTopic)]
    assert names[0].startswith("🔴 #") and names[0].endswith("· RU · EMERGENCY")
    assert names[1].startswith("🟠 #")


@pytest.mark.postgres
async def test_new_risk_renames_the_topic_and_posts_a_notice(hotline: Hotline) -> None:
    from tests.support.telegram import EditForumTopic, EditMessageText

    user = person()
    await hotline.person_says("работодатель забрал паспорт и не отпускает", user)
    await hotline.pump()
    hotline.telegram.clear()
    await hotline.person_says("меня бьют, помогите", user)
    assert "112" in hotline.telegram.texts_to(user.id)[0]
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.level == "emergency"
    [rename] = hotline.telegram.of(EditForumTopic)
    assert rename.name == f"🔴 #{case.number} · RU · EMERGENCY"
    [edit] = hotline.telegram.of(EditMessageText)
    assert "ЭКСТРЕННО" in edit.text and "физическое или сексуальное насилие" in edit.text
    notices = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    [raised] = [n for n in notices if "повышен" in n]
    # The notice says what the person lives through, in words, not only the indicators.
    assert case.situations
    assert f"Ситуация: {situation_names(case.situations)[0]}" in raised
    assert any("меня бьют, помогите" in n for n in notices)


@pytest.mark.postgres
async def test_transcript_is_encrypted_at_rest(hotline: Hotline) -> None:
    from sqlalchemy import select

    await hotline.person_says("работодатель забрал паспорт и не отпускает")
    await hotline.person_says("они держат нас на складе")
    async with hotline.engine.connect() as connection:
        bodies = (await connection.execute(select(CaseMessage.body_enc))).scalars().all()
    assert bodies and all("складе".encode() not in bytes(b) for b in bodies)
