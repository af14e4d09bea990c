"""Answers in both languages, parsed once and kept in memory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar

from hotline.content.contacts import CONTACTS_FILE, Contact, fill_placeholders, load_contacts
from hotline.content.errors import AnswerNotFound, ContentError
from hotline.content.files import AnswerFile, ReviewStatus, read_answer_file
from hotline.content.missions import Missions, read_missions
from nlu.catalogue import INTENTS, LANGUAGES, Language


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer as a person gets it: contacts filled in, in one language."""

    intent: str
    language: Language
    title: str
    summary: str  # plain sentences for the phone menu to read aloud
    body_markdown: str
    related: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed: date
    review_status: ReviewStatus


# Files found by stat: (relative path, mtime in ns, size). A changed file reloads the store.
_Fingerprint = tuple[tuple[str, int, int], ...]


class ContentStore:
    """The answers under a content directory: content/<lang>/<intent>.md and contacts.yml
    (its contacts and its Kyrgyz missions abroad)."""

    _cache: ClassVar[dict[Path, tuple[_Fingerprint, ContentStore]]] = {}

    def __init__(
        self,
        answers: Mapping[tuple[Language, str], Answer],
        contacts: Mapping[str, Contact],
        missions: Missions | None = None,
    ) -> None:
        self._answers = dict(answers)
        self.contacts: Mapping[str, Contact] = MappingProxyType(dict(contacts))
        self.missions = missions or Missions()

    @classmethod
    def load(cls, content_dir: Path) -> ContentStore:
        """Parse every answer file under `content_dir`, or raise ContentError listing problems.

        The result is cached per directory until one of its files changes.
        """
        root = content_dir.resolve()
        fingerprint = _fingerprint(root)
        cached = cls._cache.get(root)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        store = cls._parse(root)
        cls._cache[root] = (fingerprint, store)
        return store

    @classmethod
    def _parse(cls, root: Path) -> ContentStore:
        contacts = load_contacts(root / CONTACTS_FILE)
        missions, problems = read_missions(root / CONTACTS_FILE, contacts)
        answers: dict[tuple[Language, str], Answer] = {}
        for language in LANGUAGES:
            for path in sorted((root / language).glob("*.md")):
                where = f"{language}/{path.name}"
                parsed, file_problems = read_answer_file(path)
                problems += [f"{where}: {problem}" for problem in file_problems]
                if parsed is None:
                    continue
                try:
                    answers[language, parsed.intent] = fill_answer(parsed, language, contacts)
                except KeyError as exc:
                    problems.append(f"{where}: {{{{contact.{exc.args[0]}}}}} names no contact")
        if problems:
            raise ContentError(problems)
        return cls(answers, contacts, missions)

    def answer(self, language: Language, intent: str) -> Answer:
        """Return the answer for `intent` in `language`; raise AnswerNotFound when there is none."""
        try:
            return self._answers[language, intent]
        except KeyError:
            raise AnswerNotFound(f"no answer for {intent!r} in {language!r}") from None

    def missions_named(self, text: str) -> tuple[str, ...]:
        """The keys of the Kyrgyz missions for the place `text` names, nearest first."""
        return tuple(mission.key for mission in self.missions.named_in(text))

    def has_answer(self, language: Language, intent: str) -> bool:
        return (language, intent) in self._answers

    def titles(self, language: Language) -> dict[str, str]:
        """Map each intent with an answer in `language` to its title, in catalogue order."""
        return {
            intent: self._answers[language, intent].title
            for intent in self.intents()
            if (language, intent) in self._answers
        }

    def intents(self) -> tuple[str, ...]:
        """Intents with an answer in any language: catalogue order first, then any others."""
        present = {intent for _, intent in self._answers}
        known = [intent for intent in INTENTS if intent in present]
        return (*known, *sorted(present - set(INTENTS)))


def fill_answer(parsed: AnswerFile, language: Language, contacts: Mapping[str, Contact]) -> Answer:
    """Fill the contacts into an answer file; an unknown placeholder key raises KeyError."""
    return Answer(
        intent=parsed.intent,
        language=language,
        title=fill_placeholders(parsed.title, contacts),
        summary=fill_placeholders(parsed.summary, contacts),
        body_markdown=fill_placeholders(parsed.body_markdown, contacts),
        related=parsed.related,
        sources=parsed.sources,
        reviewed=parsed.reviewed,
        review_status=parsed.review_status,
    )


def _fingerprint(root: Path) -> _Fingerprint:
    paths = [root / CONTACTS_FILE]
    for language in LANGUAGES:
        paths += sorted((root / language).glob("*.md"))
    entries = []
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        entries.append((str(path.relative_to(root)), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)
