"""When a phone route fails the caller still reaches a human, never Twilio's "application error"."""

from __future__ import annotations

import logging
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler
from twilio.twiml.voice_response import VoiceResponse

from ivr.context import IVR_CONTEXT, IvrContext
from ivr.failures import log_failure
from ivr.handover import connect_to_human, record_message, voicemail
from ivr.signature import UNSIGNED_PREFIX
from ivr.twiml import render_twiml

log = logging.getLogger(__name__)

# Steps after which a caller must not be put through again: the operator was already
# tried (dial), the message is already taken (recorded), or nobody is listening (recording,
# and the call status callback after the call).
_AFTER_DIAL: Final = "/ivr/dial"
_BEFORE_RECORDING: Final = "/ivr/callback"  # the caller was about to leave a message
_NO_CALLER: Final = frozenset({"/ivr/recording", "/ivr/status"})
_DONE: Final = frozenset({"/ivr/recorded"})


def last_resort_twiml(ctx: IvrContext) -> str:
    """TwiML that needs nothing at run time: the operator if configured, then voicemail."""
    response = VoiceResponse()
    ctx.speaker.prompt(response, "ru", "technical_problem")
    if ctx.settings.operator_phone:
        ctx.speaker.prompt(response, "ru", "connecting")
        # Without an action, an unanswered <Dial> falls through to the <Record> below.
        dial = response.dial(timeout=ctx.settings.ivr_dial_timeout_seconds)
        if ctx.settings.operator_phone.startswith("sip:"):
            dial.sip(ctx.settings.operator_phone)
        else:
            dial.number(ctx.settings.operator_phone)
    # Nobody could ask whether a call back is safe, so no number is kept: nothing promised.
    ctx.speaker.prompt(response, "ru", "voicemail_record")
    response.record(
        action=ctx.links.route("recorded", l="ru"),
        method="POST",
        max_length=180,
        timeout=8,
        finish_on_key="#",
        recording_status_callback=ctx.links.route("recording", l="ru"),
    )
    response.hangup()
    return str(response)


async def rescue_twiml(ctx: IvrContext, request: web.Request) -> VoiceResponse:
    caller = ctx.caller(request)
    language = ctx.language_of(request, "l" if "l" in request.query else "d")
    response = VoiceResponse()
    if request.path in _NO_CALLER:
        return response
    if request.path in _DONE:
        ctx.speaker.prompt(response, language, "voicemail_thanks")
        response.hangup()
        return response
    ctx.speaker.prompt(response, language, "technical_problem")
    if request.path == _BEFORE_RECORDING:
        return record_message(ctx, language, response)
    if request.path == _AFTER_DIAL:
        state = await ctx.store.get_call(caller.call_sid)
        return await voicemail(ctx, caller, language, response, state, "busy")
    return await connect_to_human(ctx, caller, language, response)


@web.middleware
async def answer_with_a_human(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn any exception in a route into TwiML that puts the caller through to a human."""
    if request.path.startswith(UNSIGNED_PREFIX):
        audio: web.StreamResponse = await handler(request)  # a plain HTTP error is right there
        return audio
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except web.HTTPException:
        raise
    except Exception as exc:  # noqa: BLE001 - logged by log_failure, without its message
        log_failure(log, f"phone route {request.path} failed; handing the caller to a human", exc)
    ctx = request.app[IVR_CONTEXT]
    ctx.count("ivr_failures_total")
    try:
        return render_twiml(await rescue_twiml(ctx, request))
    except Exception as exc:  # noqa: BLE001 - logged by log_failure, without its message
        log_failure(
            log, f"rescue TwiML failed on {request.path}; answering the fixed fallback", exc
        )
        return web.Response(text=ctx.last_resort, content_type="text/xml", charset="utf-8")
