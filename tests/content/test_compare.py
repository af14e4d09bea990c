"""The helpers behind the cross-language checks: numbers and language look."""

from __future__ import annotations

from hotline.content.compare import guess_language, numbers_in


def test_numbers_ignore_separators_and_list_markers() -> None:
    text = "1. Штраф 2 000–5 000 рублей\n2. в течение 30 дней, с 01.09.2025"
    assert numbers_in(text) == {"2000", "5000", "30", "1092025"}
    assert numbers_in("2000-5000, 30 күн, 1.09.2025") == numbers_in(text)


def test_kyrgyz_and_russian_prose_are_told_apart() -> None:
    kyrgyz = "Паспортуңузду эч кимге бербеңиз. Келишимге өзүңүз түшүнгөн тилде гана кол коюңуз."
    russian = (
        "Не отдавайте паспорт никому. Подписывайте договор только на языке, который вы понимаете."
    )
    assert guess_language(kyrgyz) == "ky"
    assert guess_language(russian) == "ru"


def test_a_kyrgyz_quote_in_russian_text_stays_russian() -> None:
    text = (
        "Так вербовщики говорят на самом деле: «иш жеңил, маяна жогору». Если вам обещают "
        "бесплатную дорогу, жильё и высокую зарплату, а паспорт просят отдать в первый день, "
        "это признак обмана. Не отдавайте паспорт и позвоните на горячую линию."
    )
    assert guess_language(text) == "ru"


def test_short_text_is_not_judged() -> None:
    assert guess_language("Саламатсызбы!") is None


def test_kyrgyz_typed_without_its_letters_is_not_called_russian() -> None:
    text = (
        "Паспортунузду эч кимге бербениз. Иш беруучу акча бербей жатса, 189 ишеним "
        "телефонуна чалыныз жана менен кенешип алыныз, бул сиздин укугунуз."
    )
    assert guess_language(text) != "ru"
