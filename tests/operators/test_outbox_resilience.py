"""Nothing is lost when Telegram or this process fails: retries, restarts, rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import User
from sqlalchemy import select

from bot.outbox import LocalBudget
from hotline.cases.database import session_factory
from hotline.cases.models import OutboxItem
from hotline.cases.store import CaseStore, CaseView
from tests.operators.conftest import OPERATORS_CHAT, Hotline, make_worker, person
from tests.support.telegram import CloseForumTopic, CopyMessage, CreateForumTopic, SendMessage

PASSPORT = "работодатель забрал паспорт и не отпускает"


async def taken_case(hotline: Hotline, user: User) -> CaseView:
    """A case an operator has claimed: the bot no longer answers the person by itself, so
    what Telegram sees below is the outbox alone."""
    await hotline.person_says(PASSPORT, user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    await hotline.operator_says("/claim", case.topic_id)
    await hotline.pump()
    return case


async def pending(hotline: Hotline) -> list[str]:
    async with session_factory(hotline.engine)() as session:
        rows = await session.scalars(
            select(OutboxItem).where(OutboxItem.status == "pending").order_by(OutboxItem.id)
        )
        return [item.kind for item in rows]


@pytest.mark.postgres
async def test_429_and_502_before_success_lose_nothing_and_keep_the_order(
    hotline: Hotline,
) -> None:
    user = person()
    await hotline.person_says(PASSPORT, user)
    await hotline.person_says("нас тут пятеро", user)
    telegram = hotline.telegram
    telegram.clear()
    telegram.fail("createForumTopic", 429, description="Too Many Requests", retry_after=7)
    telegram.fail("createForumTopic", 502, description="Bad Gateway", times=2)
    telegram.fail("sendMessage", 502, description="Bad Gateway")

    await hotline.pump()  # 429: the whole group waits the 7 s Telegram asked for
    assert telegram.names() == ["createForumTopic"]
    hotline.clock.advance(seconds=6)
    await hotline.pump()
    assert telegram.names() == ["createForumTopic"]
    for _ in range(10):  # then 502, 502 on the topic and 502 on the card, with backoff
        hotline.clock.advance(seconds=7)
        await hotline.pump()
        assert await pending(hotline) != ["person_text"]  # never the text without its topic
    assert await pending(hotline) == []
    assert [r.__api_method__ for r in telegram.requests] == [
        "createForumTopic",
        "createForumTopic",
        "createForumTopic",
        "createForumTopic",
        "sendMessage",
        "sendMessage",
        "sendMessage",
    ]
    created = [r for r in telegram.requests if isinstance(r, CreateForumTopic)]
    assert len(created) == 4  # 429, 502, 502, then the one that worked: one topic
    case = await hotline.case_of(user)
    texts = telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    # The card's first send answered 502 and was sent again; then the person's message.
    assert len(texts) == 3 and texts[0] == texts[1] and "Дело #" in texts[0]
    assert "нас тут пятеро" in texts[2]
    # No message was posted before its topic existed.
    first_create_ok = max(
        i for i, r in enumerate(telegram.requests) if isinstance(r, CreateForumTopic)
    )
    assert all(
        i > first_create_ok
        for i, r in enumerate(telegram.requests)
        if isinstance(r, SendMessage) and r.chat_id == OPERATORS_CHAT
    )


@pytest.mark.postgres
async def test_a_restart_loses_nothing(hotline: Hotline) -> None:
    user = person()
    await hotline.person_says(PASSPORT, user)
    await hotline.person_says("они забрали телефоны у всех", user)
    # Telegram is down for this process's whole life.
    hotline.telegram.fail("createForumTopic", 502, times=1000)
    await hotline.pump()
    assert await pending(hotline) == ["topic_create", "person_text"]
    await hotline.worker.bot.session.close()
    hotline.telegram.failures.clear()
    hotline.telegram.clear()

    # A new process: a new store and worker on the same database, nothing carried over.
    store = CaseStore(
        session_factory(hotline.engine),
        hotline.sealer,
        clock=hotline.clock,
        pseudonyms=hotline.store.pseudonyms,
    )
    worker = make_worker(store, hotline.telegram, hotline.services.settings)
    hotline.clock.advance(minutes=10)
    await worker.drain()
    assert await pending(hotline) == []
    [topic] = hotline.telegram.of(CreateForumTopic)
    case = await store.open_case_for(f"tg:{user.id}")
    assert case is not None and case.topic_id is not None
    texts = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert any("они забрали телефоны у всех" in t for t in texts)
    assert topic.name.startswith("🟠 #")


@pytest.mark.postgres
async def test_the_background_worker_delivers_by_itself(hotline: Hotline) -> None:
    import asyncio

    hotline.worker.poll_seconds = 0.05
    hotline.worker.start()
    try:
        await hotline.person_says(PASSPORT)
        for _ in range(100):
            if (
                hotline.telegram.of(CreateForumTopic)
                and len(hotline.telegram.texts_to(OPERATORS_CHAT)) >= 1
            ):
                break
            await asyncio.sleep(0.02)
    finally:
        await hotline.worker.stop()
    assert len(hotline.telegram.of(CreateForumTopic)) == 1


@pytest.mark.postgres
async def test_blocked_by_the_person_the_operators_are_told(hotline: Hotline) -> None:
    user = person()
    await hotline.person_says(PASSPORT, user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    hotline.telegram.fail("copyMessage", 403, description="Forbidden: bot was blocked by the user")
    await hotline.operator_says("Вы в безопасности?", case.topic_id)
    await hotline.pump()
    assert await pending(hotline) == []
    notes = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert any("заблокировал" in n for n in notes)
    async with session_factory(hotline.engine)() as session:
        failed = list(await session.scalars(select(OutboxItem).where(OutboxItem.status == "dead")))
    assert [f.kind for f in failed] == ["operator_to_person"]


@pytest.mark.postgres
async def test_a_topic_deleted_by_hand_is_opened_again(hotline: Hotline) -> None:
    user = person()
    await taken_case(hotline, user)
    hotline.telegram.fail("sendMessage", 400, description="Bad Request: message thread not found")
    await hotline.person_says("вы здесь?", user)
    await hotline.pump()
    assert len(hotline.telegram.of(CreateForumTopic)) == 2
    case = await hotline.case_of(user)
    texts = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert "Дело #" in texts[0] and "вы здесь?" in texts[-1]


@pytest.mark.postgres
async def test_at_the_group_limit_a_topics_pending_messages_go_as_one(hotline: Hotline) -> None:
    user = person()
    case = await taken_case(hotline, user)
    now = [0.0]
    hotline.worker.budget = hotline.worker.topics.budget = LocalBudget(
        per_minute=20, clock=lambda: now[0]
    )
    for _ in range(20):
        await hotline.worker.budget.spend()  # other topics used this minute
    hotline.telegram.clear()
    lines = [f"спасибо {n}" for n in range(1, 8)]  # harmless: no safety reply
    for line in lines:
        await hotline.person_says(line, user)
    await hotline.pump()
    assert hotline.telegram.requests == []  # over the budget: nothing sent, nothing lost
    assert (await pending(hotline)).count("person_text") == 7
    now[0] = 61.0
    await hotline.pump()
    [batch] = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert all(line in batch for line in lines)
    assert batch.index("спасибо 1") < batch.index("спасибо 7")
    assert await pending(hotline) == []


@pytest.mark.postgres
async def test_topics_share_the_group_budget_round_robin_most_urgent_first(
    hotline: Hotline,
) -> None:
    now = [0.0]
    hotline.worker.budget = hotline.worker.topics.budget = LocalBudget(
        per_minute=4, clock=lambda: now[0]
    )
    people = [person(3000 + n) for n in range(3)]
    for who in people:
        await hotline.person_says(PASSPORT, who)
    await hotline.person_says("меня бьют, помогите", people[2])
    hotline.telegram.clear()
    await hotline.pump()
    # Four group calls this minute: the emergency's topic and card first, then the next topic.
    assert hotline.telegram.names() == [
        "createForumTopic",
        "sendMessage",
        "createForumTopic",
        "sendMessage",
    ]
    first, second = hotline.telegram.of(CreateForumTopic)
    assert first.name.startswith("🔴") and second.name.startswith("🟠 #000001")
    now[0] = 61.0
    await hotline.pump()
    now[0] = 122.0
    await hotline.pump()
    now[0] = 183.0
    await hotline.pump()
    assert await pending(hotline) == []
    assert len(hotline.telegram.of(CreateForumTopic)) == 3


@pytest.mark.postgres
async def test_a_429_from_telegram_pauses_the_group_but_not_private_chats(hotline: Hotline) -> None:
    user = person()
    case = await taken_case(hotline, user)
    now = [0.0]
    hotline.worker.budget = hotline.worker.topics.budget = LocalBudget(
        per_minute=20, clock=lambda: now[0]
    )
    hotline.telegram.clear()
    hotline.telegram.fail("sendMessage", 429, description="Too Many Requests", retry_after=30)
    await hotline.person_says("первое", user)
    await hotline.operator_says("Мы вас слышим", case.topic_id)
    await hotline.pump()
    # The operator's reply still reached the person while the group waits.
    assert len(hotline.telegram.copies_to(user.id)) == 1
    await hotline.person_says("второе", user)
    now[0] = 31.0
    hotline.clock.advance(seconds=31)
    await hotline.pump()
    texts = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert "первое" in texts[-1] and "второе" in texts[-1]  # batched after the wait
    assert await pending(hotline) == []
    assert not [
        r
        for r in hotline.telegram.requests
        if isinstance(r, CloseForumTopic | CopyMessage) and r.chat_id == OPERATORS_CHAT
    ]


@pytest.mark.postgres
async def test_when_membership_cannot_be_checked_the_operator_is_asked_to_retry(
    hotline: Hotline,
) -> None:
    user = person()
    await hotline.person_says(PASSPORT, user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    hotline.telegram.fail("getChatMember", 502, times=10)  # beyond the in-call retries
    await hotline.operator_says("Вы здесь?", case.topic_id)
    await hotline.pump()
    assert hotline.telegram.copies_to(user.id) == []
    notes = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert any("повторите" in n for n in notes)


@pytest.mark.postgres
async def test_a_group_without_topics_keeps_every_case_until_fixed(hotline: Hotline) -> None:
    hotline.telegram.fail(
        "createForumTopic", 400, description="Bad Request: the chat is not a forum"
    )
    await hotline.person_says(PASSPORT)
    await hotline.pump()
    assert await pending(hotline) == ["topic_create"]
    hotline.clock.advance(minutes=5)
    await hotline.pump()
    assert await pending(hotline) == []
    assert len(hotline.telegram.of(CreateForumTopic)) == 2


@pytest.mark.postgres
async def test_a_long_text_resumes_from_the_chunk_that_failed(hotline: Hotline) -> None:
    user = person()
    await hotline.person_says(PASSPORT, user)
    await hotline.pump()
    case = await hotline.case_of(user)
    long_text = "а" * 4000 + "б" * 4000 + "в" * 4000  # three chunks
    await hotline.person_says(long_text, user)
    hotline.telegram.clear()
    calls = 0
    original = hotline.telegram.respond

    def second_chunk_fails(method: Any) -> tuple[int, dict[str, Any]]:
        nonlocal calls
        calls += 1
        if calls == 2:
            hotline.telegram.requests.append(method)
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return original(method)

    hotline.telegram.respond = second_chunk_fails  # type: ignore[method-assign]
    await hotline.pump()
    hotline.clock.advance(seconds=10)
    await hotline.pump()
    sent = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    # The first chunk once; the second twice (it failed once); the third once.
    assert len(sent) == 4
    assert sum("а" in t for t in sent) == 1 and sent[1] == sent[2]
    assert "".join(t.removeprefix("💬 ") for t in [sent[0], *sent[2:]]) == long_text
    assert await pending(hotline) == []
