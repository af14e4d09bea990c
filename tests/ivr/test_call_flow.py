"""Whole calls through the keypad menus, in Kyrgyz and in Russian."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from hotline.options import TOPICS
from ivr.audio import answer_key, audio_file_name
from ivr.menus import MENUS, menu_topics
from tests.ivr.conftest import BASE_URL, Line, gather_action, spoken


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_call_starts_with_welcome_and_language_menu(line: Line) -> None:
    twiml = await line.call().start()

    gather = twiml.find("Gather")
    assert gather is not None
    assert gather.attrib["numDigits"] == "1"
    assert gather.attrib["input"] == "dtmf"
    assert gather.attrib["actionOnEmptyResult"] == "true"
    assert gather.attrib["action"].startswith(f"{BASE_URL}/ivr/language")
    # Kyrgyz (the default) played from a recording, then Russian said by a Russian voice.
    play = gather.find("Play")
    assert play is not None and play.text == (
        f"{BASE_URL}/ivr/audio/ky/{line.prompt_file('ky', 'welcome')}"
    )
    say = gather.find("Say")
    assert say is not None
    assert say.attrib["language"] == "ru-RU" and say.attrib["voice"] == "Polly.Tatyana"
    assert say.text == line.ctx.prompts.text("ru", "welcome")
    # If the caller stays silent, Twilio still moves on.
    assert twiml.find("Redirect") is not None


async def test_silence_at_language_menu_chooses_the_default(line: Line) -> None:
    call = line.call()
    twiml = await call.silence(await call.start())
    assert query(gather_action(twiml))["l"] == "ky"
    assert line.prompt_file("ky", "main_menu") in spoken(twiml)


async def test_kyrgyz_call_through_menus_to_an_answer_and_back(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "1")
    assert line.prompt_file("ky", "main_menu") in spoken(main)
    # Kyrgyz is keypad only: no speech recognition without a configured language.
    assert main.find("Gather").attrib["input"] == "dtmf"  # type: ignore[union-attr]

    documents = await call.press(main, "2")
    assert line.prompt_file("ky", "menu_documents") in spoken(documents)

    answer = await call.press(documents, "1")  # registration in Russia
    summary = line.services.content.answer("ky", "registration_russia").summary
    heard = spoken(answer)
    assert audio_file_name(answer_key("registration_russia"), summary) in heard
    assert heard[-1] == line.prompt_file("ky", "after_answer")
    assert all(p.text.startswith(f"{BASE_URL}/ivr/audio/ky/") for p in answer.iter("Play"))  # type: ignore[union-attr]

    again = await call.press(answer, "9")
    assert spoken(again) == heard

    back = await call.press(answer, "*")
    assert line.prompt_file("ky", "menu_documents") in spoken(back)
    top = await call.press(back, "*")
    assert line.prompt_file("ky", "main_menu") in spoken(top)
    language_menu = await call.press(top, "*")
    assert gather_action(language_menu).startswith(f"{BASE_URL}/ivr/language")


async def test_russian_call_reads_the_summary_with_a_russian_voice(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    assert query(gather_action(main))["l"] == "ru"
    assert line.ctx.prompts.text("ru", "main_menu") in spoken(main)

    work = await call.press(main, "1")
    answer = await call.press(work, "1")  # wages not paid
    says = answer.findall("Gather/Say")
    assert [s.text for s in says] == [
        line.services.content.answer("ru", "wages_unpaid").summary,
        line.ctx.prompts.text("ru", "after_answer"),
    ]
    assert all(s.attrib["language"] == "ru-RU" for s in says)


# Every key of every topic menu, in both languages: tests/ivr/test_topic_menus.py.


def test_menus_cover_every_topic_but_emergency_which_has_its_own_key() -> None:
    assert set(menu_topics()) | {"emergency"} == set(TOPICS)
    for menu in MENUS.values():
        assert not {"0", "9", "*"} & set(menu.keys)


async def test_contacts_answer_reads_numbers_from_content(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    answer = await call.press(main, "4")
    summary = line.services.content.answer("ru", "contacts").summary
    assert summary in spoken(answer)


async def test_invalid_key_says_so_and_repeats_the_menu(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.press(main, "8")  # the main menu has keys 1-7
    heard = spoken(twiml)
    assert heard[0] == line.ctx.prompts.text("ru", "invalid_key")
    assert heard[-1] == line.ctx.prompts.text("ru", "main_menu")


async def test_nine_repeats_the_menu(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    again = await call.press(main, "9")
    assert spoken(again) == spoken(main)


async def test_a_silent_caller_is_put_through_to_a_human(line: Line) -> None:
    call = line.call()
    twiml = await call.press(await call.start(), "2")
    for _ in range(2):
        twiml = await call.silence(twiml)
        assert spoken(twiml)[0] == line.ctx.prompts.text("ru", "no_input")
    twiml = await call.silence(twiml)
    assert twiml.find("Dial/Number") is not None


async def test_zero_reaches_the_operator_at_every_menu(line: Line) -> None:
    call = line.call()
    start = await call.start()
    main = await call.press(start, "2")
    work = await call.press(main, "1")
    answer = await call.press(work, "2")
    for twiml in (start, main, work, answer):
        put_through = await call.press(twiml, "0")
        number = put_through.find("Dial/Number")
        assert number is not None and number.text == line.ctx.settings.operator_phone, ET.tostring(
            twiml, encoding="unicode"
        )
