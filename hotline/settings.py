"""Configuration from HOTLINE_* environment variables and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = REPO_ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HOTLINE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,  # an empty line copied from .env.example means the default
    )

    bot_token: SecretStr | None = None
    telegram_api_base: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    # Public HTTPS URL of /telegram/webhook; unset: `hotline start` uses long polling.
    telegram_webhook_url: str | None = None
    operators_chat_id: int | None = None
    # Messages a minute the bot may post in the operators' group (Telegram's limit), shared
    # by every worker through Redis.
    telegram_group_per_minute: int = 20
    outbox_lease_seconds: float = 60.0  # a dead worker's items are taken over after this
    outbox_poll_seconds: float = 1.0  # how often a worker looks for new outbox items

    twilio_auth_token: SecretStr | None = None
    public_base_url: str = "http://127.0.0.1:8080"
    operator_phone: str | None = None
    operator_hours: str = "09:00-18:00"  # Asia/Bishkek; "00:00-24:00" for round the clock
    operator_days: str = "1-5"  # ISO weekdays, Monday = 1
    # Salts the hash that stands for a caller's number; unset: generated once into var/.
    phone_salt: SecretStr | None = None
    # Phone line (ivr/): Kyrgyz speech recognition is off unless a language code is set
    # (e.g. "ky-KG"); without it Kyrgyz callers use the keypad only.
    ivr_speech_language_ky: str | None = None
    ivr_speech_language_ru: str = "ru-RU"
    ivr_voice_ru: str = "Polly.Tatyana"  # Twilio <Say> voice for Russian
    ivr_default_language: Literal["ky", "ru"] = "ky"  # after silence at the language menu
    ivr_dial_timeout_seconds: int = 25  # ringing before no-answer sends the caller to voicemail
    ivr_call_ttl_seconds: int = 4 * 3600  # call state kept in Redis per CallSid
    ivr_turn_timeout_seconds: float = 6.0  # a policy turn slower than this reaches a human

    redis_url: str | None = None
    # Unset: a SQLite file in var_dir, next to the key that encrypts its personal data.
    database_url: str = ""
    encryption_key: SecretStr | None = None
    retention_days: int = 30

    # The operator console (/console/): a session ends after this long without a request,
    # and after `console_session_hours` whatever happens.
    console_idle_minutes: int = 30
    console_session_hours: int = 12

    nlu_engine: Literal["embedded", "rasa"] = "embedded"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 0.5

    content_dir: Path = REPO_ROOT / "content"
    var_dir: Path = DEFAULT_VAR_DIR
    state_ttl_seconds: int = 7 * 24 * 3600

    @model_validator(mode="after")
    def _database_in_var_dir(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / 'hotline.sqlite3'}"
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the configuration once per process."""
    return Settings()
