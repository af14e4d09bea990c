from __future__ import annotations

import asyncio

from nlu.catalogue import Language
from nlu.pipeline import UnavailableEngine, Understanding
from nlu.types import IntentScore, NormalizedText


class BrokenEngine:
    name = "rasa"

    async def rank(self, message: NormalizedText, language: Language) -> list[IntentScore]:
        raise ConnectionError("down")


class SlowEngine:
    name = "rasa"

    async def rank(self, message: NormalizedText, language: Language) -> list[IntentScore]:
        await asyncio.sleep(5)
        return [IntentScore("greet", 1.0)]


class FixedEngine:
    name = "rasa"

    async def rank(self, message: NormalizedText, language: Language) -> list[IntentScore]:
        return [IntentScore("greet", 0.97), IntentScore("thanks_goodbye", 0.03)]


def _with(engine: object, base: Understanding, timeout: float = 0.2) -> Understanding:
    return Understanding(
        engine,  # type: ignore[arg-type]
        base.embedded,
        base.identifier,
        base.risk_model,
        base.floor,
        timeout=timeout,
    )


async def test_a_failing_engine_falls_back_and_is_counted(understanding: Understanding) -> None:
    subject = _with(BrokenEngine(), understanding)
    result = await subject.parse("забрали паспорт и не отпускают")
    assert result.fallback and result.engine == "embedded"
    assert result.intent == "report_exploitation"
    assert result.risk.is_at_least("high")
    assert subject.counters["engine_fallback_total"] == 1


async def test_a_slow_engine_falls_back_after_the_timeout(understanding: Understanding) -> None:
    subject = _with(SlowEngine(), understanding, timeout=0.05)
    result = await asyncio.wait_for(subject.parse("сколько дней на регистрацию"), 2)
    assert result.fallback
    assert subject.counters["engine_fallback_total"] == 1


async def test_risk_and_language_stay_ours_whatever_the_engine(
    understanding: Understanding,
) -> None:
    subject = _with(FixedEngine(), understanding)
    result = await subject.parse("паспортумду алып коюшту, чыгарбай жатат")
    assert result.engine == "rasa" and not result.fallback
    assert result.intent == "greet"
    assert result.language == "ky"
    assert "retention_of_documents" in result.risk.indicators
    # The same risk as with the embedded engine ranking intents: risk reads the text only.
    alone = await understanding.parse("паспортумду алып коюшту, чыгарбай жатат")
    assert result.risk == alone.risk


async def test_an_unbuildable_engine_counts_every_fallback(understanding: Understanding) -> None:
    subject = _with(UnavailableEngine("rasa", "ImportError"), understanding)
    for _ in range(2):
        assert (await subject.parse("рахмат")).fallback
    assert subject.counters["engine_fallback_total"] == 2


def test_unclear_messages_keep_the_conversation_language(understanding: Understanding) -> None:
    assert understanding.parse_sync("ok", language_hint="ky").language == "ky"
    assert understanding.parse_sync("ok", language_hint="ru").language == "ru"
    assert not understanding.parse_sync("189", language_hint="ky").language_clear
    switched = understanding.parse_sync("здравствуйте, сколько дней на регистрацию", "ky")
    assert switched.language == "ru" and switched.language_clear


def test_parse_understands_both_languages(understanding: Understanding) -> None:
    cases = {
        "сколько дней на регистрацию в москве": "registration_russia",
        "патент керекпи": "work_permit",
        "меня бьют помогите": "emergency",
        "рахмат": "thanks_goodbye",
    }
    for text, intent in cases.items():
        assert understanding.parse_sync(text).intent == intent, text


def test_second_sentence_red_flag_keeps_the_topic_intent(understanding: Understanding) -> None:
    result = understanding.parse_sync(
        "Сколько дней на регистрацию? Работодатель забрал паспорт и не отдает."
    )
    assert result.risk.level == "high"
    assert result.risk.indicators == ("retention_of_documents",)


def test_counters_count_parses_and_serious_risks(understanding: Understanding) -> None:
    before = dict(understanding.counters)
    understanding.parse_sync("меня бьют помогите")
    understanding.parse_sync("погода в бишкеке какая")
    assert understanding.counters["parse_total"] == before["parse_total"] + 2
    assert understanding.counters["risk_emergency_total"] == before["risk_emergency_total"] + 1


def test_a_topic_question_with_harm_in_passing_keeps_its_topic(
    understanding: Understanding,
) -> None:
    result = understanding.parse_sync("Патент керекпи? Кожоюн паспортумду алып коюп бербей жатат.")
    assert result.intent == "work_permit"
    assert result.risk.level == "high"


def test_a_second_wave_topic_question_with_harm_keeps_its_topic(
    understanding: Understanding,
) -> None:
    cases = {
        "Как получить ИНН? Бригадир держит документы и говорит, пока долг не отработаешь, "
        "не уйдешь.": "taxes",
        "ИНН кантип алам? Бригадир документтеримди кармап, карыз төлөмөйүнчө кетпейсиң дейт.": (
            "taxes"
        ),
        "Как дешевле отправить деньги домой? Хозяин забрал паспорт и зарплату на руки не дает.": (
            "remittances"
        ),
    }
    for text, intent in cases.items():
        result = understanding.parse_sync(text)
        assert result.intent == intent, text
        assert result.risk.level in {"high", "emergency"}, text


def test_a_topic_question_before_violence_keeps_its_topic(understanding: Understanding) -> None:
    result = understanding.parse_sync(
        "Балама туулгандык күбөлүк кантип алам? Күйөөм мени урат, паспортумду катып койгон."
    )
    assert result.intent == "family_documents"
    assert result.risk.level in {"high", "emergency"}


def test_a_story_of_violence_stays_a_request_for_help(understanding: Understanding) -> None:
    # "Азыр ал жумушта" (he is at work now) after the harm must not read as a work topic.
    result = understanding.parse_sync(
        "Эже, мен Москвада күйөөм менен турам. Ал ичип келсе мени урат, телефонумду тартып "
        "алат, бир жакка чыгарбайт. Азыр ал жумушта. Мага ким жардам берет, балдарым менен "
        "кайда барсам болот?"
    )
    assert result.intent == "violence_support"


def test_harm_named_as_the_main_point_is_a_report(understanding: Understanding) -> None:
    result = understanding.parse_sync(
        "Я хотел спросить про регистрацию. Но главное хозяин забрал паспорт и не отдает."
    )
    assert result.intent == "report_exploitation"


def test_unpaid_wages_with_threats_is_a_report_not_wages(understanding: Understanding) -> None:
    result = understanding.parse_sync("не платят зарплату и угрожают депортацией если пожалуюсь")
    assert result.intent == "report_exploitation"
    assert {"withholding_of_wages", "intimidation_threats"} <= set(result.risk.indicators)


def test_a_question_about_the_rules_is_not_a_report(understanding: Understanding) -> None:
    result = understanding.parse_sync("может ли работодатель забрать паспорт")
    assert result.intent == "trafficking_signs"
    assert result.risk.level == "none"


def test_rules_keep_the_ranking_a_distribution(understanding: Understanding) -> None:
    result = understanding.parse_sync("не платят зарплату и угрожают депортацией если пожалуюсь")
    confidences = [score.confidence for score in result.ranking]
    assert confidences == sorted(confidences, reverse=True)


def test_a_red_flag_at_the_end_of_a_very_long_message_is_seen(
    understanding: Understanding,
) -> None:
    filler = "подскажите пожалуйста про регистрацию и работу в россии "
    for length in (10_000, 100_000):
        text = (filler * (length // len(filler) + 1))[: length - 45]
        text += " работодатель забрал паспорт и не отпускает"
        result = understanding.parse_sync(text)
        assert result.risk.level in {"high", "emergency"}, length
        assert "retention_of_documents" in result.risk.indicators


def test_a_long_harmless_message_raises_no_alarm(understanding: Understanding) -> None:
    text = "подскажите пожалуйста про регистрацию и работу в россии " * 1_800
    assert understanding.parse_sync(text).risk.level == "none"
