"""UI strings through gettext: content/<lang>/LC_MESSAGES/messages.po, domain `messages`.

Compiled .mo files are build output (`make i18n`). When one is missing or older than
its .po, the .po is compiled in memory, so a fresh checkout works before the build.
"""

from __future__ import annotations

import gettext
import io
import logging
from functools import lru_cache
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from hotline.settings import get_settings
from nlu.catalogue import LANGUAGES, Language

DOMAIN: Final = "messages"
log = logging.getLogger(__name__)


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction without translating it (it is translated where shown)."""
    return msgid


def catalogue_path(content_dir: Path, language: str, suffix: str = ".po") -> Path:
    """Return where the catalogue of `language` lives under `content_dir`."""
    return content_dir / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@lru_cache(maxsize=8)
def load_translations(content_dir: Path, language: Language) -> gettext.NullTranslations:
    """Load the compiled catalogue of `language`, compiling the .po in memory if needed."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    po_path = catalogue_path(content_dir, language)
    mo_path = catalogue_path(content_dir, language, ".mo")
    try:
        if mo_path.exists() and (
            not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
        ):
            with mo_path.open("rb") as mo_file:
                return gettext.GNUTranslations(mo_file)
        if po_path.exists():
            return _compile_in_memory(po_path, language)
    except (OSError, ValueError) as exc:
        log.error("cannot load the %s catalogue: %s", language, exc)
        return gettext.NullTranslations()
    log.warning("no %s catalogue under %s: showing English UI strings", language, content_dir)
    return gettext.NullTranslations()


def _compile_in_memory(po_path: Path, language: Language) -> gettext.GNUTranslations:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # fuzzy entries are unchecked guesses
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _translations(language: Language) -> gettext.NullTranslations:
    return load_translations(get_settings().content_dir.resolve(), language)


def translate(language: Language, msgid: str, /, **params: object) -> str:
    """Translate `msgid` into `language`, then fill `%(name)s` from `params` if any."""
    text = _translations(language).gettext(msgid)
    return _format(text, msgid, params)


def translate_plural(
    language: Language, singular: str, plural: str, n: int, /, **params: object
) -> str:
    """Translate by count `n` with the language's plural rule; `%(num)d` is `n` by default."""
    text = _translations(language).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return _format(text, singular if n == 1 else plural, params)


def _format(text: str, source: str, params: dict[str, object]) -> str:
    if not params:
        return text
    try:
        return text % params
    except (KeyError, ValueError, TypeError):
        # A broken translation must not break the conversation: fall back to English.
        log.error("translation of %r has bad placeholders", source)
        try:
            return source % params
        except (KeyError, ValueError, TypeError):
            return source
