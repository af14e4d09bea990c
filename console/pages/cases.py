"""One case: card, transcript (each view audited), reply, claim, note, close, voicemail."""

from __future__ import annotations

from typing import Any, Final

import aiohttp_jinja2
from aiohttp import web

from console.web import PREFIX, account_of, deps, go
from console.wording import OUTCOMES
from hotline.cases.views import CaseNotFound, Outcome

MAX_TEXT: Final = 4000  # one Telegram message, with room for the console's prefix


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(r"/cases/{case_id:\d+}", case_page, name="case")
    router.add_get(r"/cases/{case_id:\d+}/transcript", transcript, name="transcript")
    router.add_get(r"/cases/{case_id:\d+}/voicemail", voicemail, name="voicemail")
    router.add_post(r"/cases/{case_id:\d+}/{action:reply|claim|note|close|callback-done}", act)


def _case_id(request: web.Request) -> int:
    return int(request.match_info["case_id"])


async def _detail(request: web.Request) -> dict[str, Any]:
    desk = deps(request).desk
    try:
        detail = await desk.case(_case_id(request), account_of(request).actor)
    except CaseNotFound:
        raise web.HTTPNotFound() from None
    outcome = request.query.get("outcome", "")
    return {
        "case": detail.case,
        "transcript": detail.transcript,
        "now": desk.now(),
        "outcome": OUTCOMES.get(outcome),
        "outcome_ok": outcome == Outcome.DONE.value,
        "draft": "",
    }


@aiohttp_jinja2.template("case.html")
async def case_page(request: web.Request) -> dict[str, Any]:
    return await _detail(request)


@aiohttp_jinja2.template("transcript.html")
async def transcript(request: web.Request) -> dict[str, Any]:
    """The transcript alone, swapped in when the person wrote more."""
    return await _detail(request)


async def act(request: web.Request) -> web.StreamResponse:
    desk, actor = deps(request).desk, account_of(request).actor
    case_id, action = _case_id(request), request.match_info["action"]
    form = await request.post()
    text = str(form.get("text", "")).strip()[:MAX_TEXT]
    try:
        if action == "reply":
            outcome = await desk.reply(case_id, actor, text) if text else Outcome.EMPTY
        elif action == "note":
            outcome = await desk.note(case_id, actor, text)
        elif action == "claim":
            outcome = await desk.claim(case_id, actor)
        elif action == "close":
            outcome = await desk.close(case_id, actor)
        else:
            outcome = await desk.callback_done(case_id, actor)
    except CaseNotFound:
        raise web.HTTPNotFound() from None
    target = f"{PREFIX}cases/{case_id}?outcome={outcome.value}"
    if action == "close" and outcome is Outcome.DONE:
        target = f"{PREFIX}?closed={case_id}"
    return go(request, target + ("#reply" if action in ("reply", "note") else ""))


async def voicemail(request: web.Request) -> web.StreamResponse:
    """The recording, fetched by the server: the browser never learns where it is kept."""
    console = deps(request)
    try:
        url = await console.desk.recording_url(_case_id(request), account_of(request).actor)
    except CaseNotFound:
        raise web.HTTPNotFound() from None
    recording = await console.recordings.fetch(url) if url else None
    if recording is None:
        raise web.HTTPNotFound(text="The recording cannot be fetched.")
    return web.Response(
        body=recording.audio,
        content_type=recording.content_type,
        headers={"Cache-Control": "no-store", "Content-Disposition": "inline"},
    )
