"""The `hotline serve` application on a real socket, in a thread of its own, with its log.

Hypothesis runs synchronous examples; the server keeps its own event loop in a thread, and
requests go through `http.client`, which sends whatever bytes a test chooses (headers
aiohttp's client would refuse to send, bodies that contradict their content type).
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from app.http_logs import AccessLog, keep_request_content_out_of_logs


class LogRecorder(logging.Handler):
    """Every record of every logger, formatted as a log file would have it (stack included)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        with self._lock:
            self.lines.append(line)
            self.records.append(record)

    def text(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def clear(self) -> None:
        with self._lock:
            self.lines.clear()
            self.records.clear()


@dataclass
class Response:
    status: int
    body: bytes


@dataclass
class ServerThread:
    build: Callable[[], web.Application]
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    port: int = 0
    _runner: web.AppRunner | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        keep_request_content_out_of_logs()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=60)

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.build(), access_log_class=AccessLog)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def run(self, coroutine: object) -> object:
        """Run a coroutine on the server's loop (e.g. to wait for background work)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def request(
        self, method: str, path: str, headers: list[tuple[str, bytes]], body: bytes
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            answer = connection.getresponse()
            return Response(answer.status, answer.read())
        finally:
            connection.close()
