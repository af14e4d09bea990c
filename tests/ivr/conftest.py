"""Phone line fixtures: the real core behind an aiohttp test server, and a caller that plays Twilio.

Requests are signed with twilio's RequestValidator exactly as Twilio signs them, and the
TwiML that comes back is parsed as XML; a test follows the `action` URLs like Twilio does.
"""

from __future__ import annotations

import functools
import logging
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from app.container import build_services
from hotline.content import ContentStore
from hotline.content.recordings import read_manifest
from hotline.escalation import EscalationRequest, RecordingEscalator
from hotline.keys import Keys
from hotline.metrics import Metrics
from hotline.policy import DialoguePolicy
from hotline.services import Services
from hotline.settings import REPO_ROOT, Settings
from ivr.app import build_ivr_app
from ivr.audio import audio_file_name
from ivr.context import IVR_CONTEXT, IvrContext
from nlu.catalogue import Language
from nlu.pipeline import Understanding, build_understanding
from tests.support.web import HotlineTestServer

Client = TestClient[web.Request, web.Application]

AUTH_TOKEN = "twilio-test-auth-token"
BASE_URL = "https://hotline.example.org"
OPERATOR = "+15005550006"  # Twilio's magic test number, never a real line
CALLER = "+996700123456"
REDIS_DB2 = "redis://127.0.0.1:6379/2"
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/2"
# Wednesday 25 November 2026, 12:00 in Bishkek (UTC+6): operators on duty.
OFFICE_HOURS = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 23:00 in Bishkek


@functools.cache
def understanding() -> Understanding:
    """The real NLU (embedded engine), built once for the whole session."""
    return build_understanding(engine="embedded")


@dataclass
class PhoneServices:
    """`hotline.services.Services`, and the escalator's record of what the line reported."""

    core: Services
    escalator: RecordingEscalator

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def content(self) -> ContentStore:
        return self.core.content

    @property
    def policy(self) -> DialoguePolicy:
        return self.core.policy

    @property
    def metrics(self) -> Metrics:
        return self.core.metrics

    @property
    def keys(self) -> Keys | None:
        return self.core.keys


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty var directory: the Kyrgyz recordings ship in content/ky/audio/, as on a clone."""
    return tmp_path_factory.mktemp("var")


def make_settings(var_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "twilio_auth_token": SecretStr(AUTH_TOKEN),
        "public_base_url": BASE_URL,
        "operator_phone": OPERATOR,
        "operator_hours": "09:00-18:00",
        "operator_days": "1-5",
        "phone_salt": SecretStr("test-salt"),
        "redis_url": None,
        "content_dir": REPO_ROOT / "content",
        "var_dir": var_dir,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def make_services(settings: Settings) -> PhoneServices:
    """The core as `hotline serve` builds it, with an escalator that records what it is told."""
    escalator = RecordingEscalator()
    services = build_services(settings, escalator=escalator, understanding=understanding())
    return PhoneServices(services, escalator)


class Call:
    """One phone call as Twilio makes it: signed POSTs to the URLs the TwiML names."""

    def __init__(self, client: Client, call_sid: str, caller: str = CALLER) -> None:
        self.client = client
        self.call_sid = call_sid
        self.caller = caller
        self.validator = RequestValidator(AUTH_TOKEN)

    def sign(self, url: str, params: dict[str, str]) -> str:
        return str(self.validator.compute_signature(url, params))

    async def post(self, url: str, **params: str) -> ET.Element:
        response = await self.raw_post(url, **params)
        assert response.status == 200, await response.text()
        assert response.content_type == "text/xml"
        return ET.fromstring(await response.text())

    async def raw_post(
        self, url: str, signature: str | None = "sign", **params: str
    ) -> ClientResponse:
        if not url.startswith("http"):
            url = BASE_URL + url
        form = {"CallSid": self.call_sid, "From": self.caller, "To": "+15005550001", **params}
        headers: dict[str, str] = {}
        if signature == "sign":
            headers["X-Twilio-Signature"] = self.sign(url, form)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return await self.client.post(path, data=form, headers=headers)

    async def start(self) -> ET.Element:
        return await self.post("/ivr/voice")

    async def press(self, twiml: ET.Element, digits: str) -> ET.Element:
        """Answer the <Gather> of `twiml` with keys, as Twilio posts them."""
        return await self.post(gather_action(twiml), Digits=digits)

    async def say(self, twiml: ET.Element, speech: str) -> ET.Element:
        return await self.post(gather_action(twiml), SpeechResult=speech, Confidence="0.9")

    async def silence(self, twiml: ET.Element) -> ET.Element:
        return await self.post(gather_action(twiml))


async def leave_message(call: Call, voicemail: ET.Element, digits: str = "1") -> ET.Element:
    """Answer the voicemail's question whether a call back is safe; the TwiML that records."""
    question = voicemail.find("Gather")
    assert question is not None and "/ivr/callback" in question.attrib["action"]
    recording = await call.press(voicemail, digits)
    assert recording.find("Record") is not None, ET.tostring(recording, encoding="unicode")
    return recording


def gather_action(twiml: ET.Element) -> str:
    found = twiml.find("Gather")
    assert found is not None, ET.tostring(twiml, encoding="unicode")
    return found.attrib["action"]


def dial_action(twiml: ET.Element) -> str:
    dial = twiml.find("Dial")
    assert dial is not None, ET.tostring(twiml, encoding="unicode")
    return dial.attrib["action"]


def spoken(twiml: ET.Element) -> list[str]:
    """What the caller hears, in order: <Say> texts and <Play> file names."""
    heard = []
    for element in twiml.iter():
        if element.tag == "Say":
            heard.append(element.text or "")
        elif element.tag == "Play":
            heard.append((element.text or "").rsplit("/", 1)[-1])
    return heard


def heard_chunks(line: Line, twiml: ET.Element) -> list[str]:
    """The texts the caller hears, one per <Say> or <Play>: a recording by the text its
    manifest says it holds (Kyrgyz), a <Say> by its own text."""
    manifest = read_manifest(line.ctx.speaker.library.directory("ky")) or {}
    texts: list[str] = []
    for element in twiml.iter():
        if element.tag == "Say":
            texts.append(element.text or "")
        elif element.tag == "Play":
            name = (element.text or "").rsplit("/", 1)[-1]
            assert name in manifest, f"{name} is not in the manifest"
            texts.append(manifest[name].text)
    return texts


@dataclass
class Line:
    """The phone line under test: its server, context, services, and a way to make calls."""

    client: Client
    ctx: IvrContext
    services: PhoneServices
    _calls: int = 0

    def call(self, caller: str = CALLER) -> Call:
        self._calls += 1
        return Call(self.client, f"CA{self._calls:032d}", caller)

    def prompt_file(self, language: Language, name: str) -> str:
        return audio_file_name(name, self.ctx.prompts.text(language, name))

    @property
    def escalations(self) -> list[EscalationRequest]:
        return self.services.escalator.requests


class LineFactory(Protocol):
    async def __call__(self, *, clock: datetime = ..., **overrides: Any) -> Line: ...


@pytest.fixture
async def make_line(audio_dir: Path) -> AsyncIterator[LineFactory]:
    clients: list[Client] = []

    async def build(*, clock: datetime = OFFICE_HOURS, **overrides: Any) -> Line:
        settings = make_settings(overrides.pop("var_dir", audio_dir), **overrides)
        services = make_services(settings)
        app = web.Application()
        ivr = build_ivr_app(services)
        ivr[IVR_CONTEXT].clock = lambda: clock
        app.add_subapp("/ivr", ivr)
        client = TestClient(HotlineTestServer(app))
        await client.start_server()
        clients.append(client)
        return Line(client, ivr[IVR_CONTEXT], services)

    yield build
    for client in clients:
        await client.close()


@pytest.fixture
async def line(make_line: LineFactory) -> Line:
    built: Line = await make_line()
    return built


@pytest.fixture
def no_number_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog
    assert CALLER not in caplog.text
    assert CALLER.lstrip("+") not in caplog.text
