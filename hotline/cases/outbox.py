"""The leased outbox: workers claim items, deliver them, and record what Telegram said.

Any number of workers may share one database:

- **Claim.** A worker takes the first pending item of each lane (`outbox.lane`: a case's
  topic, or the person's chat) that is due and not leased, most urgent case first,
  across the whole queue (no limit can hide an emergency behind older items). PostgreSQL
  locks the candidates `FOR UPDATE SKIP LOCKED`; the lease itself is set by a conditional
  `UPDATE … WHERE leased_until IS NULL OR leased_until < now`, which is what keeps SQLite
  (no row locks) right too. A later item of a lane is never a candidate while an earlier
  one is pending: a lane is in one worker's hands at a time, and in order.
- **Lease.** A worker that dies (kill -9) leaves its items leased until `leased_until`;
  then another worker takes them. At most the item that was in flight is sent twice.
- **Steps.** A several-step item (a long text in chunks; a topic, then its card) records
  each step as it is done (`progress`), so a retry resumes where it failed. The last step
  marks the item sent and records Telegram's message id in the same statement.
- **Dead letters.** An item that fails in a way no retry fixes is tried `max_failures`
  times, then set `dead`, and the operators are told in the case's topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import aliased

from hotline.cases.events import OperatorNotice, OutboxEvent
from hotline.cases.models import Case, OutboxItem
from hotline.cases.operator_actions import notice
from hotline.cases.store import CaseStore
from hotline.cases.views import OutboxView

DEFAULT_LEASE_SECONDS: Final = 60.0
MAX_FAILURES: Final = 3


class OutboxQueue:
    """One worker's handle on the outbox; `owner` names the worker in its leases."""

    def __init__(
        self,
        store: CaseStore,
        owner: str,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        max_failures: int = MAX_FAILURES,
    ) -> None:
        self.store = store
        self.owner = owner
        self.lease = timedelta(seconds=lease_seconds)
        self.max_failures = max_failures

    async def claim(self, limit: int = 20) -> list[OutboxView]:
        """Lease up to `limit` lane heads that are due, most urgent first."""
        store = self.store
        now = store.now()
        earlier = aliased(OutboxItem)
        is_head = ~exists().where(
            earlier.lane == OutboxItem.lane, earlier.status == "pending", earlier.id < OutboxItem.id
        )
        free = or_(OutboxItem.leased_until.is_(None), OutboxItem.leased_until < now)
        async with store.transaction() as session:
            candidates = list(
                await session.scalars(
                    select(OutboxItem.id)
                    .where(
                        OutboxItem.status == "pending",
                        OutboxItem.next_attempt_at <= now,
                        free,
                        is_head,
                    )
                    .order_by(OutboxItem.priority.desc(), OutboxItem.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if not candidates:
                return []
            claimed = list(
                await session.scalars(
                    update(OutboxItem)
                    .where(OutboxItem.id.in_(candidates), OutboxItem.status == "pending", free)
                    .values(lease_owner=self.owner, leased_until=now + self.lease)
                    .returning(OutboxItem.id)
                    .execution_options(synchronize_session=False)
                )
            )
            rows = await session.scalars(
                select(OutboxItem)
                .where(OutboxItem.id.in_(claimed))
                .execution_options(populate_existing=True)
            )
            items = [store.outbox_view(item) for item in rows]
        return sorted(items, key=lambda item: (-item.priority, item.id))

    async def following(self, head: OutboxView, limit: int = 50) -> list[OutboxView]:
        """Pending items after `head` in its lane (leased with it: the lane is ours)."""
        async with self.store.reading() as session:
            rows = await session.scalars(
                select(OutboxItem)
                .where(
                    OutboxItem.lane == head.lane,
                    OutboxItem.status == "pending",
                    OutboxItem.id > head.id,
                )
                .order_by(OutboxItem.id)
                .limit(limit)
            )
            return [self.store.outbox_view(item) for item in rows]

    async def progress(self, item_id: int, step: int) -> None:
        """A step of the item is done (and Telegram has it); extend the lease."""
        async with self.store.transaction() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id)
                .values(progress=step, leased_until=self.store.now() + self.lease)
            )

    async def sent(self, item_ids: Sequence[int], message_id: int | None = None) -> None:
        """Mark items sent, with Telegram's message id, in one statement."""
        if not item_ids:
            return
        async with self.store.transaction() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(list(item_ids)), OutboxItem.status == "pending")
                .values(
                    status="sent",
                    sent_at=self.store.now(),
                    tg_message_id=message_id,
                    lease_owner=None,
                    leased_until=None,
                )
            )

    async def release(self, item_ids: Sequence[int]) -> None:
        """Give leased items back untouched (no budget for them in this pass)."""
        if not item_ids:
            return
        async with self.store.transaction() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(list(item_ids)), OutboxItem.lease_owner == self.owner)
                .values(lease_owner=None, leased_until=None)
            )

    async def retry(self, item_id: int, delay_seconds: float, error: str) -> None:
        async with self.store.transaction() as session:
            item = await session.get(OutboxItem, item_id)
            if item is None:
                return
            item.attempts += 1
            item.next_attempt_at = self.store.now() + timedelta(seconds=delay_seconds)
            item.last_error = error[:200]
            item.lease_owner = item.leased_until = None

    async def fail(
        self,
        item_id: int,
        error: str,
        *,
        delay_seconds: float,
        warn: OperatorNotice = OperatorNotice.DEAD_LETTER,
        at_once: bool = False,
    ) -> bool:
        """A failure no retry is likely to fix: retried until `max_failures`, then dead.

        A dead item is kept (for the audit), and the operators get `warn` in the case's
        topic, in the same transaction. Returns True when the item is now dead.
        """
        store = self.store
        async with store.transaction() as session:
            item = await session.get(OutboxItem, item_id)
            if item is None:
                return True
            item.failures += 1
            item.attempts += 1
            item.last_error = error[:200]
            item.lease_owner = item.leased_until = None
            if not at_once and item.failures < self.max_failures:
                item.next_attempt_at = store.now() + timedelta(seconds=delay_seconds)
                return False
            item.status = "dead"
            case = await session.get(Case, item.case_id) if item.case_id is not None else None
            if case is not None and item.kind != OutboxEvent.TOPIC_NOTICE.value:
                payload = notice(warn, what=item.kind)
                store.enqueue(session, case, OutboxEvent.TOPIC_NOTICE, payload)
            return True

    async def pending_count(self) -> int:
        async with self.store.reading() as session:
            count = await session.scalar(
                select(func.count(OutboxItem.id)).where(OutboxItem.status == "pending")
            )
            return int(count or 0)

    async def items(self, status: str | None = None) -> list[OutboxView]:
        """Every item (of a status), oldest first: for tests and tools."""
        async with self.store.reading() as session:
            query = select(OutboxItem).order_by(OutboxItem.id)
            if status is not None:
                query = query.where(OutboxItem.status == status)
            return [self.store.outbox_view(item) for item in await session.scalars(query)]

    # -- what Telegram gave back about a case's topic ------------------------------------

    async def topic_created(self, case_id: int, topic_id: int, item_id: int, step: int) -> None:
        """Keep the new topic's id, and the step of the item that created it, together."""
        async with self.store.transaction() as session:
            await session.execute(update(Case).where(Case.id == case_id).values(topic_id=topic_id))
            await session.execute(
                update(OutboxItem).where(OutboxItem.id == item_id).values(progress=step)
            )

    async def card_posted(self, case_id: int, message_id: int) -> None:
        async with self.store.transaction() as session:
            await session.execute(
                update(Case).where(Case.id == case_id).values(card_message_id=message_id)
            )

    async def reset_topic(self, case_id: int) -> None:
        """Forget a topic that was deleted in Telegram, so that a new one is opened."""
        store = self.store
        async with store.transaction() as session:
            await session.execute(
                update(Case).where(Case.id == case_id).values(topic_id=None, card_message_id=None)
            )
            store.audit(session, case_id, "system", "topic_reset", None)


def payload_text(item: OutboxView, key: str = "text") -> str:
    value: Any = item.payload.get(key, "")
    return str(value)
