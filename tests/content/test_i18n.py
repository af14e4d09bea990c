"""UI strings: translation, plural forms, and the in-memory fallback without .mo files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotline import i18n, ui_strings
from hotline.i18n import N_, catalogue_path, load_translations, translate, translate_plural
from tests.content.conftest import REAL_CONTENT

NEW = ("%(num)d new message", "%(num)d new messages")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 новое сообщение"),
        (2, "2 новых сообщения"),
        (5, "5 новых сообщений"),
        (11, "11 новых сообщений"),
        (21, "21 новое сообщение"),
        (22, "22 новых сообщения"),
    ],
)
def test_russian_has_three_plural_forms(n: int, expected: str) -> None:
    assert translate_plural("ru", *NEW, n) == expected


@pytest.mark.parametrize(("n", "expected"), [(1, "1 жаңы билдирүү"), (5, "5 жаңы билдирүү")])
def test_kyrgyz_plural(n: int, expected: str) -> None:
    assert translate_plural("ky", *NEW, n) == expected
    assert ui_strings.new_messages("ky", n) == expected


def test_kyrgyz_catalogue_has_two_plural_forms() -> None:
    translations = load_translations(REAL_CONTENT.resolve(), "ky")
    assert translations.ngettext(*NEW, 1) != NEW[0] and translations.ngettext(*NEW, 2) != NEW[1]


def test_translate_in_both_languages() -> None:
    assert translate("ru", ui_strings.BACK) == "Назад"
    assert translate("ky", ui_strings.BACK) == "Артка"
    assert translate("ky", ui_strings.CHOOSE_LANGUAGE) == "Тилди тандаңыз"


def test_translate_fills_named_params() -> None:
    text = translate(
        "ru",
        "I do not know the command %(command)s. Send /help to see what I can do.",
        command="/start2",
    )
    assert text.startswith("Команда /start2 мне неизвестна.")


def test_an_unknown_msgid_is_shown_as_written() -> None:
    assert translate("ky", "Not in the catalogue") == "Not in the catalogue"


def test_n_marks_without_translating() -> None:
    assert N_("Back") == "Back"


def test_the_po_is_compiled_in_memory_when_there_is_no_mo(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content, ignore=shutil.ignore_patterns("*.mo"))
    assert not catalogue_path(content, "ru", ".mo").exists()
    translations = load_translations(content, "ru")
    assert translations.gettext("Yes") == "Да"
    assert translations.ngettext(*NEW, 21) == "%(num)d новое сообщение"


def test_a_broken_translation_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content, ignore=shutil.ignore_patterns("*.mo"))
    po = catalogue_path(content, "ru")
    po.write_text(
        po.read_text(encoding="utf-8").replace("Команда %(command)s", "Команда %(cmd)s"),
        encoding="utf-8",
    )
    monkeypatch.setattr(
        i18n, "_translations", lambda language: load_translations(content, language)
    )
    msgid = "I do not know the command %(command)s. Send /help to see what I can do."
    assert translate("ru", msgid, command="/x") == msgid % {"command": "/x"}


def test_an_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        load_translations(REAL_CONTENT, "en")  # type: ignore[arg-type]
