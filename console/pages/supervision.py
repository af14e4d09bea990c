"""Supervisors' pages: the numbers (charts, answer times, backlog, CSV), audit, accounts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

import aiohttp_jinja2
from aiohttp import web

from console.charts import LEVEL_COLOURS, SITUATION_COLOURS, days_between, stacked_chart
from console.i18n import language_of, translator
from console.web import PREFIX, account_of, deps, supervisors_only
from console.wording import CHANNELS, LANGUAGES, LEVELS, SITUATION_WORDS
from hotline.cases.views import StatsRow

PERIODS: Final = (7, 30, 90)
AUDIT_PAGE: Final = 100


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/numbers", supervisors_only(numbers_page), name="numbers")
    router.add_get("/numbers.csv", supervisors_only(numbers_csv), name="numbers_csv")
    router.add_get("/audit", supervisors_only(audit_page), name="audit")
    router.add_get("/accounts", supervisors_only(accounts_page), name="accounts")
    router.add_post(
        r"/accounts/{username}/{change:disable|enable|unlock}", supervisors_only(change_account)
    )


async def numbers_page(request: web.Request) -> web.StreamResponse:
    console = deps(request)
    desk = console.desk
    asked = request.query.get("days", "")
    days = int(asked) if asked in {str(n) for n in PERIODS} else 30
    today = desk.now().date()
    first = today - timedelta(days=days - 1)
    numbers = await desk.numbers(since=desk.now() - timedelta(days=days))
    window = days_between(first, today)
    language = language_of(request)
    _ = translator(language)

    def named(table: dict[str, str]) -> Any:
        return lambda code: _(table[code]) if code in table else code

    charts = [
        stacked_chart(_("By level"), numbers.rows, _level, window, named(LEVELS), LEVEL_COLOURS),
        stacked_chart(
            _("By situation"),
            numbers.rows,
            _situation,
            window,
            lambda code: _(SITUATION_WORDS[code]) if code in SITUATION_WORDS else _("none named"),
            SITUATION_COLOURS,
        ),
        stacked_chart(_("By language"), numbers.rows, _language, window, named(LANGUAGES)),
        stacked_chart(_("By channel"), numbers.rows, _channel, window, named(CHANNELS)),
        stacked_chart(
            _("By topic"),
            numbers.rows,
            _intent,
            window,
            lambda code: console.topic_title(language, code) if code != "-" else "—",
        ),
    ]
    context = {
        "numbers": numbers,
        "charts": charts,
        "days": days,
        "periods": PERIODS,
        "total": sum(row.cases for row in numbers.rows),
        "now": desk.now(),
    }
    return aiohttp_jinja2.render_template("numbers.html", request, context)


def _level(row: StatsRow) -> str:
    return row.level


def _situation(row: StatsRow) -> str:
    """The case's most serious situation: each case is counted once, as in the CSV."""
    return row.situation


def _language(row: StatsRow) -> str:
    return row.language


def _channel(row: StatsRow) -> str:
    return row.channel


def _intent(row: StatsRow) -> str:
    return row.intent


async def numbers_csv(request: web.Request) -> web.StreamResponse:
    text = await deps(request).desk.stats_csv(account_of(request).actor)
    return web.Response(
        text=text,
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="hotline-cases.csv"'},
    )


async def audit_page(request: web.Request) -> web.StreamResponse:
    before_text = request.query.get("before", "")
    before = int(before_text) if before_text.isdigit() else None
    actor = request.query.get("actor", "").strip()[:64] or None
    lines = await deps(request).desk.audit(limit=AUDIT_PAGE, before=before, actor=actor)
    context = {
        "lines": lines,
        "actor_filter": actor or "",
        "older": lines[-1].id if len(lines) == AUDIT_PAGE else None,
    }
    return aiohttp_jinja2.render_template("audit.html", request, context)


async def accounts_page(request: web.Request) -> web.StreamResponse:
    console = deps(request)
    context = {"accounts": await console.accounts.list(), "now": console.desk.now()}
    return aiohttp_jinja2.render_template("accounts.html", request, context)


async def change_account(request: web.Request) -> web.StreamResponse:
    accounts = deps(request).accounts
    username, change = request.match_info["username"], request.match_info["change"]
    by = account_of(request).actor.key
    if change == "unlock":
        found = await accounts.unlock(username, by=by)
    else:
        if username == account_of(request).username and change == "disable":
            raise web.HTTPBadRequest(text="You cannot disable your own account.")
        found = await accounts.set_disabled(username, change == "disable", by=by)
    if not found:
        raise web.HTTPNotFound()
    raise web.HTTPSeeOther(PREFIX + "accounts")
