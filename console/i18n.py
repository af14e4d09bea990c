"""The console's language: Russian by default, Kyrgyz on request; the project's catalogues."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from aiohttp import web

from hotline.i18n import translate, translate_plural
from hotline.operator_hours import BISHKEK
from nlu.catalogue import LANGUAGES, Language

LANGUAGE_COOKIE: Final = "hotline_console_lang"
DEFAULT_LANGUAGE: Final[Language] = "ru"


def language_of(request: web.Request) -> Language:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    for language in LANGUAGES:
        if chosen == language:
            return language
    return DEFAULT_LANGUAGE


def translator(language: Language) -> Callable[..., str]:
    def gettext(msgid: str, **params: object) -> str:
        return translate(language, msgid, **params)

    return gettext


def template_helpers(language: Language) -> dict[str, Any]:
    """`_`, `ngettext`, `words` and time formatting, bound to the reader's language."""
    gettext = translator(language)

    def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
        return translate_plural(language, singular, plural, n, **params)

    def words(table: Mapping[str, str], code: str) -> str:
        msgid = table.get(code)
        return gettext(msgid) if msgid else code.replace("_", " ")

    def waited(delta: timedelta) -> str:
        return waited_text(language, delta)

    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
        "words": words,
        "waited": waited,
        "bishkek": bishkek_time,
    }


def waited_text(language: Language, delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 1:
        return translate(language, "just now")
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return translate(language, "%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return translate(language, "%(h)s h %(m)s min", h=hours, m=minutes)
    return translate(language, "%(m)s min", m=minutes)


def bishkek_time(moment: datetime | None, pattern: str = "%d.%m %H:%M") -> str:
    return moment.astimezone(BISHKEK).strftime(pattern) if moment is not None else "—"
