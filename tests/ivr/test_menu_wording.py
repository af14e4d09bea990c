"""What the keypad menus say, as a caller hears them through signed calls, in both languages:
the first key said in full, the keys said are the keys that work, and every menu ends with
"0 operator, * back", which then do what they promise."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

import pytest

from hotline.content import ContentStore
from hotline.settings import REPO_ROOT
from ivr.menus import MENUS, MenuName, Submenu
from ivr.prompts import PROMPT_NAMES, load_prompts
from nlu.catalogue import Language
from tests.ivr.conftest import Call, Line, gather_action, heard_chunks

LANGUAGE_KEY: Final = {"ky": "1", "ru": "2"}
MENU_END: Final = {
    "ru": re.compile(r"Ноль – оператор, звёздочка – назад\.$"),
    "ky": re.compile(r"Нөл – оператор, жылдызча – артка\.$"),
}
# The first option is said in full; the later ones may be only "label – key".
FIRST_OPTION: Final = {
    "ru": re.compile(r"^[^.]+ – нажмите 1\. "),
    "ky": re.compile(r"^[^.]+ үчүн бирди басыңыз\. "),
}
KYRGYZ_KEYS: Final = {"бир": "1", "эки": "2", "үч": "3", "төрт": "4", "беш": "5", "алты": "6"}
KYRGYZ_KEYS |= {"жети": "7"}


def keys_said(language: Language, menu_text: str) -> list[str]:
    """The option keys a menu prompt names, in order (not 0 and *, said at the end)."""
    if language == "ru":
        return re.findall(r"– (?:нажмите )?([1-9])\.", menu_text)
    first = ["1"] if "бирди басыңыз" in menu_text else []
    words = re.findall(r"– (" + "|".join(KYRGYZ_KEYS) + r")[,.]", menu_text)
    return first + [KYRGYZ_KEYS[word] for word in words]


def test_keys_said_reads_both_languages() -> None:
    assert keys_said("ru", "Работа – нажмите 1. Документы – 2. Ноль – оператор.") == ["1", "2"]
    assert keys_said("ky", "Иш үчүн бирди басыңыз. Документтер – эки, салык – үч.") == [
        "1",
        "2",
        "3",
    ]


async def open_menu(line: Line, language: Language, name: MenuName) -> tuple[Call, ET.Element]:
    """A signed call from the welcome to the menu `name`, as Twilio follows it."""
    call = line.call()
    twiml = await call.press(await call.start(), LANGUAGE_KEY[language])
    if name != "main":
        [key] = [k for k, e in MENUS["main"].keys.items() if e == Submenu(name)]
        twiml = await call.press(twiml, key)
    return call, twiml


@pytest.mark.parametrize("language", ["ky", "ru"])
@pytest.mark.parametrize("name", list(MENUS))
async def test_every_menu_says_its_keys_and_ends_with_operator_and_back(
    line: Line, language: Language, name: MenuName
) -> None:
    call, twiml = await open_menu(line, language, name)
    said = heard_chunks(line, twiml)[-1]
    assert said == line.ctx.prompts.text(language, MENUS[name].prompt)
    assert FIRST_OPTION[language].search(said), said
    assert keys_said(language, said) == list(MENUS[name].keys), said
    assert MENU_END[language].search(said), said

    # What the end promises: * goes back (the main menu to the language menu), 0 a human.
    back = await call.press(twiml, "*")
    parent = MENUS[name].parent
    expected = (
        line.ctx.prompts.text(language, "welcome")
        if parent is None
        else line.ctx.prompts.text(language, MENUS[parent].prompt)
    )
    assert expected in heard_chunks(line, back)
    again = await call.press(back, LANGUAGE_KEY[language]) if parent is None else back
    operator = await call.press(again, "0")
    assert operator.find("Dial/Number") is not None


@pytest.mark.parametrize("language", ["ky", "ru"])
async def test_after_an_answer_the_keys_are_said_the_same_way(
    line: Line, language: Language
) -> None:
    call, work = await open_menu(line, language, "work")
    answer = await call.press(work, "1")
    after = heard_chunks(line, answer)[-1]
    assert after == line.ctx.prompts.text(language, "after_answer")
    first = {"ru": "Повторить – нажмите 9.", "ky": "Кайра угуу үчүн тогузду басыңыз."}
    assert after.startswith(first[language])
    assert re.search(MENU_END[language].pattern.rstrip("$"), after), after
    assert gather_action(await call.press(answer, "9")) == gather_action(answer)


def all_prompts() -> dict[tuple[str, str], str]:
    book = load_prompts(REPO_ROOT / "content", ContentStore.load(REPO_ROOT / "content").contacts)
    return {(lang, name): book.text(lang, name) for lang in ("ky", "ru") for name in PROMPT_NAMES}


def test_the_hash_key_is_reshyotka_and_never_a_symbol() -> None:
    prompts = all_prompts()
    assert "решётку" in prompts["ru", "voicemail_record"]
    assert not [k for k, text in prompts.items() if "#" in text or "решетк" in text.lower()]


def test_one_name_for_the_hotline_in_every_prompt() -> None:
    """ "горячая линия 189" in Russian, "189 ишеним телефону" in Kyrgyz, wherever 189 is named
    (the number 0800 0000 189 aside)."""
    named = {
        "ru": re.compile(r"горяч\w+ лини\w+ 189(?!\d)"),
        "ky": re.compile(r"(?<!\d)189 ишеним телефон"),
    }
    for (language, name), text in all_prompts().items():
        bare = re.sub(r"0800 0000 189", "", text)
        assert bare.count("189") == len(named[language].findall(bare)), (language, name)
    assert named["ru"].search(all_prompts()["ru", "welcome"])
    assert named["ky"].search(all_prompts()["ky", "welcome"])
