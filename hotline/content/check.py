"""`hotline content check`: every problem an editor must fix before answers go live."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from hotline.content.catalogues import check_catalogues
from hotline.content.compare import guess_language, number_key, numbers_in, phone_numbers_in
from hotline.content.contacts import (
    CONTACTS_FILE,
    LEFTOVER_TEMPLATE_RE,
    PLACEHOLDER_RE,
    Contact,
    placeholder_keys,
    read_contacts,
)
from hotline.content.files import SUMMARY_MAX_CHARS, AnswerFile, read_answer_file
from hotline.content.missions import read_missions
from hotline.content.recordings import RECORDED_LANGUAGES, phone_texts, recording_problems
from hotline.content.render import TELEGRAM_MAX_CHARS, render_answer_html
from hotline.content.safe_wording import (
    catalogue_problems,
    contact_name_problems,
    dialling_problems,
    police_problems,
    prompt_problems,
)
from hotline.content.store import Answer
from nlu.catalogue import INTENTS, LANGUAGES, Language

_LANGUAGE_NAMES: Final = {"ky": "Kyrgyz", "ru": "Russian"}
# The phone menu reads the summary aloud: links and Markdown make no sense there.
_UNSPEAKABLE_RE: Final = re.compile(r"https?://|www\.|[*_#`<>\[\]|]")


@dataclass(slots=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # answer files still review_status: draft
    answers: int = 0  # answer files that parsed

    @property
    def ok(self) -> bool:
        return not self.problems


def check_content(
    content_dir: Path,
    *,
    source_root: Path | None = None,
    intents: Sequence[str] = INTENTS,
) -> CheckReport:
    """Check answers, contacts and UI catalogues under `content_dir`.

    `source_root` is the directory with babel.cfg: given, UI strings in the code that are
    not in the .pot yet are reported too.
    """
    report = CheckReport()
    contacts, contact_problems = read_contacts(content_dir / CONTACTS_FILE)
    report.problems += contact_problems
    report.problems += contact_name_problems(contacts)
    report.problems += read_missions(content_dir / CONTACTS_FILE, contacts)[1]

    parsed: dict[tuple[Language, str], AnswerFile] = {}
    for language in LANGUAGES:
        for intent in intents:
            if not (content_dir / language / f"{intent}.md").exists():
                report.problems.append(
                    f"{language}/{intent}.md: missing (every intent needs an answer in "
                    "both languages)"
                )
        for path in sorted((content_dir / language).glob("*.md")):
            where = f"{language}/{path.name}"
            if path.stem not in intents:
                report.problems.append(
                    f"{where}: '{path.stem}' is not an intent (see nlu/catalogue.py INTENTS)"
                )
                continue
            answer_file, problems = read_answer_file(path)
            report.problems += [f"{where}: {problem}" for problem in problems]
            if answer_file is not None:
                parsed[language, answer_file.intent] = answer_file

    report.answers = len(parsed)
    filled: dict[tuple[Language, str], Answer] = {}
    for (language, intent), answer_file in parsed.items():
        where = f"{language}/{intent}.md"
        answer = _fill_known(answer_file, language, contacts)
        filled[language, intent] = answer
        report.problems += [
            f"{where}: {p}" for p in _answer_problems(answer_file, answer, contacts, intents)
        ]
        report.problems += [
            f"{where}: {p}" for p in _wording_problems(answer_file, language, contacts)
        ]
        if answer.review_status == "draft":
            report.drafts.append(where)

    for intent in intents:
        pair = [filled.get((language, intent)) for language in LANGUAGES]
        if all(answer is not None for answer in pair):
            report.problems += _number_problems(intent, [a for a in pair if a is not None])

    report.problems += check_catalogues(content_dir, source_root)
    report.problems += prompt_problems(content_dir, contacts)
    report.problems += catalogue_problems(content_dir, contacts)
    for language in RECORDED_LANGUAGES:
        summaries = {
            intent: answer.summary for (lang, intent), answer in filled.items() if lang == language
        }
        items = phone_texts(content_dir, language, contacts, summaries)
        report.problems += recording_problems(content_dir, language, items)
    return report


def _wording_problems(
    answer_file: AnswerFile, language: Language, contacts: Mapping[str, Contact]
) -> list[str]:
    """Where numbers work and the police: the chat text, then the summary read on the phone."""
    chat = "\n".join((answer_file.title, answer_file.body_markdown))
    problems = dialling_problems(chat, language, contacts) + police_problems(chat, language, "chat")
    phone = dialling_problems(answer_file.summary, language, contacts)
    phone += police_problems(answer_file.summary, language, "phone")
    return problems + [f"summary (read on the phone): {problem}" for problem in phone]


def _answer_problems(
    answer_file: AnswerFile, answer: Answer, contacts: Mapping[str, Contact], intents: Sequence[str]
) -> list[str]:
    problems: list[str] = []
    written = "\n".join((answer_file.title, answer_file.summary, answer_file.body_markdown))
    for key in dict.fromkeys(placeholder_keys(written)):
        if key not in contacts:
            problems.append(f"{{{{contact.{key}}}}} names no contact in {CONTACTS_FILE}")
    for leftover in dict.fromkeys(LEFTOVER_TEMPLATE_RE.findall(PLACEHOLDER_RE.sub("", written))):
        problems.append(f"'{leftover}' is not a placeholder; write {{{{contact.KEY}}}}")

    written_numbers = phone_numbers_in(PLACEHOLDER_RE.sub(" ", written))
    for number, keys in _numbers_of_contacts(contacts).items():
        if number in written_numbers:
            placeholders = " or ".join(f"{{{{contact.{key}}}}}" for key in keys)
            problems.append(
                f"the phone number {contacts[keys[0]].number} is written directly; "
                f"write {placeholders} so that it follows {CONTACTS_FILE}"
            )

    if len(answer.summary) > SUMMARY_MAX_CHARS:
        problems.append(
            f"summary is {len(answer.summary)} characters with numbers filled in; "
            f"at most {SUMMARY_MAX_CHARS} (it is read aloud on the phone)"
        )
    if _UNSPEAKABLE_RE.search(PLACEHOLDER_RE.sub("", answer.summary)):
        problems.append("summary must be plain sentences: no links, lists or Markdown")
    for related in answer.related:
        if related not in intents:
            problems.append(f"related: '{related}' is not an intent")
        elif related == answer.intent:
            problems.append("related: an answer cannot be related to itself")

    html_length = len(render_answer_html(answer))
    if html_length > TELEGRAM_MAX_CHARS:
        problems.append(
            f"answer is {html_length} characters as a Telegram message (title included); "
            f"at most {TELEGRAM_MAX_CHARS}: shorten it"
        )
    looks_like = guess_language(
        PLACEHOLDER_RE.sub("", "\n".join((answer.title, answer.summary, answer.body_markdown)))
    )
    if looks_like is not None and looks_like != answer.language:
        problems.append(
            f"reads as {_LANGUAGE_NAMES[looks_like]}, but is in the "
            f"{_LANGUAGE_NAMES[answer.language]} folder"
        )
    return problems


def _numbers_of_contacts(contacts: Mapping[str, Contact]) -> dict[str, list[str]]:
    keys_by_number: dict[str, list[str]] = {}
    for key, contact in contacts.items():
        keys_by_number.setdefault(number_key(contact.number), []).append(key)
    return keys_by_number


def _number_problems(intent: str, answers: Sequence[Answer]) -> list[str]:
    numbers = {
        answer.language: numbers_in("\n".join((answer.title, answer.summary, answer.body_markdown)))
        for answer in answers
    }
    problems = []
    for language, others in ((a, b) for a in numbers for b in numbers if a != b):
        only_here = numbers[language] - numbers[others]
        if only_here:
            problems.append(
                f"{language}/{intent}.md: numbers or dates missing from {others}/{intent}.md: "
                f"{', '.join(sorted(only_here, key=lambda n: (len(n), n)))} "
                "(both versions must state the same facts)"
            )
    return problems


def _fill_known(
    answer_file: AnswerFile, language: Language, contacts: Mapping[str, Contact]
) -> Answer:
    """Fill in the contacts that exist; unknown placeholders stay (reported separately)."""

    def fill(text: str) -> str:
        return PLACEHOLDER_RE.sub(
            lambda m: contacts[m.group(1)].number if m.group(1) in contacts else m.group(0), text
        )

    return Answer(
        intent=answer_file.intent,
        language=language,
        title=fill(answer_file.title),
        summary=fill(answer_file.summary),
        body_markdown=fill(answer_file.body_markdown),
        related=answer_file.related,
        sources=answer_file.sources,
        reviewed=answer_file.reviewed,
        review_status=answer_file.review_status,
    )


def format_report(report: CheckReport, content_dir: Path) -> str:
    """Render the report for a terminal: problems first, then the draft warning."""
    lines = []
    if report.problems:
        lines.append(f"content check: {len(report.problems)} problem(s) in {content_dir}:")
        lines += [f"  - {problem}" for problem in report.problems]
    else:
        lines.append(f"content check: OK ({report.answers} answers in {content_dir})")
    if report.drafts:
        lines.append(
            f"warning: {len(report.drafts)} of {report.answers} answers are still draft "
            "(review_status: draft; need review by a native speaker and a lawyer)"
        )
    return "\n".join(lines)
