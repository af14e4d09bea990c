"""Signing in (name, password, TOTP code), out, a new password, and the language."""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from console.accounts import MIN_PASSWORD_LENGTH, LoginResult
from console.i18n import LANGUAGE_COOKIE
from console.web import (
    LOGIN_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    account_of,
    deps,
    safe_next,
    session_of,
    set_cookie,
)
from hotline.i18n import N_
from nlu.catalogue import LANGUAGES


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/login", login_page, name="login")
    router.add_post("/login", login)
    router.add_post("/logout", logout, name="logout")
    router.add_get("/password", password_page, name="password")
    router.add_post("/password", change_password)
    router.add_get("/language", choose_language, name="language")


async def login_page(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token and await deps(request).sessions.get(token, touch=False):
        raise web.HTTPSeeOther(PREFIX)
    return _login_form(request, {})


def _login_form(request: web.Request, extra: dict[str, Any], status: int = 200) -> web.Response:
    """The form with a fresh CSRF token, kept in a cookie of its own until the login."""
    token = secrets.token_urlsafe(32)
    context = {
        "csrf": token,
        "next": safe_next(request.query.get("next")),
        "username": "",
        "refused": False,
        **extra,
    }
    response = aiohttp_jinja2.render_template("login.html", request, context, status=status)
    set_cookie(response, request, LOGIN_COOKIE, token, max_age=3600)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username, password, code = (str(form.get(k, "")) for k in ("username", "password", "totp"))
    console = deps(request)
    outcome = await console.accounts.login(username, password, code)
    if outcome.result is not LoginResult.OK or outcome.account is None:
        extra = {"refused": True, "username": username[:32]}
        return _login_form(request, extra, status=401)
    account = outcome.account
    token, _ = await console.sessions.create(
        account.id,
        account.username,
        account.role.value,
        must_change_password=account.must_change_password,
    )
    target = (
        PREFIX + "password"
        if account.must_change_password
        else safe_next(str(form.get("next", "")))
    )
    response = web.HTTPSeeOther(target)
    set_cookie(response, request, SESSION_COOKIE, token)
    response.del_cookie(LOGIN_COOKIE, path=PREFIX)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    console = deps(request)
    await console.sessions.delete(request.cookies.get(SESSION_COOKIE, ""))
    await console.desk.record(account_of(request).actor, "logout")
    response = web.HTTPSeeOther(PREFIX + "login")
    response.del_cookie(SESSION_COOKIE, path=PREFIX)
    raise response


@aiohttp_jinja2.template("password.html")
async def password_page(request: web.Request) -> dict[str, Any]:
    return {"problem": None, "min_length": MIN_PASSWORD_LENGTH}


async def change_password(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    current, new, again = (str(form.get(k, "")) for k in ("current", "new", "again"))
    problem = N_("The two new passwords differ.") if new != again else None
    console = deps(request)
    session = session_of(request)
    if problem is None:
        problem = await console.accounts.change_password(session.account_id, current, new)
    if problem is not None:
        context = {"problem": problem, "min_length": MIN_PASSWORD_LENGTH}
        return aiohttp_jinja2.render_template("password.html", request, context, status=400)
    # A new session after the change: whoever knew the old token knows nothing now.
    await console.sessions.delete(request.cookies.get(SESSION_COOKIE, ""))
    token, _ = await console.sessions.create(
        session.account_id, session.username, session.role, must_change_password=False
    )
    response = web.HTTPSeeOther(PREFIX)
    set_cookie(response, request, SESSION_COOKIE, token)
    raise response


async def choose_language(request: web.Request) -> web.StreamResponse:
    """A link, not a form: choosing the language changes nothing but the reader's view."""
    language = request.query.get("to", "")
    response = web.HTTPSeeOther(safe_next(request.query.get("next")))
    if language in LANGUAGES:
        set_cookie(response, request, LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600)
    raise response
