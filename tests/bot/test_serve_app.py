"""The `hotline serve` application: the webhook refuses forged secrets; probes answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from app.web import build_app, build_metrics_app, listen_address, start_metrics_listener
from bot.dispatcher import build_bot, build_dispatcher
from hotline.local_secrets import StartRefused
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


async def test_healthz_answers_and_metrics_are_not_public(client: Any) -> None:
    test_client, _ = client
    health = await test_client.get("/healthz")
    assert health.status == 200 and (await health.json())["status"] == "ok"
    assert (await test_client.get("/metrics")).status == 404


async def test_metrics_are_served_on_the_internal_listener(understanding: Any) -> None:
    settings = Settings(_env_file=None, bot_token=TOKEN, metrics_addr="127.0.0.1:0")  # type: ignore[call-arg]
    services = make_services(understanding, settings)
    async with TestClient(TestServer(build_metrics_app(services))) as internal:
        metrics = await internal.get("/metrics")
        assert metrics.headers["Content-Type"].startswith("text/plain")
        assert "hotline_nlu_parse_total" in await metrics.text()
    runner = await start_metrics_listener(services)
    assert runner is not None
    [address] = runner.addresses
    assert address[0] == "127.0.0.1"  # loopback
    await runner.cleanup()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("127.0.0.1:9108", ("127.0.0.1", 9108)), ("[::1]:9108", ("::1", 9108)), ("off", None)],
)
def test_the_metrics_address(value: str, expected: object) -> None:
    assert listen_address(value) == expected


@pytest.mark.parametrize("value", ["9108", "localhost", "host:port", "127.0.0.1:99999"])
def test_a_wrong_metrics_address_refuses_to_start(value: str) -> None:
    with pytest.raises(StartRefused, match="HOTLINE_METRICS_ADDR"):
        listen_address(value)


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


async def test_the_webhook_can_handle_updates_before_it_answers(understanding: Any) -> None:
    from aiohttp import web

    from bot.webhook import WEBHOOK_PATH, TelegramWebhook

    services = make_services(understanding)
    session = MockedSession()
    bot = build_bot(services, session=session)
    app = web.Application()
    handler = TelegramWebhook(
        build_dispatcher(services), bot, secret_token=SECRET, handle_in_background=False
    )
    handler.register(app, path=WEBHOOK_PATH)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with TestClient(TestServer(app)) as test_client:
        bad = await test_client.post(WEBHOOK_PATH, data=b"{", headers=headers)
        assert bad.status == 400
        good = await test_client.post(
            WEBHOOK_PATH, json=update_json("Здравствуйте"), headers=headers
        )
        assert good.status == 200
        assert session.sent_texts()  # handled before the answer
