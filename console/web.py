"""The console as an aiohttp sub-application: templates, guards, routes.

`setup_console(app, deps)` mounts it at /console/. Every page but the login needs a
session; every POST needs the session's CSRF token; supervisor pages need the role; every
response says not to cache it and forbids framing and foreign scripts.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web

from console import wording
from console.accounts import AccountStore, AccountView, Role
from console.i18n import language_of, template_helpers
from console.live import QueueWatcher
from console.ports import CaseDesk
from console.sessions import Session, SessionStore
from console.voicemail import RecordingFetcher
from hotline.i18n import N_, translate
from nlu.catalogue import Language

HERE: Final = Path(__file__).resolve().parent
PREFIX: Final = "/console/"
SESSION_COOKIE: Final = "hotline_console"
LOGIN_COOKIE: Final = "hotline_console_login"
CSRF_FIELD: Final = "csrf"
FORM_EXPIRED: Final = N_("The form has expired. Go back, reload the page and try again.")
CSRF_HEADER: Final = "X-CSRF-Token"
PUBLIC_PATHS: Final = frozenset({PREFIX + "login", PREFIX + "language"})
# Scripts, styles and media from this origin only; no inline script, no framing.
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def intent_code(language: Language, intent: str) -> str:
    return intent.replace("_", " ")


@dataclass
class ConsoleDeps:
    desk: CaseDesk
    accounts: AccountStore
    sessions: SessionStore
    recordings: RecordingFetcher
    watcher: QueueWatcher
    # The title of an intent's answer in a language (the topic's name), from the content.
    topic_title: Callable[[Language, str], str] = intent_code


DEPS: Final = web.AppKey("console_deps", ConsoleDeps)
SESSION: Final = web.RequestKey("console_session", Session)
ACCOUNT: Final = web.RequestKey("console_account", AccountView)


def deps(request: web.Request) -> ConsoleDeps:
    return request.config_dict[DEPS]


def session_of(request: web.Request) -> Session:
    return request[SESSION]


def account_of(request: web.Request) -> AccountView:
    return request[ACCOUNT]


def is_secure(request: web.Request) -> bool:
    """HTTPS here or at the proxy in front: then cookies are `Secure`."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def set_cookie(
    response: web.StreamResponse, request: web.Request, name: str, value: str, **extra: Any
) -> None:
    response.set_cookie(
        name,
        value,
        path=PREFIX,
        httponly=True,
        samesite="Strict",
        secure=is_secure(request),
        **extra,
    )


def go(request: web.Request, location: str) -> web.StreamResponse:
    """A redirect that htmx follows as a whole page (HX-Redirect), a browser as 303."""
    if request.headers.get("HX-Request"):
        return web.Response(status=204, headers={"HX-Redirect": location})
    raise web.HTTPSeeOther(location)


def safe_next(target: str | None) -> str:
    """Only a path inside the console: never another site (open redirect)."""
    if target and target.startswith(PREFIX) and "//" not in target and "\\" not in target:
        return target
    return PREFIX


@web.middleware
async def protective_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _protect(response)
        raise
    _protect(response)
    return response


def _protect(response: web.StreamResponse) -> None:
    if response.prepared:
        return  # a stream (server-sent events) set its own headers before starting
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def require_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No session, or an ended one: to the login page. A new password first, if one is due."""
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(PREFIX + "static/"):
        return await handler(request)
    console = deps(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    # Server-sent events are not activity: a queue left open must still time out.
    session = await console.sessions.get(token, touch=path != PREFIX + "events") if token else None
    account = await console.accounts.get(session.account_id) if session else None
    if session is None or account is None or account.disabled:
        if session is not None:
            await console.sessions.delete(token)
        if request.headers.get("HX-Request") or path == PREFIX + "events":
            return web.Response(status=401, headers={"HX-Redirect": PREFIX + "login"})
        target = PREFIX + "login"
        if request.method == "GET" and path != PREFIX:
            target += "?" + urlencode({"next": request.path_qs})
        raise web.HTTPSeeOther(target)
    if account.role.value != session.role:  # the role changed: sign in again
        await console.sessions.delete(token)
        raise web.HTTPSeeOther(PREFIX + "login")
    request[SESSION] = session
    request[ACCOUNT] = account
    if session.must_change_password and path not in (PREFIX + "password", PREFIX + "logout"):
        return go(request, PREFIX + "password")
    return await handler(request)


@web.middleware
async def require_csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every state-changing request carries the token of its session (or of the login form)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return await handler(request)
    if request.path in PUBLIC_PATHS:
        expected = request.cookies.get(LOGIN_COOKIE, "")
    else:
        expected = session_of(request).csrf
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        form = await request.post()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise web.HTTPForbidden(text=translate(language_of(request), FORM_EXPIRED))
    return await handler(request)


def supervisors_only(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if account_of(request).role is not Role.SUPERVISOR:
            return aiohttp_jinja2.render_template("forbidden.html", request, {}, status=403)
        return await handler(request)

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded


def build_console(console: ConsoleDeps) -> web.Application:
    from console.pages import auth, cases, queue, supervision

    app = web.Application(middlewares=[protective_headers, require_session, require_csrf])
    app[DEPS] = console
    static = app.router.add_static("/static/", HERE / "static", append_version=True)

    def static_url(filename: str) -> str:
        return str(static.url_for(filename=filename))

    async def context(request: web.Request) -> dict[str, Any]:
        """What every template sees: translation, the account, the CSRF token, the path."""
        session = request.get(SESSION)
        language = language_of(request)
        return {
            **template_helpers(language),
            "W": wording,
            "static": static_url,
            "language": language,
            "account": request.get(ACCOUNT),
            "csrf": session.csrf if session else "",
            "path": request.path,
            "prefix": PREFIX,
        }

    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        context_processors=[context],
        undefined=jinja2.StrictUndefined,
    )
    env.trim_blocks = env.lstrip_blocks = True
    for module in (auth, queue, cases, supervision):
        module.add_routes(app.router)

    async def watch(_: web.Application) -> Any:
        console.watcher.start()
        yield
        await console.watcher.stop()

    app.cleanup_ctx.append(watch)
    app.on_shutdown.append(lambda _: console.watcher.close_streams())
    return app


def setup_console(app: web.Application, console: ConsoleDeps) -> None:
    """Mount the console at /console/ (and send /console there)."""

    async def to_console(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently(PREFIX)

    # Before the sub-application, whose prefix would otherwise take /console too.
    app.router.add_get(PREFIX.rstrip("/"), to_console)
    app.add_subapp(PREFIX, build_console(console))
