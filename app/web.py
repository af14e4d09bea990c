"""The HTTP application of the web role: the Telegram webhook, /ivr/, /console/, probes,
/metrics.

`/healthz` is liveness: it answers as long as the process serves, whatever its
dependencies do (a probe that restarted a working phone line because Redis is away would
do harm). `/readyz` is readiness: each dependency is checked with its own time limit.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from aiohttp import web

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

    from console.web import ConsoleDeps
    from hotline.services import Services
    from nlu.catalogue import Language

log = logging.getLogger(__name__)

SERVICES: Final = web.AppKey["Services"]("services")
PROMETHEUS_TYPE: Final = "text/plain; version=0.0.4"
CHECK_TIMEOUT_SECONDS: Final = 1.0
WEBHOOK_RETRY_MAX_SECONDS: Final = 60.0


def build_app(
    services: Services,
    *,
    bot: Bot | None = None,
    dispatcher: Dispatcher | None = None,
    telegram_webhook: bool = True,
) -> web.Application:
    """The application: probes, /metrics, the Telegram webhook and the /ivr/ routes."""
    app = web.Application()
    app[SERVICES] = services
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    settings = services.settings
    if telegram_webhook and bot is not None and dispatcher is not None:
        from bot.webhook import setup_telegram_webhook

        secret = settings.telegram_webhook_secret
        setup_telegram_webhook(app, dispatcher, bot, secret.get_secret_value() if secret else None)
    _setup_phone(app, services)
    _setup_console(app, services)
    return app


def build_console_deps(services: Services) -> ConsoleDeps | None:
    """The console's parts over the services' case service; None without durable cases."""
    from console.accounts import AccountStore
    from console.desk import ServiceDesk
    from console.live import QueueWatcher
    from console.sessions import MemorySessions, RedisSessions, SessionStore
    from console.voicemail import TwilioRecordings
    from console.web import ConsoleDeps
    from hotline.content import AnswerNotFound

    cases = services.cases
    if cases is None:
        return None
    settings = services.settings
    idle = settings.console_idle_minutes * 60.0
    lifetime = settings.console_session_hours * 3600.0
    sessions: SessionStore = (
        RedisSessions(services.redis, idle, lifetime)
        if services.redis is not None
        else MemorySessions(idle, lifetime)
    )
    token = settings.twilio_auth_token
    desk = ServiceDesk(cases)

    def topic_title(language: Language, intent: str) -> str:
        try:
            return services.content.answer(language, intent).title
        except AnswerNotFound:
            return intent.replace("_", " ")

    return ConsoleDeps(
        desk=desk,
        accounts=AccountStore(cases.store),
        sessions=sessions,
        recordings=TwilioRecordings(token.get_secret_value() if token else None),
        watcher=QueueWatcher(desk.queue_state),
        topic_title=topic_title,
    )


def _setup_console(app: web.Application, services: Services) -> None:
    from console.web import setup_console

    console = build_console_deps(services)
    if console is None:
        say("Operator console is off: cases are not kept in a database.")
        return
    setup_console(app, console)
    say("Operator console is on under /console/ (accounts: hotline operators add NAME).")


def _setup_phone(app: web.Application, services: Services) -> None:
    if services.settings.twilio_auth_token is None:
        say("Phone routes are off: set HOTLINE_TWILIO_AUTH_TOKEN to turn on /ivr/.")
        return
    try:
        ivr_app = importlib.import_module("ivr.app")
    except ModuleNotFoundError as exc:
        if exc.name not in ("ivr", "ivr.app"):
            raise
        say("Phone routes are off: the ivr package is not installed.")
        return
    ivr_app.setup_ivr(app, services)
    say("Phone routes are on under /ivr/.")


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process serves requests. No dependency is asked."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: each dependency, checked with a time limit; 503 when the database is away.

    Redis away is reported but not fatal: state falls back to memory and every channel
    still answers. Without the database new cases are only spooled, so traffic is better
    sent to a process that can open them.
    """
    services = request.app[SERVICES]
    checks: dict[str, Callable[[], Awaitable[object]]] = {}
    if services.redis is not None:
        checks["redis"] = services.redis.ping
    if services.cases is not None:
        checks["database"] = services.cases.store.ping
    results = dict(
        zip(checks, await asyncio.gather(*(_check(c) for c in checks.values())), strict=True)
    )
    ready = results.get("database", "ok") == "ok"
    body = {"status": "ready" if ready else "not ready", "checks": results}
    return web.json_response(body, status=200 if ready else 503)


async def _check(probe: Callable[[], Awaitable[object]]) -> str:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await probe()
    except TimeoutError:
        return "timeout"
    except Exception as exc:  # noqa: BLE001 - any failure means "not there"; only its type is told
        return f"error: {type(exc).__name__}"
    log.debug("check took %.1f ms", (time.perf_counter() - started) * 1000)
    return "ok"


async def metrics(request: web.Request) -> web.Response:
    body = request.app[SERVICES].metrics.render()
    return web.Response(body=body.encode(), headers={"Content-Type": PROMETHEUS_TYPE})


def say(line: str) -> None:
    """Tell whoever started the server what is on and off (stderr, not the log level)."""
    print(line, file=sys.stderr)


async def register_webhook_until_done(
    bot: Bot,
    dispatcher: Dispatcher,
    url: str,
    secret: str,
    *,
    first_delay: float = 1.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Tell Telegram the webhook URL, retrying with backoff while Telegram is unreachable.

    Runs in the background: the server (and the phone line with it) serves meanwhile.
    """
    from bot.webhook import register_webhook

    delay = first_delay
    while True:
        try:
            await register_webhook(bot, dispatcher, url, secret)
        except Exception as exc:  # noqa: BLE001 - Telegram or the network; retried
            log.warning("webhook not registered (%s); retrying in %.0fs", type(exc).__name__, delay)
            await sleep(delay)
            delay = min(delay * 2, WEBHOOK_RETRY_MAX_SECONDS)
        else:
            log.info("Telegram webhook registered")
            return
