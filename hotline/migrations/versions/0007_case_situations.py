"""The person's situations on a case (INTENTS.md), for operators and the statistics

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 10:00:00

A JSON list of situation names, most serious first. Cases opened before this migration have
none recorded (NULL, read as an empty list): their situations were never stored anywhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("situations", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("situations")
