"""The safety-response table itself: every situation and level has a row, every word of it
exists in both languages, numbers come only from contacts.yml, the police never alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hotline.content import ContentStore
from hotline.i18n import translate
from hotline.safety_response import ROWS, SAFETY_MSGIDS, TABLE, Part, safety_row
from hotline.safety_texts import AUTOMATIC_ANSWER, HELP_LINES_HEADER, IF_DANGER_GROWS
from hotline.settings import REPO_ROOT
from ivr.prompts import PROMPT_NAMES, load_prompts
from nlu.catalogue import LANGUAGES, SITUATIONS, Language, RiskLevel

LEVELS: tuple[RiskLevel, ...] = ("concern", "high", "emergency")
ALL_TEXTS = sorted(SAFETY_MSGIDS | {AUTOMATIC_ANSWER, HELP_LINES_HEADER})
NAMING: dict[str, dict[Language, str]] = {
    "forced_labour": {"ru": "принудительного труда", "ky": "мажбурлап иштетүү"},
    "sexual_exploitation": {"ru": "сексуальной эксплуатации", "ky": "сексуалдык эксплуатация"},
    "forced_criminality": {"ru": "принуждения к преступлениям", "ky": "кылмышка мажбурлоо"},
}


@pytest.fixture(scope="module")
def content() -> ContentStore:
    return ContentStore.load(REPO_ROOT / "content")


@pytest.mark.parametrize("situation", [None, *SITUATIONS])
@pytest.mark.parametrize("level", LEVELS)
def test_every_situation_at_every_level_has_a_row(situation: str | None, level: RiskLevel) -> None:
    row = safety_row((situation,) if situation else (), level)
    assert row is not None
    if situation in ("suicide_risk", "medical_emergency") and level != "concern":
        assert row.level == "emergency" and row.situation == situation
    else:
        assert row.level == level
        assert row.situation in (situation, None)  # its own row, or the general one


def test_below_concern_nothing_is_added() -> None:
    assert safety_row(("forced_labour",), "none") is None


def test_the_most_urgent_situation_decides() -> None:
    row = safety_row(("forced_labour", "missing_person", "child_at_risk"), "emergency")
    assert row is not None and row.situation == "child_at_risk"
    row = safety_row(("violence", "medical_emergency"), "emergency")
    assert row is not None and row.situation == "medical_emergency"


def test_rows_follow_the_issue() -> None:
    for row in ROWS:
        parts = row.parts
        if row.level == "emergency":
            # The numbers first (after supportive words at most), steps, then the case.
            lead = parts.index(Part.NUMBERS)
            assert parts[:lead] in ((), (Part.SUPPORT,))
            assert parts.index(Part.STEPS) < parts.index(Part.CASE)
        elif row.level == "high":
            assert Part.STEPS in parts and Part.CASE in parts and Part.STAY_SAFE in parts
            # Help at once if the danger grows: its own part, or the numbers themselves.
            assert Part.IF_WORSE in parts or Part.NUMBERS in parts
        else:
            assert parts == (Part.OFFER,)
    assert TABLE["suicide_risk", "emergency"].parts[0] is Part.SUPPORT
    for search in ("child_at_risk", "missing_person"):
        for level in ("high", "emergency"):
            assert Part.NUMBERS in TABLE[search, level].parts  # 112/102 and what to tell them


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated(language: Language) -> None:
    for msgid in ALL_TEXTS:
        text = translate(language, msgid, case="000001", emergency_ru="112", emergency_kz="112")
        assert text and text != msgid, msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_situation_is_named_only_in_its_own_row(language: Language) -> None:
    for row in ROWS:
        for situation, words in NAMING.items():
            text = translate(language, row.text or "")
            assert (words[language] in text) == (row.situation == situation and row.level == "high")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_number_is_written_in_the_texts_and_189_is_never_dialled(language: Language) -> None:
    for msgid in ALL_TEXTS:
        text = translate(language, msgid, case="", emergency_ru="", emergency_kz="")
        # "Hotline 189" is the hotline's name; "72 hours" the one figure of the advice.
        assert set(re.findall(r"\d+", text)) <= {"189", "72"}, text
        assert not re.search(r"(звон|чал)\w*[^.]{0,30}\b189\b", text, re.I), text
        assert not re.search(r"\b189\b[^.]{0,30}(звон|чал)", text, re.I), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_police_never_alone(language: Language) -> None:
    afraid = {"ru": r"бои\w*\s+(?:\w+\s+){0,3}полици", "ky": r"полици\w*\s+(?:\w+\s+){0,2}корк"}
    for msgid in ALL_TEXTS:
        text = translate(language, msgid, case="", emergency_ru="112", emergency_kz="112")
        if re.search("полици", text, re.I):
            assert re.search(afraid[language], text, re.I), text
            assert "оператор" in text, text


def test_every_phone_line_exists_in_both_languages(content: ContentStore) -> None:
    prompts = load_prompts(REPO_ROOT / "content", content.contacts)
    for row in ROWS:
        for prompt in row.phone_prompts():
            assert prompt in PROMPT_NAMES
            for language in LANGUAGES:
                text = prompts.text(language, prompt)
                # The phone's safety lines leave the police out (no "press 0 if afraid" fits).
                assert "полиц" not in text.lower()


def test_numbers_come_from_contacts_with_a_source(content: ContentStore) -> None:
    for row in ROWS:
        for key in row.help_lines:
            assert content.contacts[key].source
    raw = translate("ru", IF_DANGER_GROWS, emergency_ru="{ru}", emergency_kz="{kz}")
    assert "{ru}" in raw and "{kz}" in raw  # both filled in from contacts.yml
    assert content.contacts["emergency_ru"].number and content.contacts["emergency_kz"].number


def test_the_documented_table_has_every_row() -> None:
    doc = Path(REPO_ROOT / "docs" / "safety_responses.md").read_text(encoding="utf-8")
    for row in ROWS:
        name = f"`{row.situation}`" if row.situation else "general"
        assert re.search(rf"^\| {re.escape(name)}[^|]* \| {row.level}\b", doc, re.M), (
            row.situation,
            row.level,
        )
