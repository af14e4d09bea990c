"""The one place that wires the core together from settings (the composition root)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from redis.asyncio import BlockingConnectionPool, Redis

from hotline.cases.index import CaseIndex, MemoryCaseIndex, RedisCaseIndex
from hotline.cases.service import CaseService
from hotline.cases.setup import build_case_store
from hotline.content import ContentStore
from hotline.escalation import Escalator
from hotline.metrics import Metrics
from hotline.operator_hours import OperatorHours
from hotline.policy import DialoguePolicy
from hotline.services import Services
from hotline.settings import Settings
from hotline.spool import Spool
from hotline.state import (
    ConversationStore,
    FallbackConversationStore,
    MemoryConversationStore,
    RedisConversationStore,
)

if TYPE_CHECKING:
    from nlu.pipeline import Understanding

log = logging.getLogger(__name__)


def build_services(
    settings: Settings,
    *,
    escalator: Escalator | None = None,
    understanding: Understanding | None = None,
    spool_name: str | None = None,
) -> Services:
    """Build every core service; Redis when HOTLINE_REDIS_URL is set, else in-process memory."""
    metrics = Metrics()
    if understanding is None:
        from nlu.pipeline import build_understanding  # loads or trains the model: slow

        understanding = build_understanding(
            engine=settings.nlu_engine,
            rasa_url=settings.rasa_url,
            timeout=settings.rasa_timeout_seconds,
        )
    metrics.add_source("nlu", lambda: understanding.counters)
    content = ContentStore.load(settings.content_dir)
    redis: Redis | None = None
    store: ConversationStore
    if settings.redis_url:
        # A blocking pool: under a burst, callers wait for a connection instead of failing
        # with "Too many connections" (which would lose a reply). No per-command socket
        # timeout (redis-py's default): with one, every send runs in a task of its own,
        # which costs a fifth of the bot's CPU; connecting still times out.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=64,
            timeout=10,
            socket_timeout=None,  # every call is time-limited by the batcher instead
            socket_connect_timeout=1,
        )
        redis = Redis(connection_pool=pool)
        # Redis is the shared store; while it fails, each process keeps state in memory.
        store = FallbackConversationStore(
            RedisConversationStore(redis, settings.state_ttl_seconds), MemoryConversationStore()
        )
    else:
        store = MemoryConversationStore()
    # Durable cases (HOTLINE_DATABASE_URL); migrations run before the store's first query.
    # The index answers "no open case" without a query: shared through Redis when there is
    # one; in memory otherwise (one process; see hotline.cases.index).
    spool: Spool | None = None
    if escalator is None:
        index: CaseIndex = (
            RedisCaseIndex(redis, settings.state_ttl_seconds) if redis else MemoryCaseIndex()
        )
        hours = OperatorHours.from_settings(settings.operator_hours, settings.operator_days)
        cases = CaseService(build_case_store(settings), index, hours)
        # Case changes made while the database is away wait here (one file per process).
        spool_path = settings.var_dir / "spool" / f"{spool_name}.spool" if spool_name else None
        spool = Spool(spool_path, cases.store.sealer)
        escalator = cases
    policy = DialoguePolicy(understanding, content, store, escalator, metrics, spool=spool)
    log.info(
        "core ready: nlu=%s state=%s escalator=%s",
        settings.nlu_engine,
        "redis" if redis else "memory",
        type(escalator).__name__,
    )
    return Services(
        settings, understanding, content, store, policy, escalator, metrics, redis, spool
    )
