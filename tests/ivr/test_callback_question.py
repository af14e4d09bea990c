"""The voicemail asks whether a call back is safe before the message, and the case keeps the
answer: the phone may be in the hands of the people the caller is afraid of."""

from __future__ import annotations

import pytest

from hotline.escalation import CallbackPreference
from tests.ivr.conftest import (
    CALLER,
    NIGHT,
    LineFactory,
    gather_action,
    leave_message,
    spoken,
)

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE9"


@pytest.mark.parametrize(("key", "language"), [("1", "ky"), ("2", "ru")])
async def test_the_voicemail_asks_first_and_promises_no_call_back(
    make_line: LineFactory, key: str, language: str
) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    twiml = await call.press(await call.press(await call.start(), key), "0")
    said = line.prompt_file if language == "ky" else line.ctx.prompts.text
    assert spoken(twiml)[-1] == said(language, "callback_question")  # type: ignore[arg-type]
    assert twiml.find("Record") is None
    assert gather_action(twiml).endswith(f"/ivr/callback?l={language}")
    recording = await leave_message(call, twiml, "1")
    assert spoken(recording)[0] == said(language, "voicemail_record")  # type: ignore[arg-type]
    if language == "ru":  # the words themselves: no promise to call this number
        assert "перезвонит" not in spoken(recording)[0]


async def test_press_1_keeps_the_number_for_a_call_back(make_line: LineFactory) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    twiml = await call.press(await call.press(await call.start(), "2"), "0")
    await leave_message(call, twiml, "1")
    last = line.escalations[-1]
    assert last.callback_preference is CallbackPreference.SAFE
    assert last.callback_number == CALLER


async def test_press_2_means_no_call_back_and_no_number_kept(make_line: LineFactory) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    twiml = await call.press(await call.press(await call.start(), "2"), "0")
    recording = await leave_message(call, twiml, "2")
    last = line.escalations[-1]
    assert last.callback_preference is CallbackPreference.UNSAFE
    assert last.callback_number is None
    record = recording.find("Record")
    assert record is not None
    thanks = await call.post(record.attrib["action"], RecordingUrl=RECORDING)
    assert spoken(thanks) == [line.ctx.prompts.text("ru", "voicemail_thanks_no_call")]
    # Reporting the recording does not bring the number back.
    [with_recording] = [r for r in line.escalations if r.recording_url]
    assert with_recording.callback_number is None


async def test_saying_when_is_kept_as_said(make_line: LineFactory) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    twiml = await call.press(await call.press(await call.start(), "2"), "0")
    recording = await call.say(twiml, "звоните после восьми вечера")
    assert recording.find("Record") is not None
    last = line.escalations[-1]
    assert last.callback_preference is CallbackPreference.WHEN
    assert last.callback_when == "звоните после восьми вечера"
    assert last.callback_number == CALLER


async def test_silence_records_the_message_and_says_nothing_was_answered(
    make_line: LineFactory,
) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    twiml = await call.press(await call.press(await call.start(), "2"), "0")
    recording = await call.silence(twiml)
    assert recording.find("Record") is not None
    assert line.escalations[-1].callback_preference is CallbackPreference.UNANSWERED


async def test_a_withheld_number_is_not_asked(make_line: LineFactory) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call(caller="anonymous")
    twiml = await call.press(await call.press(await call.start(), "2"), "0")
    assert twiml.find("Gather") is None and twiml.find("Record") is not None
    assert line.ctx.prompts.text("ru", "callback_question") not in spoken(twiml)
