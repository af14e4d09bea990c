"""Tables of the case store. Columns ending in `_enc` hold Fernet-encrypted personal data;
a person is known by a pseudonym (`hotline.cases.crypto.Pseudonyms`), never by an id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str | None] = mapped_column(String(16), unique=True)
    # The person's pseudonym (an HMAC of their user key), so their case is found again;
    # the user key itself (it names the Telegram chat) only in `person_ref_enc`. None once purged.
    user_key: Mapped[str | None] = mapped_column(String(128), index=True)
    person_ref_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    level: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, index=True)  # risk rank: higher first
    indicators: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The person's situations (INTENTS.md), most serious first: anonymous labels that stay,
    # like the level, when the case's personal data is erased. NULL: a case from before 0007.
    situations: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(String(32))
    intent: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[int | None] = mapped_column(BigInteger)  # operator's Telegram user id
    claimed_by_name: Mapped[str | None] = mapped_column(String(128))  # shown to operators only
    excerpt_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    recording_url_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    callback_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    callback_done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Whether the caller said a call back is safe (`hotline.escalation.CallbackPreference`),
    # and what they said about when (encrypted): an unsafe call back is never made.
    callback_preference: Mapped[str | None] = mapped_column(String(16))
    callback_when_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The first time an operator wrote to the person: with a claim, the case is taken.
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    topic_id: Mapped[int | None] = mapped_column(Integer, index=True)  # Telegram message_thread_id
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the case card in the topic
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_cases_open_priority", "status", "priority", "created_at"),
        # At most one open case per person, even when two workers escalate at once.
        Index(
            "uq_cases_one_open_per_person",
            "user_key",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
    )


class CaseMessage(Base):
    """What the person and operators said in a case, and operators' internal notes."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(16))  # person | operator | note
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what to which case; no personal data in `detail`."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "operator:<id>", "system", "person"
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxItem(Base):
    """A Telegram API call to make, kept until it succeeds, across restarts.

    Workers lease items (`lease_owner`, `leased_until`); a lane (`case:group`,
    `case:person`) is delivered strictly in order; `progress` counts the steps (chunks of
    a long text) already delivered; `status` is pending, sent or dead (dead letter).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))  # an `OutboxEvent` value
    lane: Mapped[str] = mapped_column(String(32))  # `hotline.cases.events.lane_key`
    priority: Mapped[int] = mapped_column(Integer, default=0)  # the case's risk rank
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)  # JSON, encrypted: may carry text
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # non-retryable ones
    progress: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    leased_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tg_message_id: Mapped[int | None] = mapped_column(BigInteger)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_outbox_lane_head", "lane", "status", "id"),
        Index("ix_outbox_claim", "status", "priority", "id"),
    )


class ScheduledJob(Base):
    """A job that runs once per period whatever the number of workers (e.g. the purge)."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    owner: Mapped[str | None] = mapped_column(String(64))


class KeyCheck(Base):
    """Proof that the configured keys are the ones the data was stored with (`key_check`)."""

    __tablename__ = "key_checks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)  # encryption | pseudonym
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
