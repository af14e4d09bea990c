"""Reaching a human: the operator by <Dial>, or voicemail with a callback; both reported."""

from __future__ import annotations

import asyncio
import logging
from typing import Final, Literal

from twilio.twiml.voice_response import VoiceResponse

from hotline.escalation import EscalationRequest
from ivr.caller import Caller
from ivr.context import IvrContext
from ivr.failures import log_failure
from ivr.state import CallState
from nlu.catalogue import Language, RiskLevel

log = logging.getLogger(__name__)

REPORT_TIMEOUT_SECONDS: Final = 3.0
VOICEMAIL_MAX_SECONDS: Final = 180
DIAL_SUCCESS: Final = frozenset({"completed", "answered"})


async def report(
    ctx: IvrContext,
    caller: Caller,
    language: Language,
    state: CallState,
    reason: Literal["phone_transfer", "voicemail"],
    *,
    intent: str | None = None,
    recording_url: str | None = None,
) -> None:
    """Tell the core's Escalator; a failing or slow escalator never stops the call."""
    request = EscalationRequest(
        user_key=caller.key,
        channel="phone",
        language=language,
        level=state.level,
        indicators=state.indicators,
        reason=reason,
        intent=intent,
        recording_url=recording_url,
        callback_number=caller.callback_number if reason == "voicemail" else None,
    )
    try:
        async with asyncio.timeout(REPORT_TIMEOUT_SECONDS):
            await ctx.services.escalator.escalate(request)
    except Exception as exc:  # noqa: BLE001 - logged by log_failure, without its message
        log_failure(log, f"escalation report failed: reason={reason} level={state.level}", exc)
        ctx.count("ivr_report_failures_total", reason=reason)
    else:
        ctx.count("ivr_reports_total", reason=reason)


async def connect_to_human(
    ctx: IvrContext,
    caller: Caller,
    language: Language,
    response: VoiceResponse,
    *,
    level: RiskLevel = "none",
    indicators: tuple[str, ...] = (),
    intent: str | None = None,
) -> VoiceResponse:
    """Dial the operator when one is configured and on duty; voicemail otherwise."""
    state = await ctx.store.get_call(caller.call_sid)
    state.raise_level(level, indicators)
    state.caller_key = caller.key
    await ctx.store.save_call(caller.call_sid, state)
    phone = ctx.settings.operator_phone
    if not phone or not ctx.operators_available():
        return await voicemail(ctx, caller, language, response, state, "closed")
    ctx.speaker.prompt(response, language, "connecting")
    await report(ctx, caller, language, state, "phone_transfer", intent=intent)
    ctx.count("ivr_transfers_total", language=language)
    dial = response.dial(
        timeout=ctx.settings.ivr_dial_timeout_seconds,
        action=ctx.links.route("dial", l=language),
        method="POST",
        answer_on_bridge=True,  # the caller hears ringing, not silence, while it rings
    )
    if phone.startswith("sip:"):
        dial.sip(phone)
    else:
        dial.number(phone)
    return response


async def voicemail(
    ctx: IvrContext,
    caller: Caller,
    language: Language,
    response: VoiceResponse,
    state: CallState,
    why: Literal["closed", "busy"],
    *,
    remind_emergency: bool = False,
) -> VoiceResponse:
    """Ask for a message after the tone; operators call back on the caller's number."""
    reason_prompt = "operators_closed" if why == "closed" else "operators_busy"
    ctx.speaker.prompt(response, language, reason_prompt)
    if remind_emergency:
        ctx.speaker.prompt(response, language, "emergency")
    ctx.speaker.prompt(response, language, "voicemail")
    # Reported before recording, so a caller who hangs up at the tone still gets a callback.
    await report(ctx, caller, language, state, "voicemail")
    ctx.count("ivr_voicemails_total", language=language, why=why)
    response.record(
        action=ctx.links.route("recorded", l=language),
        method="POST",
        max_length=VOICEMAIL_MAX_SECONDS,
        timeout=8,
        finish_on_key="#",
        play_beep=True,
        recording_status_callback=ctx.links.route("recording", l=language),
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )
    # Twilio goes on here when nothing was recorded.
    ctx.speaker.prompt(response, language, "goodbye")
    response.hangup()
    return response


async def report_recording(
    ctx: IvrContext, caller: Caller, language: Language, recording_url: str
) -> None:
    """Report the recording once, from whichever of Twilio's two requests comes first."""
    state = await ctx.store.get_call(caller.call_sid)
    if state.recording_reported:
        return
    state.recording_reported = True
    await ctx.store.save_call(caller.call_sid, state)
    if state.caller_key and state.caller_key != caller.key:
        caller = Caller(caller.call_sid, state.caller_key, caller.callback_number)
    await report(ctx, caller, language, state, "voicemail", recording_url=recording_url)
