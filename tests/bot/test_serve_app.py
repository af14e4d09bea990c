"""The `hotline serve` application: the webhook refuses forged secrets; probes answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from app.web import build_app
from bot.dispatcher import build_bot, build_dispatcher
from hotline.settings import Settings
from tests.bot.conftest import make_services
from tests.support.telegram import TOKEN, MockedSession
from tests.support.updates import message

SECRET = "s3cret-token"


@pytest.fixture
async def client(understanding: Any) -> AsyncIterator[tuple[TestClient[Any, Any], MockedSession]]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token=TOKEN, telegram_webhook_secret=SecretStr(SECRET)
    )
    services = make_services(understanding, settings)
    session = MockedSession()
    bot = build_bot(services, session=session)
    app = build_app(services, bot=bot, dispatcher=build_dispatcher(services))
    async with TestClient(TestServer(app)) as test_client:
        yield test_client, session


def update_json(text: str) -> dict[str, Any]:
    return message(text).model_dump(mode="json", exclude_none=True)


async def test_forged_webhook_secret_is_refused(client: Any) -> None:
    test_client, session = client
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
        response = await test_client.post(
            "/telegram/webhook", json=update_json("Здравствуйте"), headers=headers
        )
        assert response.status == 401
    await asyncio.sleep(0.05)
    assert session.sent_texts() == []


async def test_webhook_with_the_right_secret_is_handled(client: Any) -> None:
    test_client, session = client
    response = await test_client.post(
        "/telegram/webhook",
        json=update_json("Здравствуйте"),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    assert response.status == 200
    for _ in range(100):  # handled in the background, as Telegram wants a quick 200
        if session.sent_texts():
            break
        await asyncio.sleep(0.01)
    assert session.sent_texts()


async def test_healthz_and_metrics(client: Any) -> None:
    test_client, _ = client
    health = await test_client.get("/healthz")
    assert health.status == 200 and (await health.json())["status"] == "ok"
    metrics = await test_client.get("/metrics")
    assert metrics.headers["Content-Type"].startswith("text/plain")
    assert "hotline_nlu_parse_total" in await metrics.text()


async def test_without_a_secret_the_webhook_is_not_mounted(understanding: Any) -> None:
    settings = Settings(_env_file=None, bot_token=TOKEN)  # type: ignore[call-arg]
    services = make_services(understanding, settings)
    bot = build_bot(services, session=MockedSession())
    app = build_app(services, bot=bot, dispatcher=build_dispatcher(services))
    async with TestClient(TestServer(app)) as test_client:
        response = await test_client.post("/telegram/webhook", json=update_json("x"))
        assert response.status in (404, 405)


async def test_phone_routes_off_is_said_at_start(
    understanding: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    services = make_services(understanding)
    build_app(services)
    assert "Phone routes are off" in capsys.readouterr().err
