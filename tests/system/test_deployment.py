"""Two web processes and two workers, as deployed, on PostgreSQL and Redis of their own.

Loopback only: the processes talk to a fake Bot API on 127.0.0.1 (HOTLINE_TELEGRAM_API_BASE)
and get webhook updates, alternately, from this test. PostgreSQL and Redis are throwaway
servers started here (the machine's shared ones are never touched), so that Redis can be
stopped and PostgreSQL restarted mid-run. Every wait is bounded; every process stops.

What must hold: one topic and one card per case; every message a person writes while
their case is open reaches the case's topic exactly once and in order; operators'
replies reach the person once; a worker killed with SIGKILL loses nothing and causes at
most one duplicate; after Redis stops and PostgreSQL restarts, nothing is lost.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.methods import CopyMessage, CreateForumTopic, SendMessage
from cryptography.fernet import Fernet

from tests.support.bot_api_server import BotApiServer
from tests.support.processes import Deployment, base_env
from tests.support.servers import ThrowawayPostgres, ThrowawayRedis, free_port
from tests.support.telegram import TOKEN, TelegramWorld
from tests.support.updates import OPERATOR, OPERATORS_CHAT, group_message, person, private_message

pytestmark = pytest.mark.system

SECRET = "system-test-secret"
PEOPLE = 50
RISKY = "работодатель забрал паспорт и не отпускает"
# What each person writes next is plainly harmless ("спасибо 7-2"): this test is about
# delivery, and a false alarm would add an emergency notice to the group's budget of 20
# messages a minute ("сообщение 9-3" was read as an emergency by round 5's risk model).
RELAYED = re.compile(r"^💬 (.+)$", re.M)


@dataclass
class Site:
    deployment: Deployment
    world: TelegramWorld
    ports: list[int]
    postgres: ThrowawayPostgres
    redis: ThrowawayRedis
    http: aiohttp.ClientSession
    _turn: itertools.count[int]

    async def deliver(self, update: Any) -> None:
        """POST one update to the next web process, as Telegram would (with the secret)."""
        port = self.ports[next(self._turn) % len(self.ports)]
        body = update.model_dump(mode="json", exclude_none=True)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        for _ in range(50):  # a web process may be busy starting up again: try again
            try:
                async with self.http.post(url, json=body, headers=headers) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"update not accepted by 127.0.0.1:{port}")

    def relayed(self) -> dict[int, list[str]]:
        """What reached each topic from its person, in order (batches split)."""
        topics: dict[int, list[str]] = {}
        for call in self.world.of(SendMessage):
            if int(call.chat_id) == OPERATORS_CHAT and call.message_thread_id is not None:
                found = RELAYED.findall(call.text)
                topics.setdefault(call.message_thread_id, []).extend(found)
        return topics

    def cards(self) -> Counter[int]:
        return Counter(
            call.message_thread_id
            for call in self.world.of(SendMessage)
            if int(call.chat_id) == OPERATORS_CHAT and "Дело #" in call.text
        )


async def until(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {within:.0f}s: {what}")


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    world = TelegramWorld(members={OPERATOR.id})
    api = BotApiServer(world)
    await api.start()
    postgres, redis = ThrowawayPostgres(), ThrowawayRedis()
    deployment = Deployment(env={}, logs=tmp_path)
    try:
        postgres.start()
        redis.start()
        deployment.env = base_env(
            HOTLINE_BOT_TOKEN=TOKEN,
            HOTLINE_TELEGRAM_API_BASE=api.base,
            HOTLINE_OPERATORS_CHAT_ID=str(OPERATORS_CHAT),
            HOTLINE_TELEGRAM_WEBHOOK_URL="https://hotline.example.org/telegram/webhook",
            HOTLINE_TELEGRAM_WEBHOOK_SECRET=SECRET,
            HOTLINE_REDIS_URL=redis.url,
            HOTLINE_DATABASE_URL=postgres.url,
            HOTLINE_ENCRYPTION_KEY=Fernet.generate_key().decode(),
            HOTLINE_PHONE_SALT="system-test",
            HOTLINE_VAR_DIR=str(tmp_path / "var"),
            HOTLINE_OPERATOR_HOURS="00:00-24:00",
            HOTLINE_OPERATOR_DAYS="1-7",
            HOTLINE_TELEGRAM_GROUP_PER_MINUTE="100000",
            HOTLINE_OUTBOX_LEASE_SECONDS="3",
            HOTLINE_OUTBOX_POLL_SECONDS="0.2",
        )
        deployment.run("db", "upgrade")
        ports = [free_port(), free_port()]
        webs = [deployment.web(f"web{n}", port) for n, port in enumerate(ports, 1)]
        deployment.start("worker1", "worker")
        deployment.start("worker2", "worker")
        for web in webs:
            await deployment.wait_ready(web)
        async with aiohttp.ClientSession() as http:
            yield Site(deployment, world, ports, postgres, redis, http, itertools.count())
    finally:
        deployment.stop()
        redis.stop()
        postgres.stop()
        await api.stop()


async def each_person(
    people: range, step: Callable[[int], Awaitable[None]], at_once: int = 10
) -> None:
    """Run `step` for every person, several people at a time, each person's steps in order."""
    gate = asyncio.Semaphore(at_once)

    async def one(number: int) -> None:
        async with gate:
            await step(number)

    await asyncio.gather(*(one(n) for n in people))


def user(number: int) -> Any:
    return person(20_000 + number)


def during_outage(number: int) -> str:
    """What a person writes while Redis (even numbers) or PostgreSQL (odd) is down."""
    return f"ок, поняла {number}-{1 + number % 2}"


async def say(site: Site, number: int, *texts: str) -> None:
    for text in texts:
        await site.deliver(private_message(user(number), text))


async def test_two_web_processes_and_two_workers_lose_and_double_nothing(site: Site) -> None:
    # 1. Fifty people, each escalated by a risky message, then writing on; operators reply.
    async def conversation(n: int) -> None:
        await say(site, n, RISKY, *(f"спасибо {n}-{k}" for k in range(1, 4)))

    await each_person(range(PEOPLE), conversation)
    expected = {n: [f"спасибо {n}-{k}" for k in range(1, 4)] for n in range(PEOPLE)}

    def topic_of() -> dict[int, int]:
        """Person number -> their topic, from what reached the topics."""
        found: dict[int, int] = {}
        for topic, texts in site.relayed().items():
            for text in texts:
                found[int(text.split()[1].split("-")[0])] = topic
        return found

    def all_relayed() -> bool:
        return sum(len(t) for t in site.relayed().values()) >= PEOPLE * 3

    await until(all_relayed, 60, "every message relayed")
    topics = site.world.of(CreateForumTopic)
    assert len(topics) == PEOPLE, "exactly one topic per case"
    cards = site.cards()
    assert len(cards) == PEOPLE and set(cards.values()) == {1}, "exactly one card per case"
    relayed, topic_for = site.relayed(), topic_of()
    for n in range(PEOPLE):
        assert relayed[topic_for[n]] == expected[n], f"person {n}: once each, in order"

    async def reply(n: int) -> None:
        await site.deliver(group_message(OPERATOR, f"ответ {n}", thread=topic_for[n]))

    await each_person(range(PEOPLE), reply)
    await until(lambda: len(site.world.of(CopyMessage)) >= PEOPLE, 30, "every reply copied")
    copied = Counter(int(call.chat_id) for call in site.world.of(CopyMessage))
    assert copied == Counter(user(n).id for n in range(PEOPLE)), (
        "each reply reaches its person once"
    )

    # 2. A worker killed mid-run: nothing lost, at most the item in flight twice.
    worker1 = next(p for p in site.deployment.processes if p.name == "worker1")
    sends_before = len(site.world.of(SendMessage))

    async def more(n: int) -> None:
        await say(site, n, f"понял, спасибо {n}-1", f"понял, спасибо {n}-2")

    writing = asyncio.create_task(each_person(range(PEOPLE), more))
    await until(
        lambda: len(site.world.of(SendMessage)) > sends_before + 10, 30, "delivery under way"
    )
    worker1.kill()
    await writing
    for n in range(PEOPLE):
        expected[n] += [f"понял, спасибо {n}-1", f"понял, спасибо {n}-2"]

    def delivered_all() -> bool:
        relayed = site.relayed()
        return all(set(expected[n]) <= set(relayed.get(topic_for[n], [])) for n in range(PEOPLE))

    await until(delivered_all, 60, "everything relayed after the kill")
    relayed = site.relayed()
    duplicates = sum(len(relayed[topic_for[n]]) - len(expected[n]) for n in range(PEOPLE))
    assert duplicates <= 2, f"{duplicates} duplicates: at most the item in flight (a batch)"
    for n in range(PEOPLE):
        assert list(dict.fromkeys(relayed[topic_for[n]])) == expected[n], f"person {n}: in order"

    # 3. Redis stops, then PostgreSQL restarts: nothing is lost once they are back.
    site.redis.stop()
    await each_person(range(0, PEOPLE, 2), lambda n: say(site, n, during_outage(n)))
    site.redis.start()
    site.postgres.pause()
    await each_person(range(1, PEOPLE, 2), lambda n: say(site, n, during_outage(n)))
    site.postgres.resume()
    for n in range(PEOPLE):
        expected[n].append(during_outage(n))
    await until(delivered_all, 60, "everything relayed after the outages")
    assert len(site.world.of(CreateForumTopic)) == PEOPLE, "no case opened twice"
