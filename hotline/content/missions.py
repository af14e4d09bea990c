"""Kyrgyz embassies and consulates abroad, from the `missions:` section of contacts.yml.

A mission's phone numbers are contacts of the `contacts:` section, named by key, so a
number is still written once. A mission without a number found in a source lists none,
and the assistant gives the Foreign Ministry's consular line instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal, get_args

import yaml

from hotline.content.contacts import Contact
from hotline.content.places import PlacePattern, message_words, names_place, place_pattern
from nlu.catalogue import LANGUAGES, Language

MissionKind = Literal["embassy", "consulate"]
_KINDS: Final[tuple[MissionKind, ...]] = get_args(MissionKind)
_CHECKED_RE: Final = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_FIELDS: Final = frozenset(
    {"key", "country", "kind", "name", "places", "phones", "source", "checked", "note"}
)


@dataclass(frozen=True, slots=True)
class Mission:
    key: str
    country: str  # the code of an entry of `mission_countries:` ("ru", "kz")
    kind: MissionKind
    names: Mapping[Language, str]
    places: tuple[PlacePattern, ...]  # the city it is in, as people write it
    phones: tuple[str, ...]  # contact keys; empty when no number was found in a source
    source: str
    checked: str


@dataclass(frozen=True, slots=True)
class MissionCountry:
    code: str
    places: tuple[PlacePattern, ...]  # the country's name, as people write it


@dataclass(frozen=True, slots=True)
class Missions:
    """Every mission and country of contacts.yml, in the order written there."""

    missions: tuple[Mission, ...] = ()
    countries: tuple[MissionCountry, ...] = ()

    def get(self, key: str) -> Mission | None:
        return next((m for m in self.missions if m.key == key), None)

    def named_in(self, text: str) -> tuple[Mission, ...]:
        """The missions for the place a message names, nearest first; () if it names none.

        A city with a mission gives that mission, then its country's embassy; a country
        gives all of its missions, the embassy first.
        """
        words = message_words(text)
        in_city = [m for m in self.missions if any(names_place(words, p) for p in m.places)]
        codes = {m.country for m in in_city} | {
            c.code for c in self.countries if any(names_place(words, p) for p in c.places)
        }
        of_countries = sorted(
            (m for m in self.missions if m.country in codes), key=lambda m: m.kind != "embassy"
        )
        if in_city:
            embassies = [m for m in of_countries if m.kind == "embassy" and m not in in_city]
            return (*in_city, *embassies)
        return tuple(of_countries)


def read_missions(path: Path, contacts: Mapping[str, Contact]) -> tuple[Missions, list[str]]:
    """Parse the missions of contacts.yml, returning them and a problem per defect."""
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, yaml.YAMLError):
        return Missions(), []  # read_contacts already reports these
    if not isinstance(data, dict) or ("missions" not in data and "mission_countries" not in data):
        return Missions(), []
    problems: list[str] = []
    countries = []
    for index, entry in enumerate(_list(data, "mission_countries", where, problems), start=1):
        label = f"{where}: mission country #{index}"
        code = entry.get("country") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code.strip():
            problems.append(f"{label}: 'country' must be a code such as ru or kz")
            continue
        places = _places(entry.get("places"), f"{where}: country '{code}'", problems)
        countries.append(MissionCountry(code.strip(), places))
    codes = {country.code for country in countries}
    missions = []
    for index, entry in enumerate(_list(data, "missions", where, problems), start=1):
        mission = _mission(entry, index, where, codes, contacts, problems)
        if mission is not None:
            missions.append(mission)
    keys = [mission.key for mission in missions]
    problems += [
        f"{where}: mission '{k}' is listed twice" for k in sorted(set(keys)) if keys.count(k) > 1
    ]
    return Missions(tuple(missions), tuple(countries)), problems


def _mission(
    entry: Any,
    index: int,
    where: str,
    codes: set[str],
    contacts: Mapping[str, Contact],
    problems: list[str],
) -> Mission | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: mission #{index}: expected 'key:', 'country:', 'name:', ...")
        return None
    key = _text(entry.get("key"))
    label = f"{where}: mission '{key}'" if key else f"{where}: mission #{index}"
    found = [f"{label}: unknown field '{name}'" for name in entry if name not in _FIELDS]
    country = _text(entry.get("country"))
    if country not in codes:
        found.append(f"{label}: 'country' must be one of mission_countries ({', '.join(codes)})")
    kind = entry.get("kind")
    if kind not in _KINDS:
        found.append(f"{label}: 'kind' must be embassy or consulate")
    raw_names = entry.get("name")
    names = {
        lang: _text(raw_names.get(lang)) if isinstance(raw_names, dict) else None
        for lang in LANGUAGES
    }
    found += [f"{label}: 'name' needs a '{lang}:' text" for lang, n in names.items() if n is None]
    places = _places(entry.get("places"), label, found)
    phones = entry.get("phones", [])
    if not isinstance(phones, list) or not all(isinstance(p, str) for p in phones):
        found.append(f"{label}: 'phones' must be a list of contact keys, or []")
        phones = []
    found += [f"{label}: phone '{p}' names no contact" for p in phones if p not in contacts]
    source, checked = _text(entry.get("source")), _checked(entry.get("checked"))
    if source is None:
        found.append(f"{label}: 'source' is missing (where is this mission confirmed?)")
    if checked is None:
        found.append(f"{label}: 'checked' must be a date, YYYY-MM-DD or YYYY-MM")
    problems += found
    if found or key is None or country is None or source is None or checked is None:
        return None
    return Mission(
        key=key,
        country=country,
        kind="embassy" if kind == "embassy" else "consulate",
        names={lang: n for lang, n in names.items() if n is not None},
        places=places,
        phones=tuple(phones),
        source=source,
        checked=checked,
    )


def _list(data: dict[Any, Any], name: str, where: str, problems: list[str]) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        problems.append(f"{where}: '{name}:' must be a list")
        return []
    return value


def _places(value: Any, label: str, problems: list[str]) -> tuple[PlacePattern, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(f"{label}: 'places' must be a non-empty list of words")
        return ()
    patterns = []
    for written in value:
        pattern = place_pattern(written)
        if pattern is None:
            problems.append(f"{label}: place '{written}' has no letters to match")
        else:
            patterns.append(pattern)
    return tuple(patterns)


def _checked(value: object) -> str | None:
    text = _text(value.isoformat() if isinstance(value, date) else value)
    return text if text is not None and _CHECKED_RE.match(text) else None


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
