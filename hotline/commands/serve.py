"""`hotline serve`: one aiohttp server for the Telegram webhook, the phone line and probes.

Adapters are imported lazily here (the composition root), so the core never imports them.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from typing import TYPE_CHECKING, Final

from aiohttp import web

from hotline.settings import get_settings

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

    from hotline.services import Services

log = logging.getLogger(__name__)

SERVICES: Final = web.AppKey["Services"]("services")
PROMETHEUS_TYPE: Final = "text/plain; version=0.0.4"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP server (webhooks, /metrics)")
    add_listen_arguments(parser)
    parser.set_defaults(handler=run)


def add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    """--host and --port, for every command that runs the server."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)


def run(args: argparse.Namespace) -> int:
    from hotline.services import build_services  # loads the NLU model: only when serving

    services = build_services(get_settings())
    asyncio.run(serve(services, args.host, args.port, polling=False))
    return 0


def build_app(
    services: Services,
    *,
    bot: Bot | None = None,
    dispatcher: Dispatcher | None = None,
    telegram_webhook: bool = True,
) -> web.Application:
    """The application: /healthz, /metrics, the Telegram webhook and the /ivr/ routes."""
    app = web.Application()
    app[SERVICES] = services
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    settings = services.settings
    if telegram_webhook and bot is not None and dispatcher is not None:
        from bot.webhook import setup_telegram_webhook

        secret = settings.telegram_webhook_secret
        setup_telegram_webhook(app, dispatcher, bot, secret.get_secret_value() if secret else None)
    _setup_phone(app, services)
    return app


def _setup_phone(app: web.Application, services: Services) -> None:
    if services.settings.twilio_auth_token is None:
        _say("Phone routes are off: set HOTLINE_TWILIO_AUTH_TOKEN to turn on /ivr/.")
        return
    try:
        ivr_app = importlib.import_module("ivr.app")
    except ModuleNotFoundError as exc:
        if exc.name not in ("ivr", "ivr.app"):
            raise
        _say("Phone routes are off: the ivr package is not installed.")
        return
    ivr_app.setup_ivr(app, services)
    _say("Phone routes are on under /ivr/.")


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    if services.redis is not None:
        try:
            await services.redis.ping()
        except Exception:  # any Redis failure means "not healthy", whatever its kind
            log.exception("health check: Redis unreachable")
            return web.json_response({"status": "redis unreachable"}, status=503)
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    body = request.app[SERVICES].metrics.render()
    return web.Response(body=body.encode(), headers={"Content-Type": PROMETHEUS_TYPE})


def _say(line: str) -> None:
    """Tell whoever started the server what is on and off (stderr, not the log level)."""
    print(line, file=sys.stderr)


async def serve(services: Services, host: str, port: int, *, polling: bool) -> None:
    """Run the server; with `polling`, also poll Telegram (no webhook URL configured)."""
    settings = services.settings
    bot = dispatcher = None
    if settings.bot_token is not None:
        from bot.dispatcher import build_bot, build_dispatcher

        bot = build_bot(services)
        dispatcher = build_dispatcher(services)
    else:
        _say("Telegram bot is off: set HOTLINE_BOT_TOKEN to turn it on.")
    webhook = bot is not None and not polling
    app = build_app(services, bot=bot, dispatcher=dispatcher, telegram_webhook=webhook)
    if webhook and bot is not None and dispatcher is not None:
        url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
        if url and secret:
            from bot.webhook import register_webhook

            await register_webhook(bot, dispatcher, url, secret.get_secret_value())
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    _say(f"Serving on http://{host}:{port} (/healthz, /metrics)")
    from hotline.cases.purging import start_daily_purge

    purge = start_daily_purge(services)  # HOTLINE_RETENTION_DAYS, once a day
    try:
        if polling and bot is not None and dispatcher is not None:
            _say("Telegram bot: long polling.")
            await bot.delete_webhook()
            await dispatcher.start_polling(
                bot, allowed_updates=dispatcher.resolve_used_update_types()
            )
        else:
            await asyncio.Event().wait()  # until cancelled (Ctrl+C)
    finally:
        if purge is not None:
            purge.cancel()
        await runner.cleanup()
        if bot is not None:
            await bot.session.close()
        await services.close()
