"""The /ivr/ webhook handlers: each reads Twilio's POST and answers TwiML."""

from __future__ import annotations

from typing import Final

from aiohttp import web
from twilio.twiml.voice_response import VoiceResponse

from hotline.turns import Turn
from ivr import flows
from ivr.context import IVR_CONTEXT, parse_language, parse_menu
from ivr.handover import (
    CALL_ENDED,
    DIAL_SUCCESS,
    call_ended,
    callback_allowed,
    connect_to_human,
    report_recording,
    take_callback_answer,
    voicemail,
)
from ivr.menus import (
    BACK_KEY,
    LANGUAGE_KEYS,
    MENUS,
    MORE_KEY,
    MORE_NUMBERS,
    OPERATOR_KEY,
    REPEAT_KEY,
    HelpNow,
    MenuName,
    ReportNow,
    Submenu,
    Topic,
)
from ivr.twiml import render_twiml

# A caller silent this many times in a row is put through to a human: they may be unable to talk.
MAX_SILENCES: Final = 3


async def call_start(request: web.Request) -> web.Response:
    """POST /ivr/voice: welcome and the language menu; silence keeps the remembered language."""
    ctx = request.app[IVR_CONTEXT]
    caller = ctx.caller(request)
    ctx.count("ivr_calls_total")
    remembered = await ctx.store.remembered_language(caller.key)
    default = remembered or ctx.settings.ivr_default_language
    return render_twiml(flows.language_menu(ctx, default))


async def choose_language(request: web.Request) -> web.Response:
    """POST /ivr/language: 1 Kyrgyz, 2 Russian, 0 operator, silence the default."""
    ctx = request.app[IVR_CONTEXT]
    caller = ctx.caller(request)
    default = ctx.language_of(request, "d")
    digits = ctx.form(request).get("Digits", "")
    if digits == OPERATOR_KEY:
        return render_twiml(await connect_to_human(ctx, caller, default, VoiceResponse()))
    language = parse_language(LANGUAGE_KEYS.get(digits)) or (default if not digits else None)
    if language is None:
        return render_twiml(flows.language_menu(ctx, default, "invalid_key"))
    await ctx.store.remember_language(caller.key, language)
    await flows.tell_language(ctx, caller, language)
    return render_twiml(flows.menu_step(ctx, language, "main"))


async def menu(request: web.Request) -> web.Response:
    """POST /ivr/menu?l=&m=: a key (or, where enabled, speech) at one of the menus."""
    ctx = request.app[IVR_CONTEXT]
    caller = ctx.caller(request)
    language = ctx.language_of(request)
    name = parse_menu(request.query.get("m"))
    form = ctx.form(request)
    speech = form.get("SpeechResult", "").strip()
    if speech:
        return await _speech(request, speech, name)
    digits = form.get("Digits", "")
    if not digits:
        silences = _silences(request) + 1
        if silences >= MAX_SILENCES:
            return render_twiml(await connect_to_human(ctx, caller, language, VoiceResponse()))
        return render_twiml(flows.menu_step(ctx, language, name, ("no_input",), silences))
    if digits == OPERATOR_KEY:
        return render_twiml(await connect_to_human(ctx, caller, language, VoiceResponse()))
    current = MENUS[name]
    if digits == BACK_KEY:
        if current.parent is None:
            return render_twiml(flows.language_menu(ctx, language))
        return render_twiml(flows.menu_step(ctx, language, current.parent))
    if digits == REPEAT_KEY:
        return render_twiml(flows.menu_step(ctx, language, name))
    entry = current.keys.get(digits)
    if isinstance(entry, Submenu):
        return render_twiml(flows.menu_step(ctx, language, entry.name))
    if isinstance(entry, HelpNow):
        return render_twiml(await flows.help_now(ctx, caller, language))
    if isinstance(entry, ReportNow):
        return render_twiml(await flows.report_now(ctx, caller, language, entry.intent))
    if isinstance(entry, Topic):
        turn = Turn(caller.key, "phone", option=f"intent:{entry.intent}", language_hint=language)
        reply = await flows.ask_policy(ctx, turn)
        return render_twiml(await flows.render_reply(ctx, caller, reply, name))
    return render_twiml(flows.menu_step(ctx, language, name, ("invalid_key",)))


async def answer(request: web.Request) -> web.Response:
    """POST /ivr/answer?l=&i=&b=&p=: after an answer, 9 repeats, * goes back, 0 is the
    operator; 1 reads the numbers beyond two of an answer that has more (`p=more`)."""
    ctx = request.app[IVR_CONTEXT]
    caller = ctx.caller(request)
    language = ctx.language_of(request)
    back = parse_menu(request.query.get("b"))
    intent = request.query.get("i", "")
    form = ctx.form(request)
    speech = form.get("SpeechResult", "").strip()
    if speech:
        return await _speech(request, speech, back)
    digits = form.get("Digits", "")
    if digits == OPERATOR_KEY:
        return render_twiml(
            await connect_to_human(ctx, caller, language, VoiceResponse(), intent=intent or None)
        )
    more = request.query.get("p") == "more"
    if digits == REPEAT_KEY and intent:
        return render_twiml(flows.answer_step(ctx, language, intent, back, more=more))
    if digits == MORE_KEY and intent in MORE_NUMBERS and not more:
        return render_twiml(flows.answer_step(ctx, language, intent, back, more=True))
    if digits == BACK_KEY or not digits or not intent:
        return render_twiml(flows.menu_step(ctx, language, back))
    return render_twiml(
        flows.answer_step(
            ctx, language, intent, back, read_answer=False, more=more, prefixes=("invalid_key",)
        )
    )


async def _speech(request: web.Request, speech: str, back: MenuName) -> web.Response:
    """What the caller said goes through the same understanding and policy as a chat message."""
    ctx = request.app[IVR_CONTEXT]
    caller = ctx.caller(request)
    language = ctx.language_of(request)
    ctx.count("ivr_speech_turns_total", language=language)
    turn = Turn(caller.key, "phone", text=speech, language_hint=language)
    reply = await flows.ask_policy(ctx, turn)
    return render_twiml(await flows.render_reply(ctx, caller, reply, back))


async def dial_result(request: web.Request) -> web.Response:
    """POST /ivr/dial: the <Dial> action; unanswered, busy or failed leads to voicemail."""
    ctx = request.app[IVR_CONTEXT]
    caller = ctx.caller(request)
    language = ctx.language_of(request)
    status = ctx.form(request).get("DialCallStatus", "")
    response = VoiceResponse()
    if status in DIAL_SUCCESS:
        ctx.speaker.prompt(response, language, "goodbye")
        response.hangup()
        return render_twiml(response)
    state = await ctx.store.get_call(caller.call_sid)
    return render_twiml(
        await voicemail(
            ctx,
            caller,
            language,
            response,
            state,
            "busy",
            remind_emergency=state.level == "emergency",
        )
    )


async def callback_answer(request: web.Request) -> web.Response:
    """POST /ivr/callback: 1 call me back, 2 do not call, or when (said); then the message."""
    ctx = request.app[IVR_CONTEXT]
    form = ctx.form(request)
    digits = form.get("Digits", "")
    speech = form.get("SpeechResult", "").strip()
    language = ctx.language_of(request)
    return render_twiml(
        await take_callback_answer(ctx, ctx.caller(request), language, digits, speech)
    )


async def recorded(request: web.Request) -> web.Response:
    """POST /ivr/recorded: the <Record> action; the recording goes to the operators."""
    ctx = request.app[IVR_CONTEXT]
    caller = ctx.caller(request)
    language = ctx.language_of(request)
    url = ctx.form(request).get("RecordingUrl", "")
    if url:
        await report_recording(ctx, caller, language, url)
    response = VoiceResponse()
    state = await ctx.store.get_call(caller.call_sid)
    # "An operator will call you back" only when the caller allowed it and the number is kept.
    allowed = callback_allowed(state) and caller.callback_number is not None
    ctx.speaker.prompt(
        response, language, "voicemail_thanks" if allowed else "voicemail_thanks_no_call"
    )
    response.hangup()
    return render_twiml(response)


async def recording_status(request: web.Request) -> web.Response:
    """POST /ivr/recording: recordingStatusCallback; reports the recording if the action did not."""
    ctx = request.app[IVR_CONTEXT]
    form = ctx.form(request)
    url = form.get("RecordingUrl", "")
    if url and form.get("RecordingStatus", "completed") == "completed":
        await report_recording(ctx, ctx.caller(request), ctx.language_of(request), url)
    return render_twiml(VoiceResponse())


async def call_status(request: web.Request) -> web.Response:
    """POST /ivr/status: the number's call status callback. A caller who hung up at the
    call-back question posts nothing to /ivr/callback; the case learns it here."""
    ctx = request.app[IVR_CONTEXT]
    if ctx.form(request).get("CallStatus", "") in CALL_ENDED:
        await call_ended(ctx, ctx.caller(request), ctx.language_of(request))
    return render_twiml(VoiceResponse())


def _silences(request: web.Request) -> int:
    raw = request.query.get("s", "0")
    return int(raw) if raw.isdigit() else 0
