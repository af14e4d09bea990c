"""The worker role: the operators' outbox, the retention purge and other scheduled jobs.

Any number of workers may run on one database: outbox items are leased (see
`hotline.cases.outbox`) and a scheduled job runs once per period, whoever claims it
first (`hotline.cases.jobs`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.purging import start_daily_purge

if TYPE_CHECKING:
    from bot.message_log import MessageLog
    from bot.outbox import OutboxWorker
    from hotline.services import Services

log = logging.getLogger(__name__)


@dataclass
class WorkerJobs:
    """What a worker runs; `start` it, `stop` it on the way out."""

    services: Services
    # The Dispatcher's log of people's chats, when it runs in this process (`app.telegram`).
    chat_log: MessageLog | None = None
    outbox: OutboxWorker | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> None:
        from bot.operators.wiring import build_case_outbox
        from bot.outbox.runner import worker_name

        self.outbox = build_case_outbox(self.services, self.chat_log)
        if self.outbox is not None:
            self.outbox.start()
        purge = start_daily_purge(self.services, worker_name())
        if purge is not None:
            self.tasks.append(purge)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        if self.outbox is not None:
            await self.outbox.stop()
            await self.outbox.bot.session.close()
            self.outbox = None


async def run_worker(services: Services) -> None:
    """Run the worker's jobs until cancelled (Ctrl+C, SIGTERM)."""
    from app.storage import prepare_storage

    await prepare_storage(services)  # a key that cannot open the data stops here
    jobs = WorkerJobs(services)
    jobs.start()
    log.info("worker started")
    try:
        await asyncio.Event().wait()
    finally:
        await jobs.stop()
        await services.close()
