"""The queue of open cases (live through server-sent events) and the callbacks to make."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Final

import aiohttp_jinja2
from aiohttp import web

from console.web import CSP, SESSION_COOKIE, account_of, deps

HEARTBEAT_SECONDS: Final = 15.0


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", queue_page, name="queue")
    router.add_get("/queue", queue_list, name="queue_list")
    router.add_get("/events", events, name="events")
    router.add_get("/callbacks", callbacks_page, name="callbacks")


async def _queue(request: web.Request) -> dict[str, Any]:
    desk = deps(request).desk
    return {"cases": await desk.queue(), "now": desk.now()}


@aiohttp_jinja2.template("queue.html")
async def queue_page(request: web.Request) -> dict[str, Any]:
    return await _queue(request)


@aiohttp_jinja2.template("queue_list.html")
async def queue_list(request: web.Request) -> dict[str, Any]:
    """The list alone, swapped in by htmx when the queue changes."""
    return await _queue(request)


@aiohttp_jinja2.template("callbacks.html")
async def callbacks_page(request: web.Request) -> dict[str, Any]:
    desk = deps(request).desk
    callbacks = await desk.callbacks(account_of(request).actor)
    return {"callbacks": callbacks, "now": desk.now()}


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: `queue`, `case` (an id), `emergency` (a case number).

    The stream ends when the session does, so an unattended screen stops showing cases.
    """
    console = deps(request)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: pass events on at once
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
        }
    )
    await response.prepare(request)
    await response.write(b"retry: 3000\n\n")
    token = request.cookies.get(SESSION_COOKIE, "")
    queue = await console.watcher.subscribe()
    try:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                if await console.sessions.get(token, touch=False) is None:
                    await response.write(b"event: ended\ndata: \n\n")
                    break
                await response.write(b": still here\n\n")
                continue
            if event is None:
                break
            await response.write(f"event: {event.name}\ndata: {event.data}\n\n".encode())
    except ConnectionResetError:
        return response  # the browser went away
    finally:
        console.watcher.unsubscribe(queue)
    with contextlib.suppress(ConnectionResetError):
        await response.write_eof()
    return response
