"""Russian callers may speak: the words go through the same NLU and policy as a chat message."""

from __future__ import annotations

from tests.ivr.conftest import Line, LineFactory, spoken


async def test_russian_menus_listen_for_speech_in_russian(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    gather = main.find("Gather")
    assert gather is not None
    assert gather.attrib["input"] == "dtmf speech"
    assert gather.attrib["language"] == "ru-RU"
    assert gather.attrib["speechTimeout"] == "auto"
    assert "патент" in gather.attrib["hints"]


async def test_a_spoken_question_is_answered_with_the_summary(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    answer = await call.say(main, "сколько дней на регистрацию в России")
    summary = line.services.content.answer("ru", "registration_russia").summary
    assert spoken(answer)[0] == summary
    assert answer.find("Dial") is None
    assert line.escalations == []


async def test_spoken_danger_gives_emergency_numbers_escalates_and_transfers(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.say(main, "меня бьют, помогите")

    heard = spoken(twiml)
    assert heard[0] == line.ctx.prompts.text("ru", "emergency")
    assert twiml.find("Dial/Number") is not None
    reasons = [(r.reason, r.level) for r in line.escalations]
    # The policy escalates the risk; the transfer adds nothing new, so no second report.
    assert reasons == [("emergency", "emergency")]
    assert all(r.channel == "phone" for r in line.escalations)


async def test_spoken_high_risk_is_transferred(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.say(main, "работодатель забрал паспорт и не отдаёт")
    assert twiml.find("Dial/Number") is not None
    # One case, opened by the policy; the transfer does not escalate it a second time.
    assert [r.reason for r in line.escalations] == ["risk"]
    assert line.escalations[-1].level in ("high", "emergency")


async def test_speech_not_understood_offers_the_menu_again(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.say(main, "какая погода в Бишкеке")
    heard = spoken(twiml)
    assert heard[0] == line.ctx.prompts.text("ru", "not_understood")
    assert heard[-1] == line.ctx.prompts.text("ru", "main_menu")


async def test_speech_after_an_answer_asks_a_new_question(line: Line) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    answer = await call.press(await call.press(main, "1"), "3")
    twiml = await call.say(answer, "сколько дней на регистрацию в России")
    summary = line.services.content.answer("ru", "registration_russia").summary
    assert spoken(twiml)[0] == summary


async def test_kyrgyz_speech_only_when_configured(make_line: LineFactory) -> None:
    line = await make_line(ivr_speech_language_ky="ky-KG")
    call = line.call()
    main = await call.press(await call.start(), "1")
    gather = main.find("Gather")
    assert gather is not None
    assert gather.attrib["input"] == "dtmf speech"
    assert gather.attrib["language"] == "ky-KG"
