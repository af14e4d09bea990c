"""Whether a call back is safe (and when), and when an operator first answered

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_preference", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("callback_when_enc", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("answered_at")
        batch_op.drop_column("callback_when_enc")
        batch_op.drop_column("callback_preference")
