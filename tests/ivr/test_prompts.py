"""The prompt files: complete, short, and with numbers only from contacts.yml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hotline.content import ContentError, ContentStore
from hotline.settings import REPO_ROOT
from ivr.prompts import PROMPT_MAX_CHARS, PROMPT_NAMES, load_prompts

CONTENT = REPO_ROOT / "content"


def test_both_languages_have_every_prompt_within_the_limit() -> None:
    content = ContentStore.load(CONTENT)
    prompts = load_prompts(CONTENT, content.contacts)
    for language in ("ky", "ru"):
        for name in PROMPT_NAMES:
            assert 0 < len(prompts.text(language, name)) <= PROMPT_MAX_CHARS


def test_no_phone_number_is_written_into_a_prompt() -> None:
    for language in ("ky", "ru"):
        raw = yaml.safe_load((CONTENT / language / "ivr.yml").read_text("utf-8"))
        for name, text in raw["prompts"].items():
            without_placeholders = re.sub(r"\{\{[^}]+\}\}", "", text)
            # "189" is the hotline's name; any other run of three digits would be a number.
            numbers = set(re.findall(r"\d{3,}", without_placeholders)) - {"189"}
            assert not numbers, (language, name, numbers)


def test_emergency_prompt_takes_its_numbers_from_contacts() -> None:
    content = ContentStore.load(CONTENT)
    prompts = load_prompts(CONTENT, content.contacts)
    for language in ("ky", "ru"):
        text = prompts.text(language, "emergency")
        assert content.contacts["emergency_ru"].number in text
        assert "{{" not in text


def test_kyrgyz_prompts_are_kyrgyz() -> None:
    content = ContentStore.load(CONTENT)
    prompts = load_prompts(CONTENT, content.contacts)
    kyrgyz_letters = sum(ch in "өүң" for n in PROMPT_NAMES for ch in prompts.text("ky", n))
    russian_letters = sum(ch in "өүң" for n in PROMPT_NAMES for ch in prompts.text("ru", n))
    assert kyrgyz_letters > 20 and russian_letters == 0


def test_a_broken_prompt_file_lists_its_problems(tmp_path: Path) -> None:
    for language in ("ky", "ru"):
        (tmp_path / language).mkdir()
    (tmp_path / "ky" / "ivr.yml").write_text(
        "prompts:\n  welcome: '{{contact.nowhere}}'\n  main_menu: '" + "а" * 300 + "'\n",
        "utf-8",
    )
    (tmp_path / "ru" / "ivr.yml").write_text("- not a mapping\n", "utf-8")
    with pytest.raises(ContentError) as raised:
        load_prompts(tmp_path, ContentStore.load(CONTENT).contacts)
    problems = "\n".join(raised.value.problems)
    assert "names no contact 'nowhere'" in problems
    assert "over 200" in problems
    assert "prompt 'goodbye' is missing" in problems
    assert "ru/ivr.yml: expected a 'prompts:' mapping" in problems
