"""The core's services, as one typed value; `app.container.build_services` builds them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nlu.pipeline import Understanding
from redis.asyncio import Redis

from hotline.cases.service import CaseService
from hotline.content import ContentStore
from hotline.escalation import Escalator
from hotline.metrics import Metrics
from hotline.policy import DialoguePolicy
from hotline.settings import Settings
from hotline.spool import Spool
from hotline.state import ConversationStore


@dataclass
class Services:
    settings: Settings
    understanding: Understanding
    content: ContentStore
    store: ConversationStore
    policy: DialoguePolicy
    escalator: Escalator
    metrics: Metrics
    redis: Redis | None = None  # shared by the state store, the bot's FSM and deduplication
    spool: Spool | None = None  # case changes kept while the database is away

    @property
    def cases(self) -> CaseService | None:
        """The durable case service, when escalations go to one."""
        return self.escalator if isinstance(self.escalator, CaseService) else None

    async def close(self) -> None:
        """Release connections; safe to call more than once."""
        if self.redis is not None:
            await self.redis.aclose()
        if isinstance(self.escalator, CaseService):
            await self.escalator.store.dispose()
