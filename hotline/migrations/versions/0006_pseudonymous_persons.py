"""Persons known by a pseudonym, their reference encrypted; the key check table

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 10:00:00

`cases.user_key` held the person's user key in clear (`tg:<Telegram id>`). It now holds an
HMAC of it (`hotline.cases.crypto.Pseudonyms`), and the user key itself, which the outbox
needs to reach the person's chat, is kept encrypted in `cases.person_ref_enc`. Existing rows
are converted here, which needs the keys: `upgrade_database(engine, keys)` hands them over
(`hotline db upgrade` and every start do).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hotline.cases.crypto import is_pseudonym
from hotline.cases.key_check import verify_sealed_sample

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NEEDS_KEYS = (
    "migration 0006 replaces the user keys of {count} cases by pseudonyms and needs the "
    "keys: run `hotline db upgrade` with HOTLINE_ENCRYPTION_KEY and HOTLINE_PHONE_SALT set "
    "(or the files in HOTLINE_VAR_DIR) as the service runs with them"
)


def upgrade() -> None:
    # Everything that can refuse comes first: SQLite does not undo the DDL of a failed step.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, user_key FROM cases WHERE user_key IS NOT NULL"))
    legacy = [(case_id, key) for case_id, key in rows if not is_pseudonym(key)]
    keys = op.get_context().opts.get("keys")
    if legacy:
        if keys is None:
            raise RuntimeError(NEEDS_KEYS.format(count=len(legacy)))
        # Never convert with a key that cannot open what is already there.
        verify_sealed_sample(bind, keys.sealer)
    op.create_table(
        "key_checks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_ref_enc", sa.LargeBinary(), nullable=True))
    for case_id, key in legacy:
        assert keys is not None  # checked above
        bind.execute(
            sa.text("UPDATE cases SET user_key = :pseudonym, person_ref_enc = :ref WHERE id = :id"),
            {"pseudonym": keys.pseudonyms.of(key), "ref": keys.sealer.seal(key), "id": case_id},
        )


def downgrade() -> None:
    bind = op.get_bind()
    rows = list(
        bind.execute(
            sa.text("SELECT id, person_ref_enc FROM cases WHERE person_ref_enc IS NOT NULL")
        )
    )
    if rows:
        keys = op.get_context().opts.get("keys")
        if keys is None:
            raise RuntimeError(NEEDS_KEYS.format(count=len(rows)))
        for case_id, ref in rows:
            bind.execute(
                sa.text("UPDATE cases SET user_key = :key WHERE id = :id"),
                {"key": keys.sealer.open(bytes(ref)), "id": case_id},
            )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("person_ref_enc")
    op.drop_table("key_checks")
