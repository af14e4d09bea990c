from __future__ import annotations

import pytest

from nlu.language import identify_language


@pytest.mark.parametrize(
    "text",
    [
        "Паспортумду алып коюшту, эмне кылам?",
        "Паспортумду алып коюшту, эмне кылам",  # without special letters
        "патент керекпи",
        "айлыгымды бербей жатат",
        "каттоого канча кун бар",  # "күн" typed as "кун"
        "pasportumdu alyp koyushtu",  # Latin
        "Kyrgyzstandan keldim, jumush kerek",
        "работодатель паспортту бербей жатат",  # Russian nouns in Kyrgyz grammar
        "зарплатаны задерживать кылып жатат",
        "саламатсызбы",
    ],
)
def test_kyrgyz_is_recognised_clearly(text: str) -> None:
    guess = identify_language(text)
    assert guess.language == "ky"
    assert guess.clear


@pytest.mark.parametrize(
    "text",
    [
        "Сколько дней на регистрацию?",
        "забрали паспорт и не отпускают",
        "zabrali pasport ne otpuskayut",
        "skolko dney na registraciyu",
        "здравствуйте, мне нужна помощь",
        "у меня не платят зарплату второй месяц",
    ],
)
def test_russian_is_recognised_clearly(text: str) -> None:
    guess = identify_language(text)
    assert guess.language == "ru"
    assert guess.clear


@pytest.mark.parametrize(
    "text", ["ok", "ок", "189", "🙂", "👍👍", "патент", "оператор", "", "  ", "?"]
)
def test_short_or_ambiguous_input_is_never_clear(text: str) -> None:
    assert not identify_language(text).clear


def test_scores_are_probabilities() -> None:
    guess = identify_language("паспортумду алып коюшту")
    assert guess.scores["ky"] + guess.scores["ru"] == pytest.approx(1.0)
    assert guess.scores["ky"] > 0.9


def test_special_letters_decide_a_mixed_message() -> None:
    assert identify_language("менин документтерим жок, что делать? өтө кыйын").language == "ky"
