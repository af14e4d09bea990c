"""/forget through the bot as `hotline start` wires it: every message that ever appeared in
the person's chat, both ways and by any path, is deleted or reported to the person; the
case's topic is deleted at once and the operators are told what was erased.

The Dispatcher and the outbox worker are built by `app.telegram` and `app.worker`, as in
`hotline start`, and talk to the fake Bot API over HTTP (`HOTLINE_TELEGRAM_API_BASE`); the
case store is SQLite under a temporary var/. Once without Redis (the dispatcher and the
worker share one in-process log) and once with Redis (database 6, both write its keys).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import DeleteForumTopic, DeleteMessages, SendMessage
from aiogram.types import Update
from pydantic import SecretStr
from redis.asyncio import Redis

from app.container import build_services
from app.storage import prepare_storage
from app.telegram import Telegram, build_telegram
from app.worker import WorkerJobs
from hotline.services import Services
from hotline.settings import REPO_ROOT, Settings
from tests.ivr.conftest import understanding
from tests.privacy.conftest import REDIS_URL
from tests.support.bot_api_server import BotApiServer
from tests.support.telegram import TOKEN, TelegramWorld
from tests.support.updates import (
    OPERATOR,
    OPERATORS_CHAT,
    command,
    group_message,
    message,
    person,
    sticker,
)

PERSON = person(7_700_555_001)
RISKY = "работодатель забрал паспорт и не отпускает со склада"
QUESTION = "Вы в безопасности? Напишите адрес склада."
BURST = 100  # with the rest, more ids than one deleteMessages call takes
HINT = "Очистить историю"  # the Russian hint for what the bot cannot delete


class FakeTime:
    """The message log's clock: seconds, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime.now().timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class Line:
    """The bot and the worker of one process, and what the person's chat saw."""

    services: Services
    telegram: Telegram
    jobs: WorkerJobs
    world: TelegramWorld
    clock: FakeTime  # the message log's
    incoming: list[int]

    async def person(self, update: Update) -> None:
        assert update.message is not None
        self.incoming.append(update.message.message_id)
        await self.telegram.dispatcher.feed_update(self.telegram.bot, update)

    async def operator(self, text: str, thread: int) -> None:
        await self.telegram.dispatcher.feed_update(
            self.telegram.bot, group_message(OPERATOR, text, thread=thread)
        )

    async def pump(self) -> None:
        """Until the outbox is empty; the worker's own loop runs meanwhile (leases keep the
        two from sending anything twice)."""
        outbox = self.jobs.outbox
        assert outbox is not None
        for _ in range(200):
            await outbox.drain()
            if not await outbox.queue.pending_count():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the outbox did not empty")

    def chat_ids(self) -> set[int]:
        """Every message id that appeared in the person's chat, both ways."""
        return {*self.incoming, *self.world.message_ids_sent_to(PERSON.id)}

    def deletions(self) -> list[DeleteMessages]:
        return [d for d in self.world.of(DeleteMessages) if int(d.chat_id) == PERSON.id]

    def to_person(self) -> list[str]:
        return self.world.texts_to(PERSON.id)


def _not_today_in_bishkek() -> str:
    """An ISO weekday that is not today in Bishkek: the case opens after hours."""
    today = datetime.now(ZoneInfo("Asia/Bishkek")).isoweekday()
    return str(today % 7 + 1)


@pytest.fixture(params=["memory", "redis"])
async def line(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Line]:
    redis_url = REDIS_URL if request.param == "redis" else None
    if redis_url is not None:
        await _flush()  # database 6 is this folder's
    world = TelegramWorld(members={OPERATOR.id})
    api = BotApiServer(world)
    await api.start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        telegram_api_base=api.base,
        operators_chat_id=OPERATORS_CHAT,
        operator_days=_not_today_in_bishkek(),
        telegram_group_per_minute=10_000,
        outbox_poll_seconds=0.05,
        redis_url=redis_url,
        var_dir=tmp_path / "var",
        content_dir=REPO_ROOT / "content",
    )
    services = build_services(settings, understanding=understanding())
    await prepare_storage(services)
    clock = FakeTime()
    telegram = build_telegram(services, clock)
    jobs = WorkerJobs(services, telegram.chat_log)  # as `hotline start` wires them
    jobs.start()
    try:
        yield Line(services, telegram, jobs, world, clock, [])
    finally:
        await jobs.stop()
        await telegram.bot.session.close()
        await telegram.dispatcher.storage.close()
        await services.close()
        await api.stop()
        if redis_url is not None:
            await _flush()


async def _flush() -> None:
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()


async def test_forget_deletes_every_message_of_the_chat_and_the_topic(line: Line) -> None:
    await line.person(message("Здравствуйте", user=PERSON))
    await line.person(message(user=PERSON, sticker=sticker()))  # "I cannot look at …"
    await line.person(message(RISKY, user=PERSON))
    await line.pump()  # the topic, the card, the after-hours notice to the person
    cases = line.services.cases
    assert cases is not None
    case = await cases.store.open_case_for(f"tg:{PERSON.id}")
    assert case is not None and case.topic_id is not None
    await line.operator("/claim", case.topic_id)
    await line.operator(QUESTION, case.topic_id)
    await line.pump()  # "taken by an operator", and the question, copied to the person
    await line.person(command("/whatisthis", user=PERSON))
    await line.person(message(user=PERSON, sticker=sticker()))  # to the topic, no reply
    for n in range(BURST):  # a person describing what happens in many short messages
        await line.person(message(f"и ещё {n}", user=PERSON))
    await line.pump()

    # Every path has sent into the chat, so the test is not vacuous.
    texts = line.to_person()
    assert any("сейчас не работают" in t for t in texts)  # the after-hours notice
    assert any("принято оператором" in t for t in texts)  # the case was taken up
    assert any("/whatisthis" in t for t in texts)  # the unknown command's reply
    assert any("стикеры" in t for t in texts)  # the sticker's reply
    assert line.world.copies_to(PERSON.id)  # the operator's question
    before = line.chat_ids()
    assert len(before) > 100

    line.world.clear()
    await line.person(command("/forget", user=PERSON))
    await line.pump()

    batches = line.deletions()
    assert len(batches) >= 2 and all(len(b.message_ids) <= 100 for b in batches)
    deleted = {i for b in batches for i in b.message_ids}
    assert before | {line.incoming[-1]} <= deleted, sorted(before - deleted)
    [confirmation] = line.to_person()
    assert HINT not in confirmation  # nothing was left behind
    for secret in ("паспорт", "склад", "стикер", "оператор"):
        assert secret not in confirmation.lower()
    # The operators' side: the topic is deleted at once, and they are told in the main thread.
    assert [d.message_thread_id for d in line.world.of(DeleteForumTopic)] == [case.topic_id]
    notices = [
        m
        for m in line.world.of(SendMessage)
        if int(m.chat_id) == OPERATORS_CHAT and m.message_thread_id is None
    ]
    assert len(notices) == 1 and f"#{case.number}" in notices[0].text
    assert "/forget" in notices[0].text and "паспорт" not in notices[0].text
    erased = await cases.store.get(case.id)
    assert erased.erased and erased.user_key is None and erased.topic_id is None


async def test_messages_older_than_48_hours_are_reported_with_how_to_clear_them(
    line: Line,
) -> None:
    clock = line.clock
    await line.person(message("Здравствуйте", user=PERSON))
    old = line.chat_ids()
    clock.now += 49 * 3600
    await line.person(command("/whatisthis", user=PERSON))
    recent = line.chat_ids() - old
    assert old and recent

    line.world.clear()
    await line.person(command("/forget", user=PERSON))

    deleted = {i for b in line.deletions() for i in b.message_ids}
    assert recent <= deleted and not old & deleted  # Telegram would refuse the old ones
    [confirmation] = line.to_person()
    assert HINT in confirmation and "48" in confirmation


async def test_a_refused_deletion_is_reported(line: Line) -> None:
    await line.person(message("Здравствуйте", user=PERSON))
    line.world.clear()
    line.world.fail("deleteMessages", 400, description="Bad Request: message can't be deleted")
    await line.person(command("/forget", user=PERSON))
    assert line.deletions()
    [confirmation] = line.to_person()
    assert HINT in confirmation
