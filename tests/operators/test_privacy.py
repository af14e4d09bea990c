"""/forget and the retention purge leave no personal data in the database."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.methods import DeleteForumTopic

from app.purging import purge_once_a_day
from hotline.cases.retention import purge
from hotline.cases.views import Actor, Outcome
from hotline.escalation import EscalationRequest
from tests.operators.conftest import OPERATORS_CHAT, Hotline, person, photo, private_message
from tests.support.telegram import CloseForumTopic, CopyMessage, CreateForumTopic, SendMessage

SECRETS = (
    "работодатель забрал паспорт и не отпускает",
    "нас держат на складе у Айбека",
    "Где вы сейчас находитесь?",
    "проверить агентство Жолдош",
)
CALLBACK = "+996700111222"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE77"


async def a_full_case(hotline: Hotline, user_id: int = 1001) -> int:
    """A person, an operator, a note, a photo: every kind of personal data there is."""
    user = person(user_id)
    await hotline.person_says(SECRETS[0], user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    await hotline.person_says(SECRETS[1], user)
    await hotline.feed(private_message(user, photo=photo()))
    await hotline.operator_says(SECRETS[2], case.topic_id)
    await hotline.operator_says("/claim", case.topic_id)
    await hotline.operator_says(f"/note {SECRETS[3]}", case.topic_id)
    await hotline.pump()
    return case.id


def assert_no_personal_data(dump: str, user_id: int = 1001) -> None:
    assert "<undecryptable>" not in dump
    for secret in (
        *SECRETS,
        "не дают еды",
        CALLBACK,
        RECORDING,
        f"tg:{user_id}",
        "Гульнара",
        "phone:77",
    ):
        assert secret not in dump, secret
    assert str(user_id) not in dump


@pytest.mark.postgres
async def test_forget_deletes_the_topic_at_once_and_tells_the_operators_what_went(
    hotline: Hotline,
) -> None:
    case_id = await a_full_case(hotline)
    user = person()
    await hotline.person_says("и ещё: нам не дают еды", user)  # still queued at /forget
    assert SECRETS[1] in await hotline.dump()  # (the dump does decrypt)
    before = await hotline.store.get(case_id)
    hotline.telegram.clear()

    await hotline.person_says("/forget")
    await hotline.pump()

    case = await hotline.store.get(case_id)
    assert case.status == "closed" and case.user_key is None and case.erased
    assert case.topic_id is None and case.card_message_id is None
    # The topic goes at once, with the card, the relayed messages and the operators' ones.
    deleted = hotline.telegram.of(DeleteForumTopic)
    assert [d.message_thread_id for d in deleted] == [before.topic_id]
    assert not hotline.telegram.of(CloseForumTopic)
    # One notice, in the group's main thread, says what was erased and what was kept.
    sent = [m for m in hotline.telegram.of(SendMessage) if int(m.chat_id) == OPERATORS_CHAT]
    [notice] = sent
    assert notice.message_thread_id is None
    text = notice.text
    assert f"#{before.number}" in text and "/forget" in text
    assert "тема дела" in text and "карточка" in text and "имя взявшего дело" in text
    assert "обратного звонка" not in text  # a Telegram case has no number: not claimed gone
    assert "сообщений человека — 3, ответов операторов — 1, заметок — 1" in text
    assert "Сохранено" in text and "уровень риска" in text
    assert all(secret not in text for secret in SECRETS) and "Айбек" not in text
    # What was still queued was dropped, not delivered.
    assert not any("не дают еды" in t for t in hotline.telegram.texts_to(OPERATORS_CHAT))
    assert_no_personal_data(await hotline.dump())


@pytest.mark.postgres
async def test_an_erased_case_never_gets_a_new_topic(hotline: Hotline) -> None:
    """Operators writing into the topic, or the console replying, after /forget."""
    case_id = await a_full_case(hotline)
    topic = (await hotline.store.get(case_id)).topic_id
    assert topic is not None
    await hotline.person_says("/forget")
    await hotline.operator_says("Вы здесь?", topic)  # before the topic is deleted
    await hotline.pump()
    hotline.telegram.clear()
    actor = Actor("console:1", "Гульнара")
    assert await hotline.cases.reply_to_person(case_id, actor, "Ответ") is Outcome.CASE_CLOSED
    assert await hotline.cases.note(case_id, actor, "заметка") is Outcome.CASE_CLOSED
    await hotline.pump()
    assert not hotline.telegram.of(CreateForumTopic)
    assert not hotline.telegram.of(SendMessage) and not hotline.telegram.of(CopyMessage)


@pytest.mark.postgres
async def test_the_purge_erases_old_closed_cases_and_their_topics(hotline: Hotline) -> None:
    case_id = await a_full_case(hotline)
    await hotline.pump()
    phone = EscalationRequest(
        user_key="phone:77",
        channel="phone",
        language="ru",
        level="high",
        indicators=("deception",),
        reason="voicemail",
        recording_url=RECORDING,
        callback_number=CALLBACK,
    )
    await hotline.services.escalator.escalate(phone)
    await hotline.pump()
    phone_case = await hotline.store.open_case_for("phone:77")
    assert phone_case is not None
    topic = (await hotline.store.get(case_id)).topic_id
    await hotline.operator_says("/close", topic)  # type: ignore[arg-type]
    await hotline.operator_says("/close", phone_case.topic_id)  # type: ignore[arg-type]
    await hotline.pump()

    hotline.clock.advance(days=29)
    assert await purge(hotline.store, 30) == 0  # not yet: retention is 30 days
    assert SECRETS[1] in await hotline.dump()

    hotline.clock.advance(days=2)
    hotline.telegram.clear()
    # As in a worker: the day's purge runs at start, in whichever worker claims it.
    task = asyncio.create_task(purge_once_a_day(hotline.store, 30, "worker-1", check_every=3600))
    for _ in range(50):
        if (await hotline.store.get(case_id)).user_key is None:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    assert_no_personal_data(await hotline.dump())
    # The topics holding the conversations are deleted from the operators' chat too.
    await hotline.pump()
    deleted = {d.message_thread_id for d in hotline.telegram.of(DeleteForumTopic)}
    assert deleted == {topic, phone_case.topic_id}
    # Anonymous counts stay.
    stats = await hotline.store.stats()
    assert sum(row.cases for row in stats) == 2
