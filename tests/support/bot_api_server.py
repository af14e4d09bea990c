"""The fake Bot API over HTTP, on 127.0.0.1: what `HOTLINE_TELEGRAM_API_BASE` points at.

Serves `POST /bot<token>/<method>` as Telegram does (form, multipart or JSON bodies),
parses each call into aiogram's method object and answers from a `TelegramWorld`, so
processes under test meet the same fake, with the same error JSON, as in-process tests.
"""

from __future__ import annotations

import json
from typing import Any

import aiogram.methods as methods
from aiohttp import web

from tests.support.telegram import TelegramWorld

METHODS: dict[str, type[methods.TelegramMethod[Any]]] = {
    cls.__api_method__: cls
    for name in methods.__all__
    if isinstance(cls := getattr(methods, name), type)
    and issubclass(cls, methods.TelegramMethod)
    and hasattr(cls, "__api_method__")
}


def _value(raw: str) -> Any:
    """Form fields carry JSON for anything that is not a plain string or number."""
    if raw[:1] in "{[" or raw in ("true", "false", "null"):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


class BotApiServer:
    def __init__(self, world: TelegramWorld, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = world
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self.unknown: list[str] = []

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._call)
        app.router.add_get("/bot{token}/{method}", self._call)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _call(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        cls = METHODS.get(name)
        if cls is None:
            self.unknown.append(name)
            body = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            return web.json_response(body, status=404)
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = await request.post()
            params = {key: _value(str(value)) for key, value in form.items()}
        method = cls.model_validate(params)
        status, body = self.world.respond(method)
        return web.json_response(body, status=status)
