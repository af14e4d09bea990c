from __future__ import annotations

import pytest

from nlu.normalize import MAX_CHARS, normalize
from nlu.translit import transliterate


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("pasportumdu alyp koyushtu", "паспортумду алып коюшту"),
        ("zabrali pasport ne otpuskayut", "забрали паспорт не отпускают"),
        ("skolko dney na registraciyu", "сколко дней на регистрацию"),
        ("jok, jumush kerek", "жок, жумуш керек"),
        ("chyk, shashyl, zhok, khozyain", "чык, шашыл, жок, хозяин"),
        ("ö ü ñ", "ө ү ң"),
        ("sizge jazyngyz", "сизге жазыңыз"),
        ("ming som", "миң сом"),
        ("moj pasport", "мой паспорт"),
        ("najdut esli ujdu", "найдут если уйду"),  # j after a vowel, before a consonant
        ("kajda ajal", "кайда ажал"),
        ("den'gi", "деньги"),
        ("'pasport'", "ьпаспорть".replace("ь", "'")),  # quotes stay quotes
    ],
)
def test_transliterates_kyrgyz_and_russian_latin(latin: str, cyrillic: str) -> None:
    assert transliterate(latin) == cyrillic


def test_keeps_kyrgyz_letters_in_original_and_cleaned_but_folds_them() -> None:
    message = normalize("Паспортумду өзүндө кармап турат, маяна бербейт. Эмне кылам?")
    assert "ө" in message.original and "ү" in message.original
    assert "өзүндө" in message.cleaned
    assert "озундо" in message.folded
    assert not set("өүңёэйь") & set(message.folded)


def test_folds_spellings_people_really_use_to_one_form() -> None:
    forms = ["бербей жатат", "berbei jatat", "БЕРБЕЙ ЖАТАТ", "бербеййй жатат"]
    assert len({normalize(f).folded for f in forms}) == 1
    assert normalize("бьют").folded == normalize("byut").folded


def test_lower_cases_and_fixes_latin_lookalikes_inside_cyrillic_words() -> None:
    # "пaспорт" with a Latin "a", "ПACПOPT" with Latin capitals.
    assert normalize("пaспорт").cleaned == "паспорт"
    assert normalize("ПACПOPT").cleaned == "паспорт"


def test_removes_control_format_and_surrogate_code_points() -> None:
    message = normalize("за\u200bбрали\x00 пас\ud800порт\u202e\x07")
    assert message.cleaned == "забрали паспорт"
    assert message.original == "забрали паспорт"


def test_compatibility_forms_become_plain_letters() -> None:
    assert normalize("ｐａｓｐｏｒｔ").cleaned == "паспорт"  # full-width
    assert normalize("𝐩𝐚𝐬𝐩𝐨𝐫𝐭").cleaned == "паспорт"  # mathematical bold


def test_combining_diaeresis_is_composed_before_transliteration() -> None:
    assert normalize("o\u0308lturot").cleaned == "өлтурот"


def test_lines_are_kept_as_sentence_breaks_and_spaces_collapsed() -> None:
    message = normalize("  Сколько дней?\r\n\r\n  Забрали   паспорт\t!  ")
    assert message.cleaned == "сколько дней?\nзабрали паспорт !"


def test_very_long_input_is_cut_for_matching() -> None:
    message = normalize("паспорт " * 50_000)
    assert len(message.original) <= MAX_CHARS
    assert message.tokens[:2] == ("паспорт", "паспорт")


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "\ud800", "🙂🙂"])
def test_empty_or_symbol_only_input_gives_no_tokens(text: str) -> None:
    assert normalize(text).tokens == ()
