"""The retention purge as a scheduled job of the worker role: once a day in all.

Every worker checks every `check_every` seconds whether the day's purge is due; the one
whose claim succeeds (`hotline.cases.retention.claim_job`) runs it, the others do not.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta
from typing import Final

from hotline.cases.retention import claim_job, purge
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from hotline.services import Services

log = logging.getLogger(__name__)

DAY: Final = timedelta(days=1)
CHECK_EVERY_SECONDS: Final = 600.0
JOB_NAME: Final = "retention_purge"


async def purge_once_a_day(
    store: CaseStore,
    retention_days: int,
    owner: str,
    *,
    every: timedelta = DAY,
    check_every: float = CHECK_EVERY_SECONDS,
) -> None:
    """Run the purge when this worker wins the day's claim; a failure waits for the next."""
    while True:
        try:
            if await claim_job(store, JOB_NAME, every, owner):
                count = await purge(store, retention_days)
                log.info(
                    "retention purge: %d closed cases erased (older than %d days)",
                    count,
                    retention_days,
                )
        except Exception as exc:  # noqa: BLE001 - the database may be down; next round
            log.error("retention purge failed (%s); trying again later", type(exc).__name__)
        # Jittered, so that workers started together do not all ask at once.
        await asyncio.sleep(check_every * random.uniform(0.8, 1.2))


def start_daily_purge(services: Services, owner: str) -> asyncio.Task[None] | None:
    """Start the purge for the services' case store; None when cases are not durable."""
    if not isinstance(services.escalator, CaseService):
        return None
    retention = services.settings.retention_days
    job = purge_once_a_day(services.escalator.store, retention, owner)
    return asyncio.create_task(job, name="case-purge")
