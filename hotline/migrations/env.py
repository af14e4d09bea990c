"""Alembic environment: migrations run on a connection handed over by `upgrade_database`."""

from __future__ import annotations

from alembic import context

from hotline.cases.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hotline db upgrade`")
# The keys (`hotline.keys.Keys`), for migrations that convert personal data; None if not given.
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,
    keys=context.config.attributes.get("keys"),
)
with context.begin_transaction():
    context.run_migrations()
