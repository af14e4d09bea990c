"""Read one answer file: YAML front matter, then the answer in Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal, get_args

import yaml

ReviewStatus = Literal["draft", "reviewed"]
REVIEW_STATUSES: Final[tuple[ReviewStatus, ...]] = get_args(ReviewStatus)
SUMMARY_MAX_CHARS: Final = 450
REQUIRED_FIELDS: Final = (
    "intent",
    "title",
    "summary",
    "sources",
    "reviewed",
    "review_status",
    "related",
)

_FRONT_MATTER_RE: Final = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.S)


@dataclass(frozen=True, slots=True)
class AnswerFile:
    """An answer file as written, before contacts are filled in."""

    intent: str
    title: str
    summary: str
    body_markdown: str
    related: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed: date
    review_status: ReviewStatus


def read_answer_file(path: Path) -> tuple[AnswerFile | None, list[str]]:
    """Parse `path`, returning the answer or a problem per defect (never both)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, ["the file is not UTF-8 text"]
    match = _FRONT_MATTER_RE.match(text.lstrip("\ufeff"))
    if match is None:
        return None, ["no front matter: the file must start with '---', the fields, then '---'"]
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        return None, [f"front matter is not valid YAML: {_one_line(exc)}"]
    if not isinstance(meta, dict):
        return None, ["front matter must be 'field: value' lines"]
    problems = _field_problems(meta, expected_intent=path.stem)
    body = match.group(2).strip()
    if not body:
        problems.append("the answer text after the front matter is empty")
    if problems:
        return None, problems
    reviewed = meta["reviewed"]
    answer = AnswerFile(
        intent=meta["intent"],
        title=meta["title"].strip(),
        summary=" ".join(meta["summary"].split()),
        body_markdown=body + "\n",
        related=tuple(meta["related"]),
        sources=tuple(source.strip() for source in meta["sources"]),
        reviewed=reviewed if isinstance(reviewed, date) else date.fromisoformat(reviewed),
        review_status=meta["review_status"],
    )
    return answer, []


def _field_problems(meta: dict[Any, Any], expected_intent: str) -> list[str]:
    problems = [
        f"front matter: '{name}' is missing" for name in REQUIRED_FIELDS if name not in meta
    ]
    problems += [
        f"front matter: unknown field '{name}' (allowed: {', '.join(REQUIRED_FIELDS)})"
        for name in meta
        if name not in REQUIRED_FIELDS
    ]
    intent = meta.get("intent")
    if "intent" in meta and intent != expected_intent:
        problems.append(f"front matter: intent '{intent}' does not match the file name")
    for name in ("title", "summary"):
        if name in meta and (not isinstance(meta[name], str) or not meta[name].strip()):
            problems.append(f"front matter: '{name}' must be non-empty text")
    title = meta.get("title")
    if isinstance(title, str) and "\n" in title.strip():
        problems.append("front matter: 'title' must be one line")
    sources = meta.get("sources")
    if "sources" in meta and (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        problems.append("front matter: 'sources' must be a non-empty list of texts")
    related = meta.get("related")
    if "related" in meta and (
        not isinstance(related, list) or not all(isinstance(r, str) for r in related)
    ):
        problems.append("front matter: 'related' must be a list of intent names, e.g. [a, b]")
    if "reviewed" in meta and not _is_date(meta["reviewed"]):
        problems.append("front matter: 'reviewed' must be a date like 2026-11-25")
    status = meta.get("review_status")
    if "review_status" in meta and status not in REVIEW_STATUSES:
        problems.append(
            f"front matter: review_status '{status}' must be one of {', '.join(REVIEW_STATUSES)}"
        )
    return problems


def _is_date(value: object) -> bool:
    if isinstance(value, date):
        return True
    if isinstance(value, str):
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
