"""Whatever a client on the internet sends, the server answers below 500 and logs none of it.

Hypothesis generates bodies, headers and content types for `/ivr/*` (unsigned, and signed
with the right auth token so that the handlers run on generated values) and for
`/telegram/webhook` (with and without the right secret). Each example's text carries a
canary; no log line of the server (aiohttp's access and error logs, asyncio's, ours) may
contain a canary or any longer generated string.
"""

from __future__ import annotations

import itertools
import json
import logging
import string
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from app.container import build_services
from app.web import build_app
from bot.dispatcher import build_bot, build_dispatcher
from hotline.escalation import RecordingEscalator
from hotline.settings import REPO_ROOT, Settings
from tests.ivr.conftest import understanding
from tests.privacy.server import LogRecorder, ServerThread
from tests.support.telegram import TOKEN, MockedSession
from tests.support.updates import message

AUTH_TOKEN = "twilio-hostile-auth-token"
BASE_URL = "https://hotline.example.org"
SECRET = "webhook-secret-token"
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_canaries = itertools.count(1)

IVR_PATHS = (
    "/ivr/voice",
    "/ivr/language?d=ky",
    "/ivr/menu?l=ru&m=work&s=1",
    "/ivr/answer?l=ru&i=wages_unpaid&b=work",
    "/ivr/dial?l=ru",
    "/ivr/recorded?l=ru",
    "/ivr/recording?l=ru",
    "/ivr/nowhere",
)
TWILIO_FIELDS = (
    "CallSid",
    "From",
    "To",
    "Digits",
    "SpeechResult",
    "Confidence",
    "DialCallStatus",
    "RecordingUrl",
    "RecordingStatus",
)
CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=koi8-r",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/json",
    "application/json; charset=utf-16",
    "text/plain; charset=unknown-8bit",
    "",
)
# Header values http.client sends as given: no CR or LF (that would be a second header).
header_text = st.text(
    st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=80
)
header_bytes = st.one_of(
    header_text.map(lambda text: text.encode("utf-8")),
    st.binary(max_size=60).filter(lambda raw: b"\r" not in raw and b"\n" not in raw),
)
content_type = st.one_of(
    st.sampled_from(CONTENT_TYPES), st.text(string.printable.strip(), max_size=60)
)
extra_headers = st.lists(
    st.tuples(
        st.sampled_from(
            (
                "X-Twilio-Signature",
                "X-Twilio-Webhooks-Signature-Settings",
                "X-Telegram-Bot-Api-Secret-Token",
                "Content-Encoding",
                "Accept-Charset",
                "User-Agent",
                "Referer",
                "X-Forwarded-For",
            )
        ),
        header_bytes,
    ),
    max_size=4,
)


@pytest.fixture(scope="module")
def recorder() -> Iterator[LogRecorder]:
    handler = LogRecorder()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for noisy in ("hypothesis", "aiosqlite", "asyncio.selector_events"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, recorder: LogRecorder
) -> Iterator[ServerThread]:
    var_dir: Path = tmp_path_factory.mktemp("var")
    config = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        telegram_webhook_secret=SecretStr(SECRET),
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        public_base_url=BASE_URL,
        operator_phone="+15005550006",
        redis_url=None,
        var_dir=var_dir,
        content_dir=REPO_ROOT / "content",
    )
    services = build_services(config, escalator=RecordingEscalator(), understanding=understanding())

    def build() -> Any:
        bot = build_bot(services, session=MockedSession())
        return build_app(services, bot=bot, dispatcher=build_dispatcher(services))

    thread = ServerThread(build)
    thread.start()
    yield thread
    thread.stop()


def canary() -> str:
    return f"CANARY{next(_canaries):05d}xq"


def assert_clean(recorder: LogRecorder, generated: list[str]) -> None:
    """No canary or longer generated string in the log; no traceback, no error."""
    time.sleep(0.05)  # background handling (the webhook) logs after the answer
    log = recorder.text()
    for text in generated:
        if "CANARY" in text or (len(text) >= 12 and len(set(text)) > 3):
            assert text not in log, f"generated text in the log: {text!r}"
    assert "CANARY" not in log
    assert "Traceback" not in log
    assert not any(r.exc_info for r in recorder.records)
    errors = [r.getMessage() for r in recorder.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert all(len(line) < 2000 for line in recorder.lines)


@EXAMPLES
@given(
    path=st.sampled_from(IVR_PATHS),
    body=st.one_of(
        st.binary(max_size=300),
        st.dictionaries(st.text(max_size=12), st.text(max_size=40), max_size=5).map(
            lambda form: urlencode(form).encode()
        ),
        st.text(max_size=200).map(lambda text: text.encode("utf-8")),
    ),
    kind=content_type,
    headers=extra_headers,
)
def test_unsigned_phone_requests_are_refused_quietly(
    server: ServerThread,
    recorder: LogRecorder,
    path: str,
    body: bytes,
    kind: str,
    headers: list[tuple[str, bytes]],
) -> None:
    recorder.clear()
    mark = canary()
    body = body + mark.encode()
    sent = [("Content-Type", kind.encode()), ("X-Canary", mark.encode()), *headers]
    response = server.request("POST", path, sent, body)
    assert response.status in (400, 403, 404, 405, 413, 415)
    assert b"Traceback" not in response.body
    texts = [
        mark,
        body.decode("utf-8", "replace"),
        *(v.decode("utf-8", "replace") for _, v in headers),
    ]
    assert_clean(recorder, texts)


twilio_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(("0", "1", "2", "9", "*", "#", "completed", "no-answer", "+996700123456")),
)


@EXAMPLES
@given(
    path=st.sampled_from(IVR_PATHS[:-1]),
    form=st.dictionaries(st.sampled_from(TWILIO_FIELDS), twilio_values, max_size=6),
    query=st.dictionaries(st.sampled_from("ldmsib"), st.text(max_size=20), max_size=3),
    kind=st.one_of(st.just("application/x-www-form-urlencoded"), content_type),
)
def test_signed_phone_requests_with_generated_values_never_fail(
    server: ServerThread,
    recorder: LogRecorder,
    path: str,
    form: dict[str, str],
    query: dict[str, str],
    kind: str,
) -> None:
    recorder.clear()
    mark = canary()
    form = {"CallSid": f"CA{mark}", **form, "Caller": mark}
    if query:
        path = path.split("?", 1)[0] + "?" + urlencode(query)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE_URL + path, form)
    sent = [("Content-Type", kind.encode()), ("X-Twilio-Signature", signature.encode())]
    response = server.request("POST", path, sent, urlencode(form).encode())
    assert response.status < 500
    if response.status == 200:
        assert response.body.startswith(b"<?xml")  # TwiML, whatever the values
    assert_clean(recorder, [mark, *form.values(), *query.values()])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def update_with(text: str) -> bytes:
    payload = message(text).model_dump(mode="json", exclude_none=True)
    return json.dumps(payload, ensure_ascii=False).encode()


@EXAMPLES
@given(
    body=st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda value: json.dumps(value).encode()),
        st.text(max_size=200).map(update_with),  # a real update with a generated text
        st.dictionaries(
            st.sampled_from(("update_id", "message", "callback_query", "edited_message")),
            json_values,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    secret=st.one_of(
        st.just(SECRET.encode()), header_bytes, st.just("секрет".encode()), st.just(b"")
    ),
    kind=content_type,
    headers=extra_headers,
)
def test_webhook_requests_are_answered_below_500_and_never_logged(
    server: ServerThread,
    recorder: LogRecorder,
    body: bytes,
    secret: bytes,
    kind: str,
    headers: list[tuple[str, bytes]],
) -> None:
    recorder.clear()
    mark = canary()
    sent = [
        ("Content-Type", kind.encode()),
        ("X-Telegram-Bot-Api-Secret-Token", secret),
        ("X-Canary", mark.encode()),
        *[(name, value) for name, value in headers if name != "X-Telegram-Bot-Api-Secret-Token"],
    ]
    response = server.request("POST", "/telegram/webhook", sent, body)
    assert response.status < 500
    if secret != SECRET.encode():
        assert response.status in (400, 401, 403)
    texts = [
        mark,
        body.decode("utf-8", "replace"),
        *(v.decode("utf-8", "replace") for _, v in headers),
    ]
    assert_clean(recorder, texts)


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ([("X-Telegram-Bot-Api-Secret-Token", "ключ".encode())], update_with("x"), 403),
        ([("X-Telegram-Bot-Api-Secret-Token", b"\xff\xfe")], update_with("x"), 403),
        ([("X-Telegram-Bot-Api-Secret-Token", SECRET.encode())], b"", 400),
        ([("X-Telegram-Bot-Api-Secret-Token", SECRET.encode())], b"{not json", 400),
        ([("X-Telegram-Bot-Api-Secret-Token", SECRET.encode())], b"[" * 100_000, 400),
        (
            [("X-Telegram-Bot-Api-Secret-Token", SECRET.encode())],
            json.dumps({"update_id": "x", "message": {"text": "CANARY-in-a-bad-update"}}).encode(),
            400,
        ),
    ],
)
def test_the_webhook_refuses_what_issue_14_found(
    server: ServerThread,
    recorder: LogRecorder,
    headers: list[tuple[str, bytes]],
    body: bytes,
    status: int,
) -> None:
    recorder.clear()
    response = server.request(
        "POST", "/telegram/webhook", [("Content-Type", b"application/json"), *headers], body
    )
    assert response.status == status
    assert_clean(recorder, [])


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("application/x-www-form-urlencoded; charset=no-such-charset", b"From=CANARY1"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken CANARY2"),
        ("application/x-www-form-urlencoded", b"From=%FF%FE&Digits=CANARY3"),
    ],
)
def test_the_phone_line_refuses_what_issue_14_found(
    server: ServerThread, recorder: LogRecorder, kind: str, body: bytes
) -> None:
    recorder.clear()
    response = server.request("POST", "/ivr/voice", [("Content-Type", kind.encode())], body)
    assert response.status == 400
    assert_clean(recorder, [])
