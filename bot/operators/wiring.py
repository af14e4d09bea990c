"""Start and stop the case outbox with the Dispatcher (polling and webhook alike)."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession

from bot.operators.access import case_store_of
from bot.operators.hours import operator_hours
from bot.outbox_worker import OutboxWorker

log = logging.getLogger(__name__)
WORKER_KEY = "case_outbox"


async def start_case_outbox(bot: Bot, **data: Any) -> None:
    """Deliver cases to the operators' chat; without one, escalations are only stored."""
    dispatcher = _dispatcher(data)
    if dispatcher is None:
        return
    services: Any = data.get("services") or dispatcher.workflow_data.get("services")
    store = case_store_of(services)
    chat_id = getattr(getattr(services, "settings", None), "operators_chat_id", None)
    if store is None or chat_id is None:
        log.info("operators' chat or case store not configured: cases are only stored")
        return
    # A Bot of its own, without the retrying request middleware: the outbox decides when to
    # retry (durably), and a flood wait must not hold up the other lanes inside one call.
    worker_bot = Bot(bot.token, session=AiohttpSession(api=bot.session.api), default=bot.default)
    worker = OutboxWorker(
        worker_bot,
        store,
        chat_id,
        operator_hours(services.settings),
        metrics=services.metrics,
        content=services.content,
    )
    dispatcher[WORKER_KEY] = worker
    worker.start()


async def stop_case_outbox(**data: Any) -> None:
    dispatcher = _dispatcher(data)
    if dispatcher is None:
        return
    worker = dispatcher.workflow_data.pop(WORKER_KEY, None)
    if isinstance(worker, OutboxWorker):
        await worker.stop()
        await worker.bot.session.close()


def _dispatcher(data: dict[str, Any]) -> Dispatcher | None:
    """Startup hooks get `dispatcher` from polling and webhooks, `router` when emitted by hand."""
    for key in ("dispatcher", "router"):
        candidate = data.get(key)
        if isinstance(candidate, Dispatcher):
            return candidate
    return None
