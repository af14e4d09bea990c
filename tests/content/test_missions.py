"""Kyrgyz missions abroad: read from contacts.yml, and found by the place a message names."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.content import ContentStore
from hotline.content.check import check_content
from hotline.content.contacts import load_contacts
from hotline.content.missions import read_missions
from tests.content.conftest import REAL_CONTENT


def named(text: str) -> list[str]:
    return list(ContentStore.load(REAL_CONTENT).missions_named(text))


def test_the_real_missions_have_no_problems_and_only_known_numbers() -> None:
    contacts = load_contacts(REAL_CONTENT / "contacts.yml")
    missions, problems = read_missions(REAL_CONTENT / "contacts.yml", contacts)
    assert problems == []
    keys = {m.key for m in missions.missions}
    assert {"embassy_moscow", "embassy_astana", "consulate_almaty"} <= keys
    assert {"consulate_yekaterinburg", "consulate_novosibirsk", "consulate_st_petersburg"} <= keys
    for mission in missions.missions:
        assert mission.source and mission.checked
        assert all(phone in contacts for phone in mission.phones)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A city: its mission, then the embassy of its country.
        ("мен Алматыдамын элчиликтин номери", ["consulate_almaty", "embassy_astana"]),
        ("консульство в Екатеринбурге", ["consulate_yekaterinburg", "embassy_moscow"]),
        ("в Алма-Ате консульство есть?", ["consulate_almaty", "embassy_astana"]),
        ("almatyda konsuldukтун nomeri", ["consulate_almaty", "embassy_astana"]),
        ("Питерде консулдук барбы", ["consulate_st_petersburg", "embassy_moscow"]),
        ("Астанадагы элчилик", ["embassy_astana"]),
        # A country: all of its missions, the embassy first.
        (
            "Казакстанда элчиликтин номери",
            ["embassy_astana", "consulate_almaty"],
        ),
        (
            "Россияда консулдук кайда",
            [
                "embassy_moscow",
                "consulate_yekaterinburg",
                "consulate_novosibirsk",
                "consulate_st_petersburg",
            ],
        ),
        # No place, or a word that only looks like one («алма» is an apple).
        ("элчиликтин номери", []),
        ("алма сатып алдым", []),
    ],
)
def test_the_place_a_message_names_gives_its_missions(text: str, expected: list[str]) -> None:
    assert named(text) == expected


def test_the_check_reports_a_mission_phone_that_names_no_contact(content_dir: Path) -> None:
    path = content_dir / "contacts.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("phones: [embassy_moscow_hotline]", "phones: [embassy_moscow_direct]"),
        encoding="utf-8",
    )
    problems = check_content(content_dir).problems
    assert (
        "contacts.yml: mission 'embassy_moscow': phone 'embassy_moscow_direct' names no "
        "contact" in problems
    )


def test_a_mission_without_a_source_is_refused(content_dir: Path) -> None:
    path = content_dir / "contacts.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - key: consulate_almaty")
    source = text.index("    source:", start)
    end = text.index("\n", source) + 1
    path.write_text(text[:source] + text[end:], encoding="utf-8")
    problems = check_content(content_dir).problems
    assert any("mission 'consulate_almaty': 'source' is missing" in p for p in problems)
