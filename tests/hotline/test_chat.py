"""`hotline chat`: lines in, plain text out, on the same core."""

from __future__ import annotations

import io

from app.commands.chat import chat
from hotline.content import ContentStore
from hotline.escalation import RecordingEscalator
from hotline.policy import DialoguePolicy
from hotline.settings import get_settings
from hotline.state import MemoryConversationStore
from tests.hotline.fakes import FakeUnderstanding, Scripted


async def run_chat(lines: list[str], lang: str | None = "ru") -> tuple[str, RecordingEscalator]:
    script = {
        "Сколько дней на регистрацию?": Scripted("registration_russia", language="ru"),
        "меня бьют": Scripted("emergency", level="emergency", language="ru"),
        "мен Алматыдамын элчиликтин номери": Scripted("contacts", language="ky"),
        "консульство в Екатеринбурге": Scripted("contacts", language="ru"),
    }
    escalator = RecordingEscalator()
    content = ContentStore.load(get_settings().content_dir)
    policy = DialoguePolicy(
        FakeUnderstanding(script), content, MemoryConversationStore(), escalator
    )
    out = io.StringIO()
    await chat(policy, content, lang, io.StringIO("\n".join(lines) + "\n"), out)  # type: ignore[arg-type]
    return out.getvalue(), escalator


async def test_piped_conversation_renders_answers_options_and_escalation() -> None:
    text, escalator = await run_chat(["Сколько дней на регистрацию?", "1", "меня бьют", "/quit"])
    assert "== Миграционный учёт в России ==" in text
    assert "  1) " in text
    assert "!! " in text and "112" in text
    assert "боитесь обращаться в полицию, напишите здесь «оператор»" in text
    assert "[escalated: case 000001, risk emergency]" in text
    assert escalator.requests[0].channel == "terminal"


async def test_without_a_language_it_asks_in_both() -> None:
    text, _ = await run_chat([], lang=None)
    assert text.count("1)") == 1 and "2)" in text


async def test_a_city_without_a_sourced_number_gets_the_consular_line_and_says_so() -> None:
    text, _ = await run_chat(["мен Алматыдамын элчиликтин номери", "/quit"], lang="ky")
    assert (
        "Кыргыз Республикасынын Алматыдагы башкы консулдугу: текшерилген телефон номери "
        "азырынча жок" in text
    )
    assert "Кыргыз Республикасынын Казакстандагы элчилиги (Астана)" in text
    assert "консулдук департаментине чалыңыз: +996 999 312 002" in text
    assert text.index("Алматыдагы") < text.index("== Керектүү телефон номерлери ==")


async def test_a_russian_city_gets_its_consulate_and_the_embassy_hotline() -> None:
    text, _ = await run_chat(["консульство в Екатеринбурге", "/quit"], lang="ru")
    assert (
        "Генеральное консульство Кыргызской Республики в Екатеринбурге: проверенного "
        "номера телефона пока нет" in text
    )
    assert (
        "Посольство Кыргызской Республики в Москве: +7 925 115 50 47 (проверено: 2024-03)" in text
    )
    assert (
        "звоните в консульский департамент МИД Кыргызстана: +996 999 312 002 (проверено: "
        "2024-03)" in text
    )


async def test_after_an_escalation_questions_still_get_automatic_answers() -> None:
    text, escalator = await run_chat(["меня бьют", "Сколько дней на регистрацию?", "/quit"])
    after = text[text.index("[escalated: case 000001") :]
    # No dead end: the question is answered, marked as automatic, and relayed to the case.
    assert "[Автоматический ответ]" in after
    assert "== Миграционный учёт в России ==" in after
    assert "is open: an operator answers" not in text
    assert escalator.relayed == [("terminal:local", "Сколько дней на регистрацию?")]
