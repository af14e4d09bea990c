"""The outbox worker: claim items, deliver them, and act on how each call went.

Every Telegram call about a case is first an item in the `outbox` table, written in the
same transaction as the case change, so nothing is lost when Telegram or a worker fails.
Workers lease what they deliver (`hotline.cases.outbox`), so any number of them can run
on one database without doing anything twice; a lane (a case's topic, a person's chat)
is delivered in order. Emergencies go first across the whole queue; the group budget is
shared (`bot.outbox.budget`). See docs/operators.md and docs/deployment.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from functools import lru_cache
from typing import assert_never

from aiogram import Bot

from bot.message_log import MessageLog
from bot.operators import notices as say
from bot.outbox.budget import GroupBudget, LocalBudget
from bot.outbox.failures import FloodWait, Refused, TopicGone, Transient, backoff, judge
from bot.outbox.handlers import Delivered, Delivery, handler_for
from bot.outbox.topics import TopicDesk
from hotline.cases.events import Lane, lane_of
from hotline.cases.outbox import OutboxQueue
from hotline.cases.store import CaseNotFound, CaseStore
from hotline.cases.views import OutboxView
from hotline.content import ContentStore
from hotline.metrics import Metrics

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Names a worker in its leases: host and process id."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class OutboxWorker:
    """Claims and delivers outbox items; any number may run on one database."""

    def __init__(
        self,
        bot: Bot,
        store: CaseStore,
        operators_chat_id: int,
        *,
        metrics: Metrics | None = None,
        budget: GroupBudget | None = None,
        poll_seconds: float = 1.0,
        content: ContentStore | None = None,
        lease_seconds: float = 60.0,
        claim_limit: int = 20,
        name: str | None = None,
        message_log: MessageLog | None = None,
    ) -> None:
        # Numbers a notice names come from content/contacts.yml; checked here, at start.
        contacts = (content or _default_content()).contacts
        self.bot = bot
        self.store = store
        self.chat_id = operators_chat_id
        self.metrics = metrics or Metrics()
        self.budget = budget or LocalBudget()
        self.queue = OutboxQueue(store, name or worker_name(), lease_seconds)
        self.topics = TopicDesk(bot, operators_chat_id, self.queue, self.budget)
        self.delivery = Delivery(
            bot,
            operators_chat_id,
            self.queue,
            self.topics,
            say.danger_numbers(contacts),
            self.metrics,
            message_log,
        )
        self.poll_seconds = poll_seconds
        self.claim_limit = claim_limit
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="case-outbox")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        log.info("case outbox worker started")
        while True:
            try:
                handled = await self.run_once()
            except Exception as exc:  # noqa: BLE001 - the database may be down; items are safe
                log.error("case outbox pass failed: %s", type(exc).__name__)
                handled = 0
            if handled:
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def drain(self, max_passes: int = 100) -> None:
        """Run passes until nothing due is left (tests, and a clean shutdown)."""
        for _ in range(max_passes):
            if not await self.run_once():
                return

    async def run_once(self) -> int:
        """Claim the heads of the lanes that are due, most urgent first, and deliver them."""
        claimed = await self.queue.claim(self.claim_limit)
        handled = 0
        skipped: list[int] = []
        for item in claimed:
            lane = lane_of(item.kind)
            if lane == Lane.GROUP and not await self.topics.take():
                skipped.append(item.id)  # the person's chat has its own, far larger budget
                continue
            await self._process(lane, item)
            handled += 1
        await self.queue.release(skipped)
        return handled

    # -- one item ------------------------------------------------------------------------

    async def _process(self, lane: Lane, item: OutboxView) -> None:
        try:
            delivered = await self._deliver(item)
        except Exception as exc:  # noqa: BLE001 - judged below; nothing is dropped unseen
            await self._failed(lane, item, exc)
        else:
            await self.queue.sent(delivered.item_ids, delivered.message_id)
            self.metrics.inc("outbox_sent_total", kind=item.kind.value)

    async def _deliver(self, item: OutboxView) -> Delivered:
        if item.case_id is None:
            return Delivered((item.id,))  # nothing to deliver without a case
        try:
            case = await self.store.get(item.case_id)
        except CaseNotFound:
            return Delivered((item.id,))
        return await handler_for(item.kind)(self.delivery, item, case)

    async def _failed(self, lane: Lane, item: OutboxView, exc: Exception) -> None:
        verdict = judge(exc, lane, item.kind)
        kind = item.kind.value
        match verdict:
            case FloodWait(seconds):
                if lane == Lane.GROUP:
                    await self.budget.pause(seconds)
                await self._retry(item, seconds, "flood control")
            case Transient(why, delay):
                await self._retry(item, backoff(item.attempts) if delay is None else delay, why)
            case TopicGone():
                # Someone deleted the topic by hand: open a new one, then send this item there.
                log.warning("topic of case id %s is gone; opening a new one", item.case_id)
                if item.case_id is not None:
                    await self.queue.reset_topic(item.case_id)
                await self._retry(item, 0.0, "topic gone")
            case Refused(why, notice, at_once):
                if why.startswith("internal error"):
                    log.exception("outbox item %d (%s) failed", item.id, kind, exc_info=exc)
                dead = await self.queue.fail(
                    item.id, why, delay_seconds=backoff(item.failures), warn=notice, at_once=at_once
                )
                if dead:
                    self.metrics.inc("outbox_dead_total", kind=kind)
                    log.warning("outbox item %d (%s) is a dead letter: %s", item.id, kind, why)
                    self.wake()  # the notice to the operators is queued
            case _:
                assert_never(verdict)

    async def _retry(self, item: OutboxView, delay: float, why: str) -> None:
        self.metrics.inc("outbox_retries_total", kind=item.kind.value)
        log.warning("outbox item %d (%s): %s, retry in %.0fs", item.id, item.kind, why, delay)
        await self.queue.retry(item.id, delay, why)


@lru_cache(maxsize=1)
def _default_content() -> ContentStore:
    """The configured content, for a worker built without one (tests, tools)."""
    from hotline.settings import get_settings

    return ContentStore.load(get_settings().content_dir)
