"""The caller's number reaches the case only after an answer that allows a call back.

Signed calls to a line whose escalations go to the real case service (SQLite); each test
reads the `cases.callback_number_enc` column itself, not only the case view.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.cases.models import Case
from hotline.cases.service import CaseService
from hotline.cases.setup import build_case_store
from hotline.escalation import CallbackPreference
from tests.ivr.conftest import CALLER, NIGHT, Call, Line, LineFactory, gather_action, spoken

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE7"


@dataclass
class DurableLine:
    line: Line
    cases: CaseService

    async def stored(self) -> tuple[bytes | None, str | None]:
        """The one case's sealed callback number and callback preference, as stored."""
        sessions = await self.cases.store.sessions()
        async with sessions() as session:
            [row] = (await session.execute(select(Case))).scalars().all()
            return row.callback_number_enc, row.callback_preference

    async def question(self) -> tuple[Call, ET.Element]:
        """A Russian call after hours, key 0: the voicemail asks whether a call back is safe."""
        call = self.line.call()
        twiml = await call.press(await call.press(await call.start(), "2"), "0")
        assert "/ivr/callback" in gather_action(twiml)
        assert spoken(twiml)[-1] == self.line.ctx.prompts.text("ru", "callback_question")
        return call, twiml


@pytest.fixture
async def durable(make_line: LineFactory, tmp_path: Path) -> AsyncIterator[DurableLine]:
    line = await make_line(clock=NIGHT)
    settings = line.services.settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/cases.sqlite3"}
    )
    assert line.services.keys is not None
    cases = CaseService(build_case_store(settings, line.services.keys))
    line.services.core.policy.escalator = cases
    try:
        yield DurableLine(line, cases)
    finally:
        await cases.store.dispose()


async def test_the_number_is_not_stored_while_the_question_is_asked(durable: DurableLine) -> None:
    await durable.question()
    number, preference = await durable.stored()
    assert number is None  # the case exists, without the number
    assert preference == CallbackPreference.UNANSWERED


async def test_a_caller_who_hangs_up_at_the_question_leaves_no_number(
    durable: DurableLine,
) -> None:
    call, _ = await durable.question()
    # Twilio posts nothing to the <Gather> action after a hang-up; the number's call status
    # callback comes instead.
    done = await call.post("/ivr/status", CallStatus="completed", CallDuration="14")
    assert list(done) == []  # empty TwiML: nobody is on the line
    number, preference = await durable.stored()
    assert number is None
    assert preference == CallbackPreference.UNANSWERED
    [case] = await durable.cases.list_open()
    assert case.callback_number is None and case.callback_preference == "unanswered"
    assert case not in await durable.cases.callbacks_waiting()


async def test_press_2_never_stores_the_number_even_with_the_recording(
    durable: DurableLine,
) -> None:
    call, question = await durable.question()
    recording = await call.press(question, "2")
    record = recording.find("Record")
    assert record is not None
    thanks = await call.post(record.attrib["action"], RecordingUrl=RECORDING)
    await call.post(record.attrib["recordingStatusCallback"], RecordingUrl=RECORDING)
    await call.post("/ivr/status", CallStatus="completed")
    assert spoken(thanks) == [durable.line.ctx.prompts.text("ru", "voicemail_thanks_no_call")]
    assert await durable.stored() == (None, CallbackPreference.UNSAFE)


async def test_silence_at_the_question_stores_no_number_and_promises_no_call(
    durable: DurableLine,
) -> None:
    call, question = await durable.question()
    recording = await call.silence(question)
    record = recording.find("Record")
    assert record is not None
    thanks = await call.post(record.attrib["action"], RecordingUrl=RECORDING)
    assert spoken(thanks) == [durable.line.ctx.prompts.text("ru", "voicemail_thanks_no_call")]
    assert await durable.stored() == (None, CallbackPreference.UNANSWERED)


@pytest.mark.parametrize(
    ("answer", "preference"),
    [("1", CallbackPreference.SAFE), ("после восьми вечера", CallbackPreference.WHEN)],
)
async def test_an_answer_that_allows_a_call_back_stores_the_number_sealed(
    durable: DurableLine, answer: str, preference: CallbackPreference
) -> None:
    call, question = await durable.question()
    if answer.isdigit():
        recording = await call.press(question, answer)
    else:
        recording = await call.say(question, answer)
    record = recording.find("Record")
    assert record is not None
    thanks = await call.post(record.attrib["action"], RecordingUrl=RECORDING)
    await call.post("/ivr/status", CallStatus="completed")  # the end changes nothing
    assert spoken(thanks) == [durable.line.ctx.prompts.text("ru", "voicemail_thanks")]
    sealed, stored_preference = await durable.stored()
    assert sealed is not None and CALLER.encode() not in sealed  # kept, encrypted at rest
    assert stored_preference == preference
    [case] = await durable.cases.list_open()
    assert case.callback_number == CALLER
    assert [c.id for c in await durable.cases.callbacks_waiting()] == [case.id]


async def test_the_status_callback_of_a_call_without_the_question_changes_nothing(
    durable: DurableLine,
) -> None:
    call = durable.line.call()
    await call.press(await call.start(), "2")
    done = await call.post("/ivr/status", CallStatus="completed")
    assert list(done) == []
    assert await durable.cases.list_open() == []


async def test_the_status_callback_is_signed_like_every_route(durable: DurableLine) -> None:
    call, _ = await durable.question()
    forged = await call.raw_post("/ivr/status", signature="forged", CallStatus="completed")
    assert forged.status == 403
