"""The event loop every role runs on: uvloop where it is installed, asyncio's otherwise.

uvloop's loop (libuv, in C) runs the same code with less CPU per callback, task switch and
socket operation, which is most of what a web or worker process does besides understanding
text: `bench/bot_throughput.py` measures the difference (docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, on uvloop unless it is missing or HOTLINE_EVENT_LOOP=asyncio."""
    if os.environ.get("HOTLINE_EVENT_LOOP", "uvloop") != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.run(main)
    return asyncio.run(main)


def run_role(main: Coroutine[Any, Any, None]) -> None:
    """Run a long-lived role until Ctrl+C or SIGTERM, which end it cleanly (its `finally`)."""
    run_loop(_until_stopped(main))


async def _until_stopped(main: Coroutine[Any, Any, None]) -> None:
    task = asyncio.current_task()
    assert task is not None
    stopping = asyncio.Event()

    def stop() -> None:
        stopping.set()
        task.cancel()

    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every platform
        loop.add_signal_handler(signal.SIGTERM, stop)
    try:
        await main
    except asyncio.CancelledError:
        if not stopping.is_set():
            raise
