"""Whatever fails inside, the caller reaches a human: never Twilio's "application error"."""

from __future__ import annotations

import logging

import pytest

from hotline.escalation import EscalationRequest
from hotline.turns import Reply, SayText, Turn
from tests.ivr.conftest import (
    CALLER,
    CLOSED_PORT_REDIS,
    NIGHT,
    Line,
    LineFactory,
    dial_action,
    leave_message,
    spoken,
)


class Broken(RuntimeError):
    pass


async def fail(*_: object, **__: object) -> Reply:
    raise Broken("policy exploded")


async def test_policy_exception_puts_the_caller_through(
    line: Line, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    monkeypatch.setattr(line.services.policy, "handle", fail)

    twiml = await call.press(await call.press(main, "1"), "1")

    heard = spoken(twiml)
    assert heard[0] == line.ctx.prompts.text("ru", "technical_problem")
    assert twiml.findtext("Dial/Number") == line.ctx.settings.operator_phone
    assert "phone route /ivr/menu failed" in caplog.text
    assert CALLER not in caplog.text
    assert line.escalations[-1].reason == "phone_transfer"


async def test_policy_exception_after_hours_leads_to_voicemail(
    make_line: LineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    main = await call.press(await call.start(), "1")
    monkeypatch.setattr(line.services.policy, "handle", fail)
    twiml = await call.press(await call.press(main, "2"), "1")
    assert spoken(twiml)[0] == line.prompt_file("ky", "technical_problem")
    assert line.prompt_file("ky", "callback_question") in spoken(twiml)
    assert line.escalations[-1].callback_number is None  # asked first
    await leave_message(call, twiml, "1")
    assert line.escalations[-1].callback_number == CALLER


async def test_policy_exception_on_speech_puts_the_caller_through(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = line.call()
    main = await call.press(await call.start(), "2")
    monkeypatch.setattr(line.services.policy, "handle", fail)
    twiml = await call.say(main, "помогите")
    assert twiml.find("Dial/Number") is not None


async def test_slow_policy_counts_as_a_failure(
    make_line: LineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    line = await make_line(ivr_turn_timeout_seconds=0.05)

    async def slow(turn: Turn) -> Reply:
        await asyncio.sleep(5)
        raise AssertionError("not reached")

    call = line.call()
    main = await call.press(await call.start(), "2")
    monkeypatch.setattr(line.services.policy, "handle", slow)
    twiml = await call.press(await call.press(main, "1"), "1")
    assert twiml.find("Dial/Number") is not None


async def test_failing_escalator_still_transfers(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(request: EscalationRequest) -> None:
        raise ConnectionError("case store down")

    monkeypatch.setattr(line.services.escalator, "escalate", down)
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.press(main, "5")
    assert spoken(twiml)[0] == line.ctx.prompts.text("ru", "emergency")
    assert twiml.find("Dial/Number") is not None


async def test_failed_escalation_in_the_policy_still_reaches_a_human(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hotline.policy import ESCALATION_FAILED
    from hotline.turns import EscalationFailed

    async def cannot_escalate(turn: Turn) -> Reply:
        failed = (EscalationFailed("high"), SayText(ESCALATION_FAILED))
        return Reply("ru", failed)

    monkeypatch.setattr(line.services.policy, "handle", cannot_escalate)
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.say(main, "помогите")
    assert twiml.find("Dial/Number") is not None  # the typed failure, not a UI string id


async def test_failure_after_a_dial_goes_to_voicemail_not_another_dial(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivr import routes

    call = line.call()
    dialled = await call.press(await call.press(await call.start(), "2"), "0")

    async def broken_voicemail(*_: object, **__: object) -> object:
        raise Broken("voicemail exploded")

    monkeypatch.setattr(routes, "voicemail", broken_voicemail)
    twiml = await call.post(dial_action(dialled), DialCallStatus="no-answer")
    assert twiml.find("Dial") is None
    await leave_message(call, twiml)


async def test_when_even_the_rescue_fails_the_fixed_fallback_dials(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivr import rescue

    monkeypatch.setattr(line.services.policy, "handle", fail)
    monkeypatch.setattr(rescue, "connect_to_human", fail)
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.press(await call.press(main, "1"), "1")
    assert twiml.findtext("Dial/Number") == line.ctx.settings.operator_phone
    assert twiml.find("Record") is not None  # an unanswered <Dial> falls through to it


async def test_redis_down_the_call_still_works(
    make_line: LineFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    line = await make_line(redis_url=CLOSED_PORT_REDIS)
    call = line.call()
    main = await call.press(await call.start(), "2")
    assert line.ctx.prompts.text("ru", "main_menu") in spoken(main)
    dialled = await call.press(main, "0")
    twiml = await call.post(dial_action(dialled), DialCallStatus="no-answer")
    await leave_message(call, twiml, "2")
    # Logged once for the outage, not once per request.
    assert caplog.text.count("Redis unavailable") == 1
    assert CALLER not in caplog.text


async def test_failures_are_logged_without_their_message(
    line: Line, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def leaky(turn: Turn) -> Reply:
        raise ValueError(f"cannot parse {turn.text!r} from {CALLER}")

    monkeypatch.setattr(line.services.policy, "handle", leaky)
    call = line.call()
    main = await call.press(await call.start(), "2")
    twiml = await call.say(main, "секретные слова звонящего")
    assert twiml.find("Dial/Number") is not None
    assert "ValueError" in caplog.text and "leaky" in caplog.text  # type and where
    assert "секретные" not in caplog.text
    assert CALLER not in caplog.text


async def test_a_failure_at_the_call_back_question_still_records_the_message(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivr import routes

    call = line.call()
    dialled = await call.press(await call.press(await call.start(), "2"), "0")
    question = await call.post(dial_action(dialled), DialCallStatus="no-answer")
    monkeypatch.setattr(routes, "take_callback_answer", fail)
    twiml = await call.press(question, "1")
    heard = spoken(twiml)
    assert heard[0] == line.ctx.prompts.text("ru", "technical_problem")
    assert line.ctx.prompts.text("ru", "voicemail_record") in heard
    assert twiml.find("Record") is not None and twiml.find("Dial") is None
