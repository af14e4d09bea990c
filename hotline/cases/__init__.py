"""Durable escalation cases: SQLAlchemy 2 (async) models, the store, encryption, the outbox.

SQLite by default, PostgreSQL in production. Transcripts, notes, callback numbers and
recording links are encrypted at rest; a purge removes them after the retention period.
"""
