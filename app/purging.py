"""The daily retention purge, run inside the long-running `bot`/`serve` process."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

from hotline.cases.escalator import CaseEscalator
from hotline.cases.store import CaseStore

log = logging.getLogger(__name__)

DAY_SECONDS: Final = 24 * 3600.0


async def purge_daily(
    store: CaseStore, retention_days: int, *, interval: float = DAY_SECONDS
) -> None:
    """Purge at start, then every `interval` seconds; a failure waits for the next round."""
    while True:
        try:
            count = await store.purge(retention_days)
        except Exception:
            log.exception("retention purge failed; trying again at the next round")
        else:
            log.info(
                "retention purge: %d closed cases erased (older than %d days)",
                count,
                retention_days,
            )
        await asyncio.sleep(interval)


def start_daily_purge(services: Any) -> asyncio.Task[None] | None:
    """Start the purge for the services' case store; None when cases are not durable."""
    escalator = getattr(services, "escalator", None)
    if not isinstance(escalator, CaseEscalator):
        return None
    retention = int(services.settings.retention_days)
    return asyncio.create_task(purge_daily(escalator.store, retention), name="case-purge")
