"""At most two phone numbers are read aloud at once: a caller keeps no more in mind.

"At once" is one <Say> or <Play>. A number said twice ("112 in Russia, 112 in Kazakhstan")
is one number to remember. An answer with more (`contacts`) reads two in its summary and
offers the rest behind key 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import count

import pytest

from hotline.content import Contact, ContentStore
from hotline.settings import REPO_ROOT
from ivr.menus import MENUS, MORE_NUMBERS, Submenu, Topic
from ivr.prompts import PROMPT_NAMES, load_prompts
from nlu.catalogue import Language
from tests.ivr.conftest import Line, gather_action, heard_chunks

CONTENT = REPO_ROOT / "content"
MAX_NUMBERS = 2
LANGUAGE_KEY = {"ky": "1", "ru": "2"}


def phone_numbers(text: str, contacts: Mapping[str, Contact]) -> set[str]:
    """The distinct phone numbers of contacts.yml said in `text`."""
    numbers = sorted({c.number for c in contacts.values()}, key=len, reverse=True)
    pattern = r"(?<![\d+])(?:" + "|".join(re.escape(n) for n in numbers) + r")(?!\d)"
    return set(re.findall(pattern, text))


def test_numbers_are_counted_once_each_and_the_hotline_name_is_no_number() -> None:
    contacts = ContentStore.load(CONTENT).contacts
    said = "Звоните 112 в России или 112 в Казахстане. Горячая линия 189: 0800 0000 189."
    assert phone_numbers(said, contacts) == {"112", "0800 0000 189"}
    assert phone_numbers("нажмите 1. Ноль – оператор. 2025 год", contacts) == set()


def test_no_prompt_or_summary_holds_more_than_two_numbers() -> None:
    content = ContentStore.load(CONTENT)
    prompts = load_prompts(CONTENT, content.contacts)
    texts = {
        (lang, name): prompts.text(lang, name) for lang in ("ky", "ru") for name in PROMPT_NAMES
    }
    texts |= {
        (lang, intent): content.answer(lang, intent).summary
        for lang in ("ky", "ru")
        for intent in content.intents()
        if content.has_answer(lang, intent)
    }
    crowded = {
        where: found
        for where, text in texts.items()
        if len(found := phone_numbers(text, content.contacts)) > MAX_NUMBERS
    }
    assert crowded == {}


@pytest.mark.parametrize("language", ["ky", "ru"])
async def test_every_answer_and_menu_a_caller_hears_reads_two_numbers_at_most(
    line: Line, language: Language
) -> None:
    """Every keyed answer, help now, and the contacts answer's further numbers, as played."""
    contacts = line.services.content.contacts
    heard: list[str] = []
    calls = count()

    async def main_menu():  # type: ignore[no-untyped-def]
        # A new caller each time: a case opened by one call makes the next one a transfer.
        call = line.call(caller=f"+99670055{next(calls):04d}")
        return call, await call.press(await call.start(), LANGUAGE_KEY[language])

    for key, entry in MENUS["main"].keys.items():
        call, main = await main_menu()
        twiml = await call.press(main, key)
        heard += heard_chunks(line, twiml)
        if isinstance(entry, Submenu):
            for topic_key in MENUS[entry.name].keys:
                answer = await call.press(twiml, topic_key)
                heard += heard_chunks(line, answer)
                if answer.find("Gather") is None:  # a human was reached: a new call
                    call, main = await main_menu()
                    twiml = await call.press(main, key)
                else:
                    twiml = await call.press(answer, "*")  # back to the group's menu
    assert len(heard) > 40
    crowded = [chunk for chunk in heard if len(phone_numbers(chunk, contacts)) > MAX_NUMBERS]
    assert crowded == []


@pytest.mark.parametrize("language", ["ky", "ru"])
async def test_the_contacts_answer_reads_two_numbers_then_the_rest_on_key_1(
    line: Line, language: Language
) -> None:
    contacts = line.services.content.contacts
    prompts = line.ctx.prompts
    call = line.call()
    main = await call.press(await call.start(), LANGUAGE_KEY[language])
    [key] = [k for k, e in MENUS["main"].keys.items() if e == Topic("contacts")]
    answer = await call.press(main, key)
    chunks = heard_chunks(line, answer)
    summary = line.services.content.answer(language, "contacts").summary
    assert chunks == [
        summary,
        prompts.text(language, "more_numbers"),
        prompts.text(language, "after_answer"),
    ]
    assert phone_numbers(summary, contacts) == {contacts["emergency_ru"].number}

    more = await call.press(answer, "1")
    chunks = heard_chunks(line, more)
    assert chunks == [
        prompts.text(language, MORE_NUMBERS["contacts"]),
        prompts.text(language, "after_answer"),
    ]
    assert phone_numbers(chunks[0], contacts) == {
        contacts["hotline_189"].number,
        contacts["embassy_moscow_hotline"].number,
    }
    assert "p=more" in gather_action(more)
    assert heard_chunks(line, await call.press(more, "9"))[0] == chunks[0]  # 9 repeats it
    back = await call.press(more, "*")
    assert heard_chunks(line, back)[-1] == prompts.text(language, "main_menu")


async def test_key_1_after_an_answer_without_more_numbers_is_an_invalid_key(line: Line) -> None:
    call = line.call()
    work = await call.press(await call.press(await call.start(), "2"), "1")
    answer = await call.press(work, "1")
    again = await call.press(answer, "1")
    assert heard_chunks(line, again)[0] == line.ctx.prompts.text("ru", "invalid_key")
