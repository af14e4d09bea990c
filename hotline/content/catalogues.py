"""Check the gettext catalogues: every UI string translated in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import PoFileError, read_po

from hotline.i18n import DOMAIN, catalogue_path
from nlu.catalogue import LANGUAGES

TEMPLATE_FILE: Final = f"{DOMAIN}.pot"
_PLACEHOLDER_RE: Final = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# Plural forms per language (gettext Plural-Forms headers).
PLURAL_FORMS: Final[dict[str, tuple[int, str]]] = {
    "ru": (
        3,
        "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    ),
    "ky": (2, "(n != 1)"),
}


def check_catalogues(content_dir: Path, source_root: Path | None = None) -> list[str]:
    """List problems: msgids missing, fuzzy or untranslated in a catalogue, or a stale .pot.

    With `source_root` (the directory holding babel.cfg), also extract the msgids from the
    code and report those the .pot does not have yet.
    """
    template, problems = _read(content_dir / TEMPLATE_FILE, TEMPLATE_FILE)
    if template is None:
        return problems
    if source_root is not None:
        problems += _stale_template(template, source_root)
    for language in LANGUAGES:
        where = f"{language}/LC_MESSAGES/{DOMAIN}.po"
        catalog, read_problems = _read(catalogue_path(content_dir, language), where)
        problems += read_problems
        if catalog is not None:
            problems += _catalogue_problems(template, catalog, language, where)
    return problems


def _read(path: Path, where: str) -> tuple[Catalog | None, list[str]]:
    try:
        with path.open("rb") as file:
            return read_po(file, abort_invalid=True), []
    except FileNotFoundError:
        return None, [f"{where}: file is missing (run `make i18n-update`)"]
    except (PoFileError, ValueError) as exc:
        return None, [f"{where}: cannot be read: {exc}"]


def _catalogue_problems(
    template: Catalog, catalog: Catalog, language: str, where: str
) -> list[str]:
    problems: list[str] = []
    expected_count, expected_rule = PLURAL_FORMS[language]
    header = catalog.mime_headers
    plural_header = next((value for name, value in header if name == "Plural-Forms"), "")
    if f"nplurals={expected_count};" not in plural_header.replace(" ", "") or (
        expected_rule.replace(" ", "") not in plural_header.replace(" ", "")
    ):
        problems.append(
            f"{where}: Plural-Forms must be 'nplurals={expected_count}; plural={expected_rule};'"
        )
    if catalog.fuzzy:
        problems.append(f"{where}: the header is marked fuzzy, so the catalogue would be skipped")
    for message in _messages(template):
        label = _label(message)
        translated = catalog.get(message.id, context=message.context)
        if translated is None:
            problems.append(f"{where}: {label} is missing (run `make i18n-update`)")
        elif translated.fuzzy:
            problems.append(f"{where}: {label} is fuzzy: check the translation, remove 'fuzzy'")
        elif not _is_translated(translated, expected_count):
            problems.append(f"{where}: {label} is not translated")
        elif not _keeps_placeholders(translated):
            wanted = " ".join(sorted(set(_PLACEHOLDER_RE.findall(_joined(translated.id)))))
            problems.append(f"{where}: {label} must keep the placeholders {wanted}")
    for message, errors in catalog.check():
        if message.id and not message.fuzzy:
            problems += [f"{where}: {_label(message)}: {error}" for error in errors]
    return problems


def _stale_template(template: Catalog, source_root: Path) -> list[str]:
    mapping_path = source_root / "babel.cfg"
    if not mapping_path.exists():
        return []
    with mapping_path.open(encoding="utf-8") as mapping_file:
        method_map, options_map = parse_mapping_cfg(  # type: ignore[no-untyped-call]
            mapping_file, filename=str(mapping_path)
        )
    problems = []
    seen: set[str] = set()
    for filename, _lineno, message, _comments, context in extract_from_dir(
        source_root, method_map, options_map
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid in seen:
            continue
        seen.add(msgid)
        if template.get(msgid, context) is None:
            problems.append(
                f"{TEMPLATE_FILE}: {msgid!r} (in {filename}) is not extracted yet "
                "(run `make i18n-update`)"
            )
    return problems


def _messages(catalog: Catalog) -> Iterable[Message]:
    return (message for message in catalog if message.id)


def _is_translated(message: Message, plural_count: int) -> bool:
    if message.pluralizable:
        forms = message.string if isinstance(message.string, (list, tuple)) else ()
        return len(forms) == plural_count and all(forms)
    return bool(message.string)


def _keeps_placeholders(message: Message) -> bool:
    """Each translated form must use exactly the %(name)s placeholders of the source text."""
    wanted = set(_PLACEHOLDER_RE.findall(_joined(message.id)))
    string = message.string
    forms: list[str] = [string] if isinstance(string, str) else list(string or ())
    return all(set(_PLACEHOLDER_RE.findall(form or "")) == wanted for form in forms)


def _joined(text: str | tuple[str, ...] | list[str] | None) -> str:
    if text is None:
        return ""
    return text if isinstance(text, str) else "\n".join(text)


def _label(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return repr(msgid)
