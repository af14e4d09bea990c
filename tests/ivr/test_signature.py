"""Only Twilio may drive the phone line: X-Twilio-Signature on every route but the audio files."""

from __future__ import annotations

import logging

import pytest

from tests.ivr.conftest import AUTH_TOKEN, BASE_URL, CALLER, Line


@pytest.mark.parametrize(
    "path",
    [
        "/ivr/voice",
        "/ivr/language?d=ky",
        "/ivr/menu?l=ru&m=main",
        "/ivr/answer?l=ru",
        "/ivr/dial?l=ru",
        "/ivr/recorded?l=ru",
        "/ivr/recording?l=ru",
    ],
)
async def test_missing_signature_is_refused(
    line: Line, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    response = await line.call().raw_post(path, signature=None, Digits="0")
    assert response.status == 403
    assert "missing Twilio signature" in caplog.text
    assert CALLER not in caplog.text
    assert line.escalations == []


async def test_forged_signature_is_refused(line: Line, caplog: pytest.LogCaptureFixture) -> None:
    response = await line.call().raw_post("/ivr/voice", signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status == 403
    assert "invalid Twilio signature" in caplog.text
    assert CALLER not in caplog.text


async def test_signature_with_another_token_is_refused(line: Line) -> None:
    call = line.call()
    from twilio.request_validator import RequestValidator

    form = {"CallSid": call.call_sid, "From": CALLER, "To": "+15005550001"}
    signature = RequestValidator("someone-else").compute_signature(f"{BASE_URL}/ivr/voice", form)
    response = await call.client.post(
        "/ivr/voice", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status == 403


async def test_tampered_parameters_are_refused(line: Line) -> None:
    call = line.call()
    form = {"CallSid": call.call_sid, "From": CALLER, "Digits": "1"}
    signature = call.sign(f"{BASE_URL}/ivr/language?d=ky", form)
    response = await call.client.post(
        "/ivr/language?d=ky",
        data={**form, "Digits": "0"},
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status == 403


async def test_signature_covers_the_query_string(line: Line) -> None:
    call = line.call()
    form = {"CallSid": call.call_sid, "From": CALLER, "Digits": "1"}
    signature = call.sign(f"{BASE_URL}/ivr/menu?l=ru&m=main", form)
    response = await call.client.post(
        "/ivr/menu?l=ru&m=work", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status == 403


async def test_signature_for_another_host_is_refused(line: Line) -> None:
    call = line.call()
    form = {"CallSid": call.call_sid, "From": CALLER}
    signature = call.sign("https://attacker.example.net/ivr/voice", form)
    response = await call.client.post(
        "/ivr/voice", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status == 403


async def test_valid_signature_is_accepted(line: Line) -> None:
    response = await line.call().raw_post("/ivr/voice")
    assert response.status == 200
    assert AUTH_TOKEN not in await response.text()


async def test_audio_is_served_without_a_signature(line: Line) -> None:
    name = line.prompt_file("ky", "welcome")
    response = await line.client.get(f"/ivr/audio/ky/{name}")
    assert response.status == 200
    assert response.content_type == "audio/wav"


async def test_non_ascii_signature_is_refused(line: Line) -> None:
    response = await line.call().raw_post("/ivr/voice", signature="подпись")
    assert response.status == 403
