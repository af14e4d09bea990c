"""Wording a person in danger relies on: where each number works, and never the police alone.

Two rules, checked in every answer, phone prompt and UI string:

- A number that works only in some countries (`dial_from` in contacts.yml) is shown with
  the place where it works, in the same sentence or under a heading naming it; "call 189"
  says that it is for calls within Kyrgyzstan. A person abroad reaches Hotline 189 through
  this chat or the phone line itself, never by dialling a Kyrgyz number.
- A text that mentions the police also says what to do when the police are not safe:
  112 if in danger now, and Hotline 189 ("оператор" in the chat, 0 on the phone).

These are wording checks: they catch a missing qualifier, not a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final, Literal

import yaml
from babel.messages.pofile import PoFileError, read_po

from hotline.content.contacts import ANYWHERE, PLACEHOLDER_RE, Contact
from hotline.i18n import catalogue_path
from nlu.catalogue import LANGUAGES, Language

Channel = Literal["chat", "phone"]
PROMPTS_FILE: Final = "ivr.yml"

# Words that say where a number works. Russia and Kazakhstan by name; Kyrgyzstan only in
# phrases that mean "within Kyrgyzstan", since "migrants from Kyrgyzstan" says nothing.
PLACE_WORDS: Final[dict[str, dict[Language, tuple[str, ...]]]] = {
    "kg": {
        "ru": ("по кыргызстану", "в кыргызстане", "внутри кыргызстана"),
        "ky": ("кыргызстандын ичинде", "кыргызстанда"),
    },
    "ru": {"ru": ("росси",), "ky": ("росси", "орусия")},
    "kz": {"ru": ("казахстан",), "ky": ("казакстан",)},
}
# A hotline named by its short number, as in "call Hotline 189".
NAMED_CONTACTS: Final[dict[str, re.Pattern[str]]] = {"hotline_189": re.compile(r"(?<!\d)189(?!\d)")}
_CALL_VERBS: Final[dict[Language, re.Pattern[str]]] = {
    "ru": re.compile(r"\b(?:по)?звон(?:ите|ить|и)\b|\bнабер(?:ите|ёте)\b|\bдозвон", re.I),
    "ky": re.compile(r"\bчал(?:ыңыз|ыңыздар|гыла|саңыз|ып|уу|ууга)\b", re.I),
}
_POLICE_RE: Final = re.compile(r"полици|милици|%\(police\)s", re.I)
_AFRAID_OF_POLICE: Final[dict[Language, re.Pattern[str]]] = {
    "ru": re.compile(r"бои\w*\s+(?:\w+\s+){0,3}(?:полици|милици)", re.I),
    "ky": re.compile(r"(?:полици|милици)\w*\s+(?:\w+\s+){0,2}корк", re.I),
}
_OTHER_WAY: Final[dict[Channel, dict[Language, re.Pattern[str]]]] = {
    "chat": {"ru": re.compile("оператор", re.I), "ky": re.compile("оператор", re.I)},
    "phone": {
        "ru": re.compile(r"нажмите (?:0|ноль)\b", re.I),
        "ky": re.compile(r"нөлдү басыңыз", re.I),
    },
}
_EMERGENCY_RE: Final = re.compile(r"\{\{\s*contact\.emergency_\w+\s*\}\}|%\(emergency\)s|\b112\b")
_HEADING_RE: Final = re.compile(r"^\s*(?:#+\s|\*\*[^*]+\*\*)")
_SENTENCE_END_RE: Final = re.compile(r"(?<=[.!?…])\s+")
_WAY_WORDS: Final[dict[Channel, str]] = {
    "chat": "that an operator of Hotline 189 helps (write «оператор» here)",
    "phone": "press 0 (ru: «нажмите ноль», ky: «нөлдү басыңыз»)",
}


def dialling_problems(text: str, language: Language, contacts: Mapping[str, Contact]) -> list[str]:
    """Numbers in `text` (placeholders as written) shown without the place where they work."""
    problems: list[str] = []
    for context, sentence in _sentences(text):
        keys = [m.group(1) for m in PLACEHOLDER_RE.finditer(sentence)]
        verb = _CALL_VERBS[language].search(sentence)
        keys += [key for key, name in NAMED_CONTACTS.items() if verb and name.search(sentence)]
        for key in dict.fromkeys(keys):
            contact = contacts.get(key)
            if contact is None:
                continue  # reported as an unknown placeholder
            if contact.dial_from is None:
                problems.append(
                    f"{contact.number} ({key}): where it can be dialled from is unconfirmed "
                    "(dial_from in contacts.yml); confirm it before an answer shows it"
                )
            elif ANYWHERE not in contact.dial_from and not _names_a_place(
                context, contact, language
            ):
                problems.append(
                    f"'{_short(sentence)}': say where {contact.number} ({key}) works "
                    f"({_places(contact)}), so that nobody elsewhere is sent to it"
                )
    return problems


def police_problems(
    text: str, language: Language, channel: Channel, *, needs_number: bool = True
) -> list[str]:
    """A mention of the police without the way to get help when the police are not safe.

    `needs_number=False` for UI strings: they carry no numbers of their own (the emergency
    list they stand under, or a %(emergency)s parameter, gives them).
    """
    if not _POLICE_RE.search(text):
        return []
    missing = []
    if not _AFRAID_OF_POLICE[language].search(text):
        missing.append("what to do if the person is afraid of the police")
    if not _OTHER_WAY[channel][language].search(text):
        missing.append(_WAY_WORDS[channel])
    if needs_number and not _EMERGENCY_RE.search(text):
        missing.append("the emergency number (112) for danger now")
    if not missing:
        return []
    return [
        "mentions the police, so it must also say: "
        + "; ".join(missing)
        + " (see content/README.md)"
    ]


def contact_name_problems(contacts: Mapping[str, Contact]) -> list[str]:
    """Names shown next to numbers (the emergency list) must say where each number works."""
    return [
        f"contacts.yml: contact '{key}': name.{language} must say where it works ({_places(c)})"
        for key, c in contacts.items()
        if c.dial_from is not None and ANYWHERE not in c.dial_from
        for language in LANGUAGES
        if not _names_a_place(c.names.get(language, ""), c, language)
    ]


def prompt_problems(content_dir: Path, contacts: Mapping[str, Contact]) -> list[str]:
    """The rules above for each phone prompt in content/<lang>/ivr.yml."""
    problems = []
    for language in LANGUAGES:
        for name, text in read_prompt_texts(content_dir, language).items():
            where = f"{language}/{PROMPTS_FILE}: '{name}'"
            found = dialling_problems(text, language, contacts)
            found += police_problems(text, language, "phone")
            problems += [f"{where}: {problem}" for problem in found]
    return problems


def catalogue_problems(content_dir: Path, contacts: Mapping[str, Contact]) -> list[str]:
    """The rules above for each translated UI string (chat wording)."""
    problems = []
    for language in LANGUAGES:
        path = catalogue_path(content_dir, language)
        try:
            with path.open("rb") as file:
                catalog = read_po(file)
        except (OSError, PoFileError, ValueError):
            continue  # the catalogue check reports it
        for message in catalog:
            if not message.id:
                continue
            string = message.string
            strings: list[str] = [string] if isinstance(string, str) else list(string or ())
            for text in filter(None, strings):
                found = dialling_problems(text, language, contacts)
                found += police_problems(text, language, "chat", needs_number=False)
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                problems += [
                    f"{language}/LC_MESSAGES/messages.po: {msgid[:50]!r}: {p}" for p in found
                ]
    return problems


def read_prompt_texts(content_dir: Path, language: Language) -> dict[str, str]:
    """The phone prompts of `language` as written, placeholders kept; {} if unreadable."""
    try:
        data = yaml.safe_load((content_dir / language / PROMPTS_FILE).read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return {}  # the phone line reports it when it loads the prompts
    prompts = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(prompts, dict):
        return {}
    return {str(name): text for name, text in prompts.items() if isinstance(text, str)}


def _sentences(text: str) -> Iterator[tuple[str, str]]:
    """(context, sentence) pairs: the context is the sentence with the heading above it."""
    heading = ""
    for line in text.splitlines():
        if _HEADING_RE.match(line):
            heading = line
        for sentence in _SENTENCE_END_RE.split(line):
            if sentence.strip():
                yield f"{heading}\n{sentence}", sentence


def _names_a_place(context: str, contact: Contact, language: Language) -> bool:
    lowered = context.lower()
    return any(
        word in lowered
        for place in contact.dial_from or ()
        for word in PLACE_WORDS.get(place, {}).get(language, ())
    )


def _places(contact: Contact) -> str:
    return "only in " + ", ".join(sorted(contact.dial_from or ()))


def _short(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= 80 else sentence[:77] + "..."
