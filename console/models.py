"""The console's table (migration 0004 in hotline/migrations): accounts of operators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "console_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # operator | supervisor
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id
    must_change_password: Mapped[bool] = mapped_column(Boolean)
    totp_secret_enc: Mapped[bytes] = mapped_column(LargeBinary)  # Fernet, like case data
    last_totp_step: Mapped[int | None] = mapped_column(BigInteger)  # a code is good once
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
