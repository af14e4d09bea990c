"""What the case-service tests build: an escalation request, and the outbox's pending kinds."""

from __future__ import annotations

from hotline.cases.outbox import OutboxQueue
from hotline.cases.store import CaseStore
from hotline.escalation import EscalationRequest


def escalation_request(
    user: str = "tg:1001", level: str = "high", **extra: object
) -> EscalationRequest:
    """A Telegram escalation in Russian; `extra` replaces or adds fields."""
    fields: dict[str, object] = {
        "user_key": user,
        "channel": "telegram",
        "language": "ru",
        "level": level,
        "indicators": (),
        "reason": "risk",
        "intent": "report_exploitation",
        "excerpt": ("работодатель забрал паспорт",),
    }
    fields.update(extra)
    return EscalationRequest(**fields)  # type: ignore[arg-type]


async def pending_kinds(store: CaseStore) -> list[str]:
    """The kinds of the outbox items still to deliver, oldest first."""
    return [item.kind.value for item in await OutboxQueue(store, "t").items("pending")]
