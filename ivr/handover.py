"""Reaching a human: the operator by <Dial>, or voicemail with a callback; both reported.

A call passes several routes on its way to a human (key 0, the transfer, no answer, the
voicemail, the recording). Each reports through the core's one escalation path
(`CaseActions.escalate`), and only what is new: the call state remembers what the case
service already has, so a call opens at most one case and raises it, never more.

The phone may be in someone else's hands, so before the message is recorded the caller is
asked whether a call back is safe (1 yes, 2 no, or say when). The caller's number goes to
the case only with an answer that allows a call back (1, or a said time): never with 2,
never before the answer, and not when the caller is silent or hangs up at the question (the
case then says that the question went unanswered, and has no number to call).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final, Literal

from twilio.twiml.voice_response import VoiceResponse

from hotline.escalation import CallbackPreference, EscalationRequest
from ivr.caller import Caller
from ivr.context import IvrContext
from ivr.failures import log_failure
from ivr.state import CallState
from ivr.twiml import gather
from nlu.catalogue import RISK_LEVELS, Language, RiskLevel

log = logging.getLogger(__name__)

REPORT_TIMEOUT_SECONDS: Final = 3.0
VOICEMAIL_MAX_SECONDS: Final = 180
DIAL_SUCCESS: Final = frozenset({"completed", "answered"})
CALLBACK_KEYS: Final = {"1": CallbackPreference.SAFE, "2": CallbackPreference.UNSAFE}
# The answers after which the number may be kept: the caller allowed a call back.
CALLBACK_ALLOWED: Final = frozenset({CallbackPreference.SAFE, CallbackPreference.WHEN})
# Twilio's final call statuses (the call status callback): the call is over.
CALL_ENDED: Final = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
CALLBACK_WHEN_MAX_CHARS: Final = 200


async def report(
    ctx: IvrContext,
    caller: Caller,
    language: Language,
    state: CallState,
    reason: Literal["phone_transfer", "voicemail"],
    *,
    intent: str | None = None,
    recording_url: str | None = None,
    callback_preference: CallbackPreference | None = None,
    callback_when: str | None = None,
) -> None:
    """Tell the case service what is new about the call; a failure never stops the call."""
    callback = caller.callback_number if callback_allowed(state) else None
    facts = f"{state.level}{'+callback' if callback else ''}"
    if not recording_url and not callback_preference and _covered(state.reported, facts):
        return  # the case already has this: no second escalation, no notice
    request = EscalationRequest(
        user_key=caller.key,
        channel="phone",
        language=language,
        level=state.level,
        indicators=state.indicators,
        situations=state.situations,
        reason=reason,
        intent=intent,
        recording_url=recording_url,
        callback_number=callback,
        callback_preference=callback_preference,
        callback_when=callback_when,
    )
    try:
        async with asyncio.timeout(REPORT_TIMEOUT_SECONDS):
            ref = await ctx.services.policy.case_actions.escalate(request)
    except Exception as exc:  # noqa: BLE001 - logged by log_failure, without its message
        log_failure(log, f"escalation report failed: reason={reason} level={state.level}", exc)
        ref = None
    if ref is None:  # kept for when the database is back, or lost: counted either way
        ctx.count("ivr_report_failures_total", reason=reason)
        return
    ctx.count("ivr_reports_total", reason=reason)
    state.reported = facts if not _covered(state.reported, facts) else state.reported
    await ctx.store.save_call(caller.call_sid, state)


def callback_allowed(state: CallState) -> bool:
    """Whether the caller's answer to the question allows a call back on this number."""
    return state.callback in CALLBACK_ALLOWED


def _covered(reported: str, facts: str) -> bool:
    """Whether what was reported ("high+callback") already covers `facts` ("high")."""
    if not reported:
        return False
    level, _, callback = facts.partition("+")
    had_level, _, had_callback = reported.partition("+")
    ranks: dict[str, int] = {name: rank for rank, name in enumerate(RISK_LEVELS)}
    return ranks.get(had_level, 0) >= ranks.get(level, 0) and bool(had_callback or not callback)


def mark_reported(state: CallState, level: RiskLevel) -> None:
    """The policy's own escalation of this call already reached the case service."""
    if not _covered(state.reported, level):
        callback = "+callback" if state.reported.endswith("+callback") else ""
        state.reported = f"{level}{callback}"


async def connect_to_human(
    ctx: IvrContext,
    caller: Caller,
    language: Language,
    response: VoiceResponse,
    *,
    level: RiskLevel = "none",
    indicators: tuple[str, ...] = (),
    situations: tuple[str, ...] = (),
    intent: str | None = None,
    reported: RiskLevel | None = None,
) -> VoiceResponse:
    """Dial the operator when one is configured and on duty; voicemail otherwise.

    `reported`: the level at which the policy's own escalation already reached the case.
    """
    state = await ctx.store.get_call(caller.call_sid)
    state.raise_level(level, indicators, situations)
    if reported is not None:
        mark_reported(state, reported)
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
    """Say why nobody answers, ask whether a call back is safe, then take a message."""
    reason_prompt = "operators_closed" if why == "closed" else "operators_busy"
    ctx.speaker.prompt(response, language, reason_prompt)
    if remind_emergency:
        ctx.speaker.prompt(response, language, "emergency")
    ctx.count("ivr_voicemails_total", language=language, why=why)
    if caller.callback_number is None:  # a withheld number: nothing to ask, nothing to keep
        await report(ctx, caller, language, state, "voicemail")
        return record_message(ctx, language, response)
    # Reported before the question, so a caller who hangs up now still gets a case: without
    # the number, and saying the question is unanswered until the answer comes.
    state.callback_asked, state.callback = True, ""  # a new question: only its answer counts
    await ctx.store.save_call(caller.call_sid, state)
    await report(
        ctx, caller, language, state, "voicemail", callback_preference=CallbackPreference.UNANSWERED
    )
    action = ctx.links.route("callback", l=language)
    question = gather(
        response,
        action,
        speech_language=ctx.speech_language(language),
        hints=ctx.prompts.speech_hints.get(language, ""),
        timeout=6,
    )
    ctx.speaker.prompt(question, language, "callback_question")
    response.redirect(action, method="POST")
    return response


async def take_callback_answer(
    ctx: IvrContext, caller: Caller, language: Language, digits: str, speech: str
) -> VoiceResponse:
    """Store what the caller said about a call back with the case, then record the message."""
    choice = CALLBACK_KEYS.get(digits)
    if choice is None:
        choice = CallbackPreference.WHEN if speech else CallbackPreference.UNANSWERED
    when = speech[:CALLBACK_WHEN_MAX_CHARS] if choice is CallbackPreference.WHEN else None
    state = await ctx.store.get_call(caller.call_sid)
    state.callback = choice.value
    state.caller_key = state.caller_key or caller.key
    await ctx.store.save_call(caller.call_sid, state)
    ctx.count("ivr_callback_answers_total", choice=choice.value)
    await report(
        ctx, caller, language, state, "voicemail", callback_preference=choice, callback_when=when
    )
    return record_message(ctx, language, VoiceResponse())


async def call_ended(ctx: IvrContext, caller: Caller, language: Language) -> None:
    """The call is over (Twilio's call status callback): a caller who hung up at the
    question leaves no number, and the case says the question went unanswered."""
    state = await ctx.store.get_call(caller.call_sid)
    if not state.callback_asked or state.callback:
        return  # not asked, or answered: the case has what the answer said
    state.callback = CallbackPreference.UNANSWERED.value
    await ctx.store.save_call(caller.call_sid, state)
    ctx.count("ivr_callback_answers_total", choice="hung_up")
    if state.caller_key and state.caller_key != caller.key:
        caller = Caller(caller.call_sid, state.caller_key, None)
    await report(
        ctx,
        caller,
        language,
        state,
        "voicemail",
        callback_preference=CallbackPreference.UNANSWERED,
    )


def record_message(ctx: IvrContext, language: Language, response: VoiceResponse) -> VoiceResponse:
    """After the tone, what happened (and where, if safe); # ends it."""
    ctx.speaker.prompt(response, language, "voicemail_record")
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
