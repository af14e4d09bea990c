"""Leased outbox (lanes, priority, lease, progress, Telegram message id, dead letters) and
scheduled jobs

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PERSON_KINDS = "('operator_to_person', 'person_notice')"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lane", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("progress", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("tg_message_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE outbox SET lane = COALESCE(CAST(case_id AS VARCHAR(16)), '-') || ':' || "
        f"CASE WHEN kind IN {PERSON_KINDS} THEN 'person' ELSE 'group' END"
    )
    op.execute(
        "UPDATE outbox SET priority = COALESCE("
        "(SELECT cases.priority FROM cases WHERE cases.id = outbox.case_id), 0)"
    )
    op.execute("UPDATE outbox SET status = 'dead' WHERE status = 'failed'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("lane", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index("ix_outbox_lane_head", ["lane", "status", "id"], unique=False)
        batch_op.create_index("ix_outbox_claim", ["status", "priority", "id"], unique=False)

    op.create_table(
        "scheduled_jobs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("scheduled_jobs")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_claim")
        batch_op.drop_index("ix_outbox_lane_head")
        for column in (
            "tg_message_id",
            "failures",
            "progress",
            "leased_until",
            "lease_owner",
            "priority",
            "lane",
        ):
            batch_op.drop_column(column)
