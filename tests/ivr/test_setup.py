"""`setup_ivr` on the server's application: on with a Twilio token, off (and said) without."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from ivr.app import setup_ivr
from tests.ivr.conftest import Call, make_services, make_settings


async def test_setup_ivr_mounts_the_routes(audio_dir: Path) -> None:
    app = web.Application()
    assert setup_ivr(app, make_services(make_settings(audio_dir)))
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/ivr/voice", data={"CallSid": "CA1"})
        assert response.status == 403  # mounted, and unsigned requests are refused


async def test_without_a_token_the_phone_line_is_off(
    audio_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = web.Application()
    assert not setup_ivr(app, make_services(make_settings(audio_dir, twilio_auth_token=None)))
    assert "HOTLINE_TWILIO_AUTH_TOKEN is not set" in caplog.text
    assert not app.router.resources()


async def test_hotline_serve_app_answers_a_signed_call(audio_dir: Path) -> None:
    from app.web import build_app

    services = make_services(make_settings(audio_dir))
    app = build_app(services.core)
    async with TestClient(TestServer(app)) as client:
        twiml = await Call(client, "CA1").start()
    assert twiml.find("Gather") is not None
