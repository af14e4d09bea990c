"""Phone numbers from content/contacts.yml and the {{contact.KEY}} placeholders."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml

from hotline.content.errors import ContentError
from nlu.catalogue import LANGUAGES, Language

CONTACTS_FILE: Final = "contacts.yml"

# The keys that code and content rely on (docs/architecture.md, "Contacts").
REQUIRED_CONTACT_KEYS: Final[tuple[str, ...]] = (
    "hotline_189",
    "emergency_ru",
    "police_ru",
    "emergency_kz",
    "police_kz",
    "ambulance_kz",
    "fire_kz",
    "embassy_moscow_hotline",
    "mfa_consular",
)

PLACEHOLDER_RE: Final = re.compile(r"\{\{\s*contact\.([A-Za-z0-9_]+)\s*\}\}")
# Anything that still looks like a template after filling: a misspelt placeholder.
LEFTOVER_TEMPLATE_RE: Final = re.compile(r"\{\{.*?\}\}|\{\{|\}\}")
_KEY_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_NUMBER_RE: Final = re.compile(r"^\+?[0-9][0-9 ()\-]*[0-9]$|^[0-9]$")
_CHECKED_RE: Final = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_FIELDS: Final = frozenset(
    {"key", "number", "name", "source", "checked", "note", "dial_from", "dial_from_source"}
)

# Where a number can be dialled from (`dial_from`): the countries where it is known to work,
# or "anywhere", or "unconfirmed". A person elsewhere must never be sent to it.
DIAL_PLACES: Final[tuple[str, ...]] = ("kg", "ru", "kz")
ANYWHERE: Final = "anywhere"
UNCONFIRMED: Final = "unconfirmed"


@dataclass(frozen=True, slots=True)
class Contact:
    key: str
    number: str  # as written, so that it is shown and read aloud the same way
    names: Mapping[Language, str]
    source: str
    checked: str  # YYYY-MM-DD, or YYYY-MM when only the month is known
    note: str | None = None
    # Country codes where the number is known to work, or {"anywhere"}; None: unconfirmed.
    dial_from: frozenset[str] | None = None

    def works_in(self, place: str) -> bool | None:
        """Whether the number can be dialled in `place` (a DIAL_PLACES code); None: unknown."""
        if self.dial_from is None:
            return None
        return ANYWHERE in self.dial_from or place in self.dial_from


def placeholder_keys(text: str) -> list[str]:
    """Return the contact keys that `text` refers to, in order of appearance."""
    return PLACEHOLDER_RE.findall(text)


def fill_placeholders(text: str, contacts: Mapping[str, Contact]) -> str:
    """Replace each {{contact.KEY}} with the contact's number; unknown keys raise KeyError."""
    return PLACEHOLDER_RE.sub(lambda match: contacts[match.group(1)].number, text)


def read_contacts(
    path: Path, *, require_dial_from: bool = True
) -> tuple[dict[str, Contact], list[str]]:
    """Parse contacts.yml, returning the valid contacts and a problem per defect.

    Without `require_dial_from`, a contact that does not say where it can be dialled from
    is read as unconfirmed rather than refused: the service keeps running on a newly added
    number, and `hotline content check` (which requires it) reports it.
    """
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [f"{where}: file is missing"]
    except yaml.YAMLError as exc:
        return {}, [f"{where}: not valid YAML: {exc}"]
    entries = data.get("contacts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return {}, [f"{where}: expected a top-level 'contacts:' list"]

    contacts: dict[str, Contact] = {}
    problems: list[str] = []
    seen_keys: set[str] = set()  # including entries with problems, so none is reported twice
    for index, entry in enumerate(entries, start=1):
        key = entry.get("key") if isinstance(entry, dict) else None
        label = (
            f"{where}: contact '{key}'" if isinstance(key, str) else f"{where}: contact #{index}"
        )
        contact, entry_problems = _parse_entry(entry, label, require_dial_from)
        problems += entry_problems
        if isinstance(key, str):
            if key in seen_keys:
                problems.append(f"{where}: contact '{key}' is listed twice")
            seen_keys.add(key)
        if contact is not None:
            contacts[contact.key] = contact
    problems += [
        f"{where}: required contact '{key}' is missing"
        for key in REQUIRED_CONTACT_KEYS
        if key not in seen_keys
    ]
    return contacts, problems


def load_contacts(path: Path) -> dict[str, Contact]:
    """Parse contacts.yml or raise ContentError listing every problem."""
    contacts, problems = read_contacts(path, require_dial_from=False)
    if problems:
        raise ContentError(problems)
    return contacts


def _parse_entry(
    entry: Any, where: str, require_dial_from: bool
) -> tuple[Contact | None, list[str]]:
    if not isinstance(entry, dict):
        return None, [f"{where}: expected 'key:', 'number:', 'name:', 'source:', 'checked:'"]
    problems = [f"{where}: unknown field '{name}'" for name in entry if name not in _FIELDS]
    key = _text(entry.get("key"))
    if key is None or not _KEY_RE.match(key):
        problems.append(f"{where}: 'key' must be lower-case letters, digits and '_'")
    raw_number = entry.get("number")
    number = _text(str(raw_number) if isinstance(raw_number, int) else raw_number)
    if number is None or not _NUMBER_RE.match(number):
        problems.append(f"{where}: 'number' must be digits, spaces, '+', '-' or brackets")
    raw_names = entry.get("name")
    names = {
        language: _text(raw_names.get(language)) if isinstance(raw_names, dict) else None
        for language in LANGUAGES
    }
    problems += [
        f"{where}: 'name' needs a '{language}:' text"
        for language, name in names.items()
        if name is None
    ]
    source = _text(entry.get("source"))
    if source is None:
        problems.append(f"{where}: 'source' is missing (where does this number come from?)")
    raw_checked = entry.get("checked")
    checked = _text(raw_checked.isoformat() if isinstance(raw_checked, date) else raw_checked)
    if checked is None or not _CHECKED_RE.match(checked):
        problems.append(f"{where}: 'checked' must be a date, YYYY-MM-DD or YYYY-MM")
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        problems.append(f"{where}: 'note' must be text")
    dial_from, dial_problems = _parse_dial_from(entry, where, require_dial_from)
    problems += dial_problems
    if problems or key is None or number is None or source is None or checked is None:
        return None, problems
    contact = Contact(
        key=key,
        number=number,
        names={language: name for language, name in names.items() if name is not None},
        source=source,
        checked=checked,
        note=note,
        dial_from=dial_from,
    )
    return contact, []


def _parse_dial_from(
    entry: dict[Any, Any], where: str, required: bool
) -> tuple[frozenset[str] | None, list[str]]:
    """Read `dial_from` (and the source it needs), or say what is wrong with it."""
    allowed = ", ".join(f"[{place}]" for place in DIAL_PLACES)
    wanted = f"write a list such as {allowed} or [{ANYWHERE}], or '{UNCONFIRMED}'"
    if "dial_from" not in entry:
        if not required:
            return None, []
        return None, [f"{where}: 'dial_from' is missing (where can it be dialled from? {wanted})"]
    raw = entry["dial_from"]
    if raw == UNCONFIRMED:
        return None, []
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
        return None, [f"{where}: 'dial_from' must be a list of places or '{UNCONFIRMED}': {wanted}"]
    places = frozenset(raw)
    problems = [
        f"{where}: 'dial_from' has an unknown place '{place}': {wanted}"
        for place in sorted(places - {*DIAL_PLACES, ANYWHERE})
    ]
    if ANYWHERE in places and len(places) > 1:
        problems.append(f"{where}: 'dial_from' is either [{ANYWHERE}] or a list of countries")
    if _text(entry.get("dial_from_source")) is None:
        problems.append(
            f"{where}: 'dial_from_source' is missing (where does it say that the number works "
            f"there? Without a source, write dial_from: {UNCONFIRMED})"
        )
    return (None if problems else places), problems


def _text(value: object) -> str | None:
    """Return `value` stripped if it is non-empty text, else None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
