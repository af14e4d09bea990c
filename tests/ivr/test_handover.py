"""Reaching a human: transfer, no answer, after hours, voicemail and the escalations reported."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hotline.escalation import CallbackPreference
from tests.ivr.conftest import (
    BASE_URL,
    CALLER,
    NIGHT,
    Call,
    Line,
    LineFactory,
    dial_action,
    leave_message,
    spoken,
)

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


async def russian_main_menu(line: Line) -> tuple[Call, ET.Element]:
    call = line.call()
    main = await call.press(await call.start(), "2")
    return call, main


async def test_transfer_dials_the_operator_and_reports_it(
    line: Line, no_number_in_logs: object
) -> None:
    call, main = await russian_main_menu(line)
    twiml = await call.press(main, "0")

    assert spoken(twiml) == [line.ctx.prompts.text("ru", "connecting")]
    dial = twiml.find("Dial")
    assert dial is not None
    assert dial.attrib["timeout"] == str(line.ctx.settings.ivr_dial_timeout_seconds)
    assert dial.attrib["action"] == f"{BASE_URL}/ivr/dial?l=ru"
    assert dial.findtext("Number") == line.ctx.settings.operator_phone
    [request] = line.escalations
    assert request.reason == "phone_transfer" and request.channel == "phone"
    assert request.language == "ru"
    assert request.user_key.startswith("phone:") and CALLER not in request.user_key
    assert request.callback_number is None


async def test_sip_operator_is_dialled_as_sip(make_line: LineFactory) -> None:
    line = await make_line(operator_phone="sip:operators@pbx.example.org")
    call, main = await russian_main_menu(line)
    twiml = await call.press(main, "0")
    assert twiml.findtext("Dial/Sip") == "sip:operators@pbx.example.org"


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed", "canceled"])
async def test_unanswered_transfer_goes_to_voicemail(line: Line, status: str) -> None:
    call, main = await russian_main_menu(line)
    dialled = await call.press(main, "0")
    twiml = await call.post(dial_action(dialled), DialCallStatus=status)

    heard = spoken(twiml)
    assert heard[0] == line.ctx.prompts.text("ru", "operators_busy")
    assert heard[-1] == line.ctx.prompts.text("ru", "callback_question")
    assert twiml.find("Record") is None  # first: is a call back safe?
    recording = await leave_message(call, twiml, "1")
    assert spoken(recording)[0] == line.ctx.prompts.text("ru", "voicemail_record")
    record = recording.find("Record")
    assert record is not None
    assert record.attrib["action"] == f"{BASE_URL}/ivr/recorded?l=ru"
    assert record.attrib["recordingStatusCallback"] == f"{BASE_URL}/ivr/recording?l=ru"
    assert record.attrib["finishOnKey"] == "#"
    reasons = [r.reason for r in line.escalations]
    # The voicemail is reported before the question, then with the caller's answer.
    assert reasons == ["phone_transfer", "voicemail", "voicemail"]
    # Before the answer: no number, and the question says unanswered so far.
    assert line.escalations[1].callback_number is None
    assert line.escalations[1].callback_preference is CallbackPreference.UNANSWERED
    # The callback number goes to the escalator after a "yes", and only there.
    assert line.escalations[-1].callback_number == CALLER
    assert line.escalations[-1].callback_preference is CallbackPreference.SAFE


async def test_answered_transfer_ends_the_call(line: Line) -> None:
    call, main = await russian_main_menu(line)
    dialled = await call.press(main, "0")
    twiml = await call.post(dial_action(dialled), DialCallStatus="completed")
    assert twiml.find("Hangup") is not None and twiml.find("Record") is None


async def test_after_hours_goes_straight_to_voicemail(make_line: LineFactory) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    main = await call.press(await call.start(), "1")
    twiml = await call.press(main, "0")

    assert twiml.find("Dial") is None
    heard = spoken(twiml)
    assert heard[0] == line.prompt_file("ky", "operators_closed")
    assert line.prompt_file("ky", "callback_question") in heard
    assert [r.reason for r in line.escalations] == ["voicemail"]
    recording = await leave_message(call, twiml, "1")
    assert line.prompt_file("ky", "voicemail_record") in spoken(recording)


async def test_no_operator_configured_goes_to_voicemail(make_line: LineFactory) -> None:
    line = await make_line(operator_phone=None)
    call, main = await russian_main_menu(line)
    twiml = await call.press(main, "0")
    assert twiml.find("Dial") is None
    await leave_message(call, twiml)


async def test_weekend_is_after_hours(make_line: LineFactory) -> None:
    from datetime import UTC, datetime

    line = await make_line(clock=datetime(2026, 11, 28, 6, 0, tzinfo=UTC))  # Saturday noon
    call, main = await russian_main_menu(line)
    twiml = await call.press(main, "0")
    await leave_message(call, twiml)


async def test_recording_is_reported_once_with_its_url(
    line: Line, no_number_in_logs: object
) -> None:
    call, main = await russian_main_menu(line)
    dialled = await call.press(main, "0")
    voicemail = await leave_message(
        call, await call.post(dial_action(dialled), DialCallStatus="no-answer")
    )
    record = voicemail.find("Record")
    assert record is not None

    thanks = await call.post(
        record.attrib["action"], RecordingUrl=RECORDING, RecordingDuration="12"
    )
    assert spoken(thanks) == [line.ctx.prompts.text("ru", "voicemail_thanks")]
    assert thanks.find("Hangup") is not None
    # Twilio's status callback has no From; it still reports nothing twice.
    status = await call.post(
        record.attrib["recordingStatusCallback"],
        RecordingUrl=RECORDING,
        RecordingStatus="completed",
    )
    assert list(status) == []
    recordings = [r for r in line.escalations if r.recording_url]
    assert len(recordings) == 1
    assert recordings[0].recording_url == RECORDING and recordings[0].reason == "voicemail"
    assert recordings[0].callback_number == CALLER


async def test_status_callback_alone_reports_the_recording(line: Line) -> None:
    call, main = await russian_main_menu(line)
    dialled = await call.press(main, "0")
    voicemail = await leave_message(
        call, await call.post(dial_action(dialled), DialCallStatus="busy")
    )
    record = voicemail.find("Record")
    assert record is not None
    callback = Call(call.client, call.call_sid, caller="")
    await callback.post(record.attrib["recordingStatusCallback"], RecordingUrl=RECORDING)
    [recording] = [r for r in line.escalations if r.recording_url]
    assert recording.user_key == line.escalations[0].user_key


async def test_help_now_says_emergency_numbers_then_transfers(line: Line) -> None:
    call, main = await russian_main_menu(line)
    twiml = await call.press(main, "5")

    heard = spoken(twiml)
    emergency = line.ctx.prompts.text("ru", "emergency")
    assert heard[0] == emergency
    # One short safety line before the transfer.
    assert heard[1] == line.ctx.prompts.text("ru", "safety_generic")
    contacts = line.services.content.contacts
    assert contacts["emergency_ru"].number in emergency
    assert contacts["emergency_kz"].number in emergency
    assert twiml.find("Dial/Number") is not None
    [request] = line.escalations
    assert request.reason == "phone_transfer" and request.level == "emergency"
    assert request.intent == "emergency"


async def test_help_now_after_hours_reports_the_emergency_before_asking_about_a_call_back(
    make_line: LineFactory,
) -> None:
    line = await make_line(clock=NIGHT)
    call = line.call()
    main = await call.press(await call.start(), "1")
    twiml = await call.press(main, "5")
    heard = spoken(twiml)
    assert heard[:2] == [
        line.prompt_file("ky", "emergency"),
        line.prompt_file("ky", "safety_generic"),
    ]
    assert twiml.find("Gather") is not None  # the question before the recording
    [request] = line.escalations
    assert request.reason == "voicemail" and request.level == "emergency"
    assert request.callback_number is None  # not before the caller says a call back is safe
    await leave_message(call, twiml, "1")
    assert line.escalations[-1].level == "emergency"
    assert line.escalations[-1].callback_number == CALLER


async def test_emergency_is_repeated_when_nobody_answers(line: Line) -> None:
    call, main = await russian_main_menu(line)
    dialled = await call.press(main, "5")
    twiml = await call.post(dial_action(dialled), DialCallStatus="no-answer")
    assert line.ctx.prompts.text("ru", "emergency") in spoken(twiml)
    assert line.escalations[-1].level == "emergency"


async def test_withheld_number_gets_no_callback_number(line: Line) -> None:
    call = line.call(caller="anonymous")
    main = await call.press(await call.start(), "2")
    dialled = await call.press(main, "0")
    await call.post(dial_action(dialled), DialCallStatus="no-answer")
    assert all(r.callback_number is None for r in line.escalations)


@pytest.mark.parametrize(("language_key", "language"), [("1", "ky"), ("2", "ru")])
async def test_this_is_happening_to_me_says_a_safety_line_then_reaches_a_human(
    line: Line, language_key: str, language: str
) -> None:
    call = line.call()
    main = await call.press(await call.start(), language_key)
    trafficking = await call.press(main, "3")
    twiml = await call.press(trafficking, "3")

    dial = twiml.find("Dial")
    assert dial is not None and dial.findtext("Number") == line.ctx.settings.operator_phone
    lang = "ky" if language == "ky" else "ru"
    said = [
        line.prompt_file(lang, name) if lang == "ky" else line.ctx.prompts.text(lang, name)
        for name in ("safety_held", "emergency", "connecting")
    ]
    assert spoken(twiml) == said  # one safety line and the numbers, before the transfer
    [request] = line.escalations
    assert request.reason == "phone_transfer"
    assert request.level == "high" and request.intent == "report_exploitation"


async def test_a_call_through_every_route_opens_one_case_and_raises_it(
    line: Line, tmp_path: Path
) -> None:
    """Key 0, no answer, the voicemail, the recording and its callback: one case."""
    from hotline.cases.outbox import OutboxQueue
    from hotline.cases.service import CaseService
    from hotline.cases.setup import build_case_store

    settings = line.services.settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3"}
    )
    assert line.services.keys is not None
    cases = CaseService(build_case_store(settings, line.services.keys))
    line.services.core.policy.escalator = cases  # the one escalation path, now durable
    try:
        call, main = await russian_main_menu(line)
        spoken_danger = await call.say(main, "меня заперли и бьют")  # the policy escalates
        assert spoken_danger.find("Dial/Number") is not None
        voicemail = await call.post(dial_action(spoken_danger), DialCallStatus="no-answer")
        record = (await leave_message(call, voicemail, "1")).find("Record")  # safe to call
        assert record is not None
        await call.post(record.attrib["action"], RecordingUrl=RECORDING, RecordingDuration="9")
        await call.post(
            record.attrib["recordingStatusCallback"],
            RecordingUrl=RECORDING,
            RecordingStatus="completed",
        )
        [case] = await cases.list_open()
        assert case.channel == "phone" and case.level == "emergency"
        assert case.callback_number == CALLER and case.recording_url == RECORDING
        kinds = [item.kind.value for item in await OutboxQueue(cases.store, "t").items()]
        # Opened once; then only what was new: whether a call back is safe with the number,
        # the recording, its link.
        assert kinds == ["topic_create", "card_update", "card_update", "card_update"]
        assert case.callback_preference is not None
    finally:
        await cases.store.dispose()


async def test_a_caller_s_situation_reaches_the_case_on_every_report(
    line: Line, tmp_path: Path
) -> None:
    """Domestic violence said on the phone: the policy's case and the voicemail's report
    both carry the situation, so the phone case names it as a chat case would."""
    from hotline.cases.service import CaseService
    from hotline.cases.setup import build_case_store

    call, main = await russian_main_menu(line)
    spoken_danger = await call.say(main, "муж бьёт меня каждый день и угрожает убить")
    assert spoken_danger.find("Dial/Number") is not None
    voicemail = await call.post(dial_action(spoken_danger), DialCallStatus="no-answer")
    await leave_message(call, voicemail, "2")  # do not call back
    reasons = [r.reason for r in line.escalations]
    assert reasons[0] in ("risk", "emergency") and reasons[-1] == "voicemail"
    assert all(r.situations[:1] == ("domestic_violence",) for r in line.escalations)

    # The same requests, made durable: the case keeps the situation, and the phone's own
    # report (which knows only what the call state kept) does not lose it.
    settings = line.services.settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3"}
    )
    assert line.services.keys is not None
    cases = CaseService(build_case_store(settings, line.services.keys))
    try:
        for request in line.escalations:
            await cases.escalate(request)
        [case] = await cases.list_open()
        assert case.channel == "phone" and case.situations[0] == "domestic_violence"
        assert case.callback_preference == CallbackPreference.UNSAFE
    finally:
        await cases.store.dispose()
