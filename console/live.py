"""Live queue: one poll of the database a second per web process, fanned out as events.

Cases are opened by other processes (the bot, the phone line, other web processes), so the
console learns of changes by looking: one cheap query that decrypts nothing
(`hotline.cases.reports.queue_state`), and only while someone watches. Each watcher (a
server-sent events stream) gets `queue` when the queue changed, `case` with a case id when
its transcript grew, and `emergency` with a case number when a case became an emergency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from hotline.cases.reports import QueueState
from nlu.catalogue import risk_rank

log = logging.getLogger(__name__)

EMERGENCY_RANK: Final = risk_rank("emergency")


@dataclass(frozen=True, slots=True)
class LiveEvent:
    name: str  # queue | case | emergency
    data: str = ""


class QueueWatcher:
    def __init__(
        self, read_state: Callable[[], Awaitable[QueueState]], interval: float = 1.0
    ) -> None:
        self.read_state = read_state
        self.interval = interval
        self._subscribers: set[asyncio.Queue[LiveEvent | None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._last: QueueState | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="console-queue-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def close_streams(self) -> None:
        """End every open stream (the server is stopping)."""
        for queue in self._subscribers:
            queue.put_nowait(None)

    async def subscribe(self) -> asyncio.Queue[LiveEvent | None]:
        """A queue of events for one watcher, from what the queue is now on."""
        queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue(maxsize=100)
        if self._last is None:
            # Changes are told against this picture: take it before the watcher waits, or
            # a case opened before the first poll would never be announced.
            try:
                await self.check()
            except Exception as exc:  # noqa: BLE001 - the next poll takes the picture then
                log.warning("console queue poll failed: %s", type(exc).__name__)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[LiveEvent | None]) -> None:
        self._subscribers.discard(queue)

    async def _run(self) -> None:
        while True:
            if self._subscribers:
                try:
                    await self.check()
                except Exception as exc:  # noqa: BLE001 - the database may be away; next round
                    log.warning("console queue poll failed: %s", type(exc).__name__)
            else:
                self._last = None  # nobody watched: the next watcher starts afresh
            await asyncio.sleep(self.interval)

    async def check(self) -> None:
        """Read the queue once and tell every watcher what changed since the last read."""
        state = await self.read_state()
        last, self._last = self._last, state
        if last is None:
            return
        events: list[LiveEvent] = []
        if state.without_lines() != last.without_lines():
            events.append(LiveEvent("queue"))
        before = last.lines()
        events += [
            LiveEvent("case", str(case_id))
            for case_id, lines in state.lines().items()
            if lines != before.get(case_id, lines)
        ]
        known = last.at_least(EMERGENCY_RANK)
        events += [
            LiveEvent("emergency", number)
            for case_id, number in state.at_least(EMERGENCY_RANK).items()
            if case_id not in known
        ]
        for event in events:
            self.publish(event)

    def publish(self, event: LiveEvent) -> None:
        for queue in list(self._subscribers):
            if queue.full():
                continue  # a stalled reader loses events, never the server's memory
            queue.put_nowait(event)
