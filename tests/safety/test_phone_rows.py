"""Every row of the safety-response table on the phone, in both languages: signed Twilio
requests following the TwiML's action URLs, the caller speaking the message (Kyrgyz speech
switched on), the real NLU (or its parse with the row's risk injected, where the case says
so), and the TwiML parsed as XML."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from app.container import build_services
from hotline.escalation import RecordingEscalator
from ivr.app import build_ivr_app
from ivr.context import IVR_CONTEXT
from nlu.catalogue import Language
from tests.ivr.conftest import (  # noqa: F401 - audio_dir is a fixture
    OFFICE_HOURS,
    Line,
    PhoneServices,
    audio_dir,
    make_settings,
    spoken,
    understanding,
)
from tests.safety.conftest import IDS, PARAMS, RowCase, understanding_for_rows

LANGUAGE_KEYS = {"ky": "1", "ru": "2"}


@pytest.fixture
async def line(audio_dir: Path) -> AsyncIterator[Line]:  # noqa: F811 - the fixture above
    settings = make_settings(audio_dir, ivr_speech_language_ky="ky-KG")
    escalator = RecordingEscalator()
    core = build_services(
        settings, escalator=escalator, understanding=understanding_for_rows(understanding())
    )
    app = web.Application()
    ivr = build_ivr_app(PhoneServices(core, escalator))
    ivr[IVR_CONTEXT].clock = lambda: OFFICE_HOURS
    app.add_subapp("/ivr", ivr)
    client = TestClient(TestServer(app))
    await client.start_server()
    yield Line(client, ivr[IVR_CONTEXT], PhoneServices(core, escalator))
    await client.close()


def said(line: Line, language: Language, prompt: str) -> str:
    """A prompt as the caller hears it: a recording in Kyrgyz, the text said in Russian."""
    if language == "ky":
        return line.prompt_file(language, prompt)
    return line.ctx.prompts.text(language, prompt)


@pytest.mark.parametrize(("case", "language"), PARAMS, ids=IDS)
async def test_every_row_on_the_phone(line: Line, case: RowCase, language: Language) -> None:
    text = case.texts[language]
    call = line.call()
    main = await call.press(await call.start(), LANGUAGE_KEYS[language])
    twiml = await call.say(main, text)
    heard = spoken(twiml)
    row = case.row

    if row.level == "concern":
        # The answer's summary, then the after-answer menu, where 0 is the operator.
        assert twiml.find("Dial") is None
        assert heard[-1] == said(line, language, "after_answer")
        assert not any(h.startswith("safety_") or "safety" in h for h in heard)
        assert line.escalations == []
        return

    prompts = [said(line, language, p) for p in row.phone_prompts()]
    # One short safety line (and the numbers), in the row's order, then the transfer.
    assert heard == [*prompts, said(line, language, "connecting")], heard
    assert twiml.find("Dial/Number") is not None
    [request] = line.escalations
    assert request.level == row.level and request.channel == "phone"
    if row.situation == "suicide_risk":
        assert heard[0] == said(line, language, "safety_suicide")  # before anything else
    if row.level == "emergency" or "numbers" in row.parts:
        assert said(line, language, "emergency") in heard
