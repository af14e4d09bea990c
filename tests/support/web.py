"""Test servers that run an application as `hotline serve` does (its access log included)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.web_runner import BaseRunner

from app.http_logs import AccessLog, keep_request_content_out_of_logs


class HotlineTestServer(TestServer):
    """aiohttp's TestServer with the production runner's options."""

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        keep_request_content_out_of_logs()
        return web.AppRunner(self.app, access_log_class=AccessLog, **kwargs)
