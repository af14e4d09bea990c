"""The retention purge, and scheduled jobs that run once per period across all workers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from hotline.cases.events import OutboxEvent
from hotline.cases.models import Case, CaseMessage, OutboxItem, ScheduledJob
from hotline.cases.service import erase_case
from hotline.cases.store import CaseStore


async def purge(store: CaseStore, retention_days: int) -> int:
    """Erase personal data of cases closed more than `retention_days` ago; keep counts."""
    now = store.now()
    cutoff = now - timedelta(days=retention_days)
    async with store.transaction() as session:
        cases = list(
            await session.scalars(
                select(Case).where(
                    Case.status == "closed", Case.closed_at < cutoff, Case.purged_at.is_(None)
                )
            )
        )
        for case in cases:
            erase_case(case, now)
        ids = [case.id for case in cases]
        if ids:
            await session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(ids)))
            # Undelivered items of old cases may carry text too; none is worth keeping.
            await session.execute(delete(OutboxItem).where(OutboxItem.case_id.in_(ids)))
        for case in cases:
            if case.topic_id is not None:
                # The topic holds the relayed conversation: it goes with the retention too.
                store.enqueue(session, case, OutboxEvent.TOPIC_DELETE, {"topic_id": case.topic_id})
                case.topic_id = None
                case.card_message_id = None
        # Delivered and dead outbox items carry relayed text; drop them once old enough too.
        await session.execute(
            delete(OutboxItem).where(
                OutboxItem.status.in_(("sent", "dead")),
                or_(OutboxItem.sent_at < cutoff, OutboxItem.created_at < cutoff),
            )
        )
        if ids:
            store.audit(session, None, "system", "purged", f"{len(ids)} cases")
        return len(ids)


async def claim_job(store: CaseStore, name: str, every: timedelta, owner: str) -> bool:
    """True for exactly one caller per period, whatever the number of workers.

    The claim is one conditional UPDATE (atomic on PostgreSQL and SQLite alike): the first
    worker moves `last_run_at` to now, and every other one then finds it too recent.
    """
    now = store.now()
    try:
        async with store.transaction() as session:
            if await session.get(ScheduledJob, name) is None:
                session.add(ScheduledJob(name=name, last_run_at=None, owner=None))
    except IntegrityError:
        pass  # another worker created the row first: the claim below decides
    async with store.transaction() as session:
        claimed = await session.execute(
            update(ScheduledJob)
            .where(
                ScheduledJob.name == name,
                or_(ScheduledJob.last_run_at.is_(None), ScheduledJob.last_run_at <= now - every),
            )
            .values(last_run_at=now, owner=owner)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]
