"""ContentStore: answers with contacts filled in, titles, intents, caching."""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path

import pytest

from hotline.content import Answer, AnswerNotFound, ContentError, ContentStore, fill_placeholders
from hotline.content.contacts import load_contacts
from nlu.catalogue import INTENTS
from tests.content.conftest import REAL_CONTENT


def test_an_answer_has_its_contacts_filled_in_body_and_summary() -> None:
    store = ContentStore.load(REAL_CONTENT)
    answer = store.answer("ky", "emergency")
    assert isinstance(answer, Answer)
    assert (answer.intent, answer.language) == ("emergency", "ky")
    assert "{{" not in answer.body_markdown and "{{" not in answer.summary
    # The phone summary reads at most two numbers at a time: 112 and the ambulance; the
    # police number (102) is in the chat text, with what to do if the police are not safe.
    assert "112" in answer.summary and "103" in answer.summary
    assert "102" in answer.body_markdown
    assert "0800 0000 189" in answer.body_markdown  # as written, so it is read aloud the same
    assert answer.review_status in ("draft", "reviewed")
    assert isinstance(answer.reviewed, date)
    assert "report_exploitation" in answer.related
    assert answer.sources


def test_placeholders_take_the_number_as_written(content_dir: Path) -> None:
    contacts = load_contacts(content_dir / "contacts.yml")
    text = "Call {{contact.embassy_moscow_hotline}} or {{ contact.hotline_189 }}."
    assert fill_placeholders(text, contacts) == "Call +7 925 115 50 47 or 0800 0000 189."
    with pytest.raises(KeyError):
        fill_placeholders("{{contact.nobody}}", contacts)


def test_a_changed_contact_changes_every_answer(content_dir: Path) -> None:
    path = content_dir / "contacts.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"0800 0000 189"', '"0800 1111 189"'),
        encoding="utf-8",
    )
    store = ContentStore.load(content_dir)
    for language in ("ky", "ru"):
        body = store.answer(language, "contacts").body_markdown
        assert "0800 1111 189" in body and "0800 0000 189" not in body


def test_answers_are_immutable() -> None:
    answer = ContentStore.load(REAL_CONTENT).answer("ru", "greet")
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.title = "changed"  # type: ignore[misc]


def test_a_missing_answer_raises_answer_not_found(content_dir: Path) -> None:
    (content_dir / "ru" / "greet.md").unlink()
    store = ContentStore.load(content_dir)
    with pytest.raises(AnswerNotFound):
        store.answer("ru", "greet")
    assert not store.has_answer("ru", "greet")
    assert store.has_answer("ky", "greet")


def test_titles_and_intents_follow_the_catalogue_order() -> None:
    store = ContentStore.load(REAL_CONTENT)
    assert store.intents() == INTENTS
    titles = store.titles("ru")
    assert list(titles) == list(INTENTS)
    assert titles["emergency"] == "Опасность — звоните сейчас"
    assert store.titles("ky")["greet"] == "Саламатсызбы!"


def test_loading_is_cached_until_a_file_changes(content_dir: Path) -> None:
    first = ContentStore.load(content_dir)
    assert ContentStore.load(content_dir) is first
    path = content_dir / "ru" / "greet.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Здравствуйте!", "title: Привет!"),
        encoding="utf-8",
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = ContentStore.load(content_dir)
    assert second is not first
    assert second.answer("ru", "greet").title == "Привет!"


def test_a_broken_file_stops_loading_with_the_problems(content_dir: Path) -> None:
    path = content_dir / "ky" / "greet.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{{contact.hotline_189}}", "{{contact.nope}}"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as raised:
        ContentStore.load(content_dir)
    assert raised.value.problems == ["ky/greet.md: {{contact.nope}} names no contact"]
