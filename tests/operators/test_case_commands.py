"""Operators act on a case in its topic: /claim, /note, /close; outsiders cannot."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiogram.methods import (
    CloseForumTopic,
    CopyMessage,
    CreateForumTopic,
    EditMessageText,
    GetChatMember,
    SendMessage,
)
from aiogram.types import User

from bot.operators import notices
from bot.operators.cards import CallbackDone
from hotline.escalation import EscalationRequest
from hotline.i18n import translate
from nlu.catalogue import Language
from tests.operators.conftest import (
    OPERATOR,
    OPERATORS_CHAT,
    OUTSIDER,
    Hotline,
    button_press,
    group_message,
    person,
)

RISKY = {
    "ru": "работодатель забрал паспорт и не отпускает",
    "ky": "кожоюн паспортумду алып, чыгарбай жатат",
}


async def open_case(hotline: Hotline, user: User | None = None, language: str = "ru") -> int:
    await hotline.person_says(RISKY[language], user or person())
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    hotline.telegram.clear()
    return case.topic_id


@pytest.mark.postgres
@pytest.mark.parametrize("language", ["ru", "ky"])
async def test_claim_note_and_close(hotline: Hotline, language: Language) -> None:
    user = person(language_code=language)
    topic = await open_case(hotline, user, language)
    case = await hotline.case_of(user)

    await hotline.operator_says("/claim", topic)
    await hotline.pump()
    assert (await hotline.store.get(case.id)).status == "claimed"
    [card] = hotline.telegram.of(EditMessageText)
    assert "взято: Гульнара Операторова" in card.text
    assert hotline.telegram.texts_to(user.id) == [translate(language, notices.CLAIMED)]
    assert hotline.telegram.of(GetChatMember)[0].user_id == OPERATOR.id
    hotline.telegram.clear()

    note_id = await hotline.operator_says("/note звонила в посольство, ждём ответа", topic)
    await hotline.pump()
    assert hotline.telegram.of(CopyMessage) == []  # a note never reaches the person
    assert hotline.telegram.texts_to(user.id) == []
    assert ("note", "звонила в посольство, ждём ответа") in await hotline.store.transcript(case.id)
    assert any("Заметка сохранена" in t for t in hotline.telegram.texts_to(OPERATORS_CHAT, topic))
    assert note_id not in [c.message_id for c in hotline.telegram.of(CopyMessage)]
    hotline.telegram.clear()

    await hotline.operator_says("/close", topic)
    await hotline.pump()
    assert await hotline.store.open_case_for(f"tg:{user.id}") is None
    [closed] = hotline.telegram.of(CloseForumTopic)
    assert closed.message_thread_id == topic and closed.chat_id == OPERATORS_CHAT
    told = hotline.telegram.texts_to(user.id)
    assert told == [translate(language, notices.CLOSED)]
    assert told[0] != notices.CLOSED  # said in the person's language, not the English msgid
    assert await hotline.store.audit_actions(case.id) == [
        ("system", "opened"),
        ("operator:501", "claimed"),
        ("operator:501", "note"),
        ("operator:501", "closed"),
    ]
    # The person is answered by the assistant again.
    hotline.telegram.clear()
    await hotline.person_says(
        "сколько дней на регистрацию" if language == "ru" else "каттоого канча күн бар", user
    )
    assert hotline.telegram.texts_to(user.id)


@pytest.mark.postgres
async def test_a_mistyped_command_is_not_relayed(hotline: Hotline) -> None:
    user = person()
    topic = await open_case(hotline, user)
    await hotline.operator_says("/clsoe", topic)
    await hotline.pump()
    assert hotline.telegram.copies_to(user.id) == []
    assert any("Неизвестная команда" in t for t in hotline.telegram.texts_to(OPERATORS_CHAT, topic))


@pytest.mark.postgres
async def test_people_outside_the_operators_chat_cannot_act_on_a_case(hotline: Hotline) -> None:
    user = person()
    topic = await open_case(hotline, user)
    case = await hotline.case_of(user)

    # Not a member (any more): getChatMember says "left".
    await hotline.operator_says("/close", topic, user=OUTSIDER)
    await hotline.operator_says("/claim", topic, user=OUTSIDER)
    await hotline.operator_says("Я из агентства, верните паспорт сами", topic, user=OUTSIDER)
    # Another bot in the group.
    robot = User(id=777, is_bot=True, first_name="Spam")
    await hotline.operator_says("купите криптовалюту", topic, user=robot)
    # The same commands from another group and from a private chat.
    await hotline.feed(group_message(OPERATOR, "/close", thread=topic, chat_id=-100999))
    await hotline.person_says("/close", OUTSIDER)
    await hotline.pump()

    after = await hotline.store.get(case.id)
    assert after.status == "open" and after.claimed_by_name is None
    assert hotline.telegram.copies_to(user.id) == []
    assert hotline.telegram.of(CloseForumTopic) == []
    assert await hotline.store.audit_actions(case.id) == [("system", "opened")]
    assert {m.user_id for m in hotline.telegram.of(GetChatMember)} == {OUTSIDER.id}


@pytest.mark.postgres
async def test_phone_voicemail_becomes_a_topic_with_the_recording_and_a_callback_button(
    hotline: Hotline,
) -> None:
    caller = "phone:9f2c"
    number = "+996555123456"
    request = EscalationRequest(
        user_key=caller,
        channel="phone",
        language="ky",
        level="high",
        indicators=("debt_bondage",),
        reason="voicemail",
        callback_number=number,
    )
    # The phone line reports the voicemail at the tone, then again with the recording.
    await hotline.services.escalator.escalate(request)
    await hotline.pump()
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    ref = await hotline.services.escalator.escalate(
        replace(request, recording_url=url, callback_number=None)
    )
    await hotline.pump()

    case = await hotline.store.open_case_for(caller)
    assert case is not None and case.number == ref.number and case.recording_url == url
    assert case.topic_id is not None
    [topic] = hotline.telegram.of(CreateForumTopic)
    assert topic.name == f"🟠 #{case.number} · KY · HIGH · 📞"
    texts = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    card = texts[0]
    assert "телефон" in card and "долговая кабала" in card and number in card
    assert "голосовое сообщение" in card
    markup = hotline.telegram.of(SendMessage)[0].reply_markup
    [[button]] = markup.inline_keyboard
    assert button.callback_data == CallbackDone(case_id=case.id).pack()
    assert any(url in t and "прослушать" in t for t in texts[1:])  # posted when it came
    [edited] = hotline.telegram.of(EditMessageText)
    assert url in edited.text

    # An outsider's press does nothing; an operator's marks the callback done.
    hotline.telegram.clear()
    await hotline.feed(button_press(OUTSIDER, button.callback_data, thread=case.topic_id))
    assert not (await hotline.store.get(case.id)).callback_done
    await hotline.feed(button_press(OPERATOR, button.callback_data, thread=case.topic_id))
    await hotline.pump()
    after = await hotline.store.get(case.id)
    assert after.callback_done
    assert ("operator:501", "callback_done") in await hotline.store.audit_actions(case.id)
    [card_edit] = hotline.telegram.of(EditMessageText)
    assert "перезвонили ✅" in card_edit.text and card_edit.reply_markup is None

    # Writing in a phone case's topic cannot reach a caller.
    await hotline.operator_says("Алло?", case.topic_id)
    await hotline.pump()
    assert hotline.telegram.of(CopyMessage) == []


@pytest.mark.postgres
async def test_outside_operator_hours_the_person_is_told_when_they_will_answer(
    hotline: Hotline,
) -> None:
    hotline.clock.advance(hours=4)  # Wednesday 19:00 in Bishkek, after hours
    user = person()
    await hotline.person_says("работодатель забрал паспорт и не отпускает", user)
    hotline.telegram.clear()
    await hotline.pump()
    told = hotline.telegram.texts_to(user.id)
    numbers = notices.danger_numbers(hotline.services.content.contacts)
    assert numbers == {"emergency": "112", "police": "102"}  # content/contacts.yml
    assert told == [translate("ru", notices.AFTER_HOURS, when="26.11 09:00", **numbers)]
    assert "112" in told[0] and "102" in told[0]
    case = await hotline.case_of(user)
    assert any("26.11 09:00" in t for t in hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id))


@pytest.mark.postgres
async def test_the_chats_owner_can_act_too(hotline: Hotline) -> None:
    owner = User(id=502, is_bot=False, first_name="Руководитель")
    hotline.telegram.owners.add(owner.id)
    user = person()
    topic = await open_case(hotline, user)
    await hotline.operator_says("/claim", topic, user=owner)
    assert (await hotline.case_of(user)).claimed_by_name == "Руководитель"
