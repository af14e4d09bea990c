"""Everything a phone route needs, built once by `setup_ivr` and kept on the /ivr/ app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from aiohttp import web

from hotline.operator_hours import OperatorHours
from hotline.settings import Settings
from ivr.caller import Caller, caller_from_form
from ivr.failures import log_failure
from ivr.menus import MENU_NAMES, MenuName
from ivr.ports import IvrServices
from ivr.prompts import PromptBook
from ivr.signature import FORM_KEY
from ivr.state import CallStore
from ivr.twiml import Links, Speaker, TwimlCache
from nlu.catalogue import LANGUAGES, Language

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class IvrContext:
    services: IvrServices
    settings: Settings
    prompts: PromptBook
    speaker: Speaker
    links: Links
    store: CallStore
    hours: OperatorHours
    phone_salt: str  # read once: a request must not touch the disk for it
    clock: Callable[[], datetime] = field(default=_utc_now)
    twiml_cache: TwimlCache = field(default_factory=TwimlCache)
    last_resort: str = ""  # fixed TwiML for when even the rescue fails (see ivr.rescue)

    def form(self, request: web.Request) -> dict[str, str]:
        proxy = request.get(FORM_KEY)
        return dict(proxy.items()) if proxy is not None else {}

    def caller(self, request: web.Request) -> Caller:
        return caller_from_form(self.form(request), self.phone_salt)

    def language_of(self, request: web.Request, param: str = "l") -> Language:
        """The language carried in the step's URL; the configured default if absent."""
        return parse_language(request.query.get(param)) or self.settings.ivr_default_language

    def speech_language(self, language: Language) -> str | None:
        if language == "ru":
            return self.settings.ivr_speech_language_ru or None
        return self.settings.ivr_speech_language_ky or None

    def operators_available(self) -> bool:
        return bool(self.settings.operator_phone) and self.hours.is_open(self.clock())

    def count(self, name: str, **labels: str) -> None:
        """Increment a metric; counting never breaks a call."""
        try:
            self.services.metrics.inc(name, 1, **labels)
        except Exception as exc:  # noqa: BLE001 - logged by log_failure, without its message
            log_failure(log, f"metrics failed for {name}", exc)


IVR_CONTEXT: Final = web.AppKey("ivr_context", IvrContext)


def parse_language(value: str | None) -> Language | None:
    return next((lang for lang in LANGUAGES if lang == value), None)


def parse_menu(value: str | None) -> MenuName:
    return next((name for name in MENU_NAMES if name == value), "main")
