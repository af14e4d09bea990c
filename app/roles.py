"""The process roles: web (`serve`), polling (`bot`), and everything at once (`start`)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from aiohttp import web

from app.http_logs import AccessLog
from app.storage import prepare_storage
from app.telegram import build_telegram
from app.web import (
    build_app,
    listen_address,
    register_webhook_until_done,
    say,
    start_metrics_listener,
)
from app.worker import WorkerJobs

if TYPE_CHECKING:
    from hotline.services import Services


async def run_web(services: Services, host: str, port: int, *, polling: bool, worker: bool) -> None:
    """Serve HTTP; with `polling`, also poll Telegram; with `worker`, run the worker's jobs.

    The server listens before anything talks to Telegram: an unreachable Telegram must not
    keep the phone line down. The webhook is registered in the background, with retries.
    """
    settings = services.settings
    listen_address(settings.metrics_addr)  # a wrong address stops before anything listens
    await prepare_storage(services)  # a key that cannot open the data stops here
    bot = dispatcher = chat_log = None
    if settings.bot_token is not None:
        telegram = build_telegram(services)
        bot, dispatcher, chat_log = telegram.bot, telegram.dispatcher, telegram.chat_log
    else:
        say("Telegram bot is off: set HOTLINE_BOT_TOKEN to turn it on.")
    webhook = bot is not None and not polling
    app = build_app(services, bot=bot, dispatcher=dispatcher, telegram_webhook=webhook)
    runner = web.AppRunner(app, access_log_class=AccessLog)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    say(f"Serving on http://{host}:{port} (/console/, /healthz, /readyz)")
    metrics_runner = await start_metrics_listener(services)
    background = _replay_spool(services)
    if webhook and bot is not None and dispatcher is not None:
        url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
        if url and secret:
            registration = register_webhook_until_done(
                bot, dispatcher, url, secret.get_secret_value()
            )
            background.append(asyncio.create_task(registration, name="webhook-registration"))
    jobs = WorkerJobs(services, chat_log)  # the worker logs what it sends as the bot does
    if worker:
        jobs.start()
        if dispatcher is not None and jobs.outbox is not None:
            dispatcher["case_outbox"] = jobs.outbox  # woken at once by what operators do
    try:
        if polling and bot is not None and dispatcher is not None:
            say("Telegram bot: long polling.")
            await bot.delete_webhook()
            await dispatcher.start_polling(
                bot, allowed_updates=dispatcher.resolve_used_update_types()
            )
        else:
            await asyncio.Event().wait()  # until cancelled (Ctrl+C, SIGTERM)
    finally:
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await jobs.stop()
        await runner.cleanup()
        if metrics_runner is not None:
            await metrics_runner.cleanup()
        if bot is not None:
            await bot.session.close()
        await services.close()


async def run_polling(services: Services) -> None:
    """`hotline bot`: long polling and a worker, no HTTP server."""
    await prepare_storage(services)
    telegram = build_telegram(services)
    bot, dispatcher = telegram.bot, telegram.dispatcher
    jobs = WorkerJobs(services, telegram.chat_log)
    jobs.start()
    if jobs.outbox is not None:
        dispatcher["case_outbox"] = jobs.outbox
    background = _replay_spool(services)
    try:
        await bot.delete_webhook()  # polling and a webhook cannot both be active
        await dispatcher.start_polling(bot, allowed_updates=dispatcher.resolve_used_update_types())
    finally:
        for task in background:
            task.cancel()
        await jobs.stop()
        await bot.session.close()
        await services.close()


def _replay_spool(services: Services) -> list[asyncio.Task[None]]:
    """Make the case changes kept while the database was away, as soon as it is back."""
    if services.spool is None or services.cases is None:
        return []
    replay = services.spool.replay_forever(services.cases)
    return [asyncio.create_task(replay, name="case-spool")]
