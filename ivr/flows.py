"""The TwiML of each step: language menu, keypad menus, answers, and policy replies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.safety_response import safety_row
from hotline.turns import (
    AnsweredWhileWaiting,
    AskLanguage,
    Escalate,
    EscalationFailed,
    PauseForOperator,
    Reply,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    ShowHelpLines,
    Turn,
)
from ivr.audio import answer_key
from ivr.caller import Caller
from ivr.context import IvrContext
from ivr.failures import log_failure
from ivr.handover import connect_to_human
from ivr.menus import MENUS, MORE_NUMBERS, MenuName
from ivr.twiml import gather
from nlu.catalogue import Language, RiskLevel, risk_rank

log = logging.getLogger(__name__)


def _other(language: Language) -> Language:
    return "ru" if language == "ky" else "ky"


def language_menu(ctx: IvrContext, default: Language, prefix: str | None = None) -> str:
    """Welcome in both languages, the default one first; silence chooses the default."""
    return ctx.twiml_cache.get(
        ("language", default, prefix or ""), lambda: _language_menu(ctx, default, prefix)
    )


def _language_menu(ctx: IvrContext, default: Language, prefix: str | None) -> VoiceResponse:
    response = VoiceResponse()
    action = ctx.links.route("language", d=default)
    menu = gather(response, action, timeout=5)
    if prefix:
        ctx.speaker.prompt(menu, default, prefix)
    for language in (default, _other(default)):
        ctx.speaker.prompt(menu, language, "welcome")
    response.redirect(action, method="POST")
    return response


def _keys_and_speech(
    ctx: IvrContext,
    response: VoiceResponse,
    action: str,
    language: Language,
    prefixes: Sequence[str],
) -> Gather:
    """A <Gather> for keys, and for speech where the language has it, after `prefixes`."""
    keys = gather(
        response,
        action,
        speech_language=ctx.speech_language(language),
        hints=ctx.prompts.speech_hints.get(language, ""),
    )
    for prefix in prefixes:
        ctx.speaker.prompt(keys, language, prefix)
    return keys


def menu_step(
    ctx: IvrContext,
    language: Language,
    menu: MenuName,
    prefixes: Sequence[str] = (),
    silences: int = 0,
) -> str:
    """One of the keypad menus, after any `prefixes` prompts ("no input", "invalid key")."""
    return ctx.twiml_cache.get(
        ("menu", language, menu, *prefixes, str(silences)),
        lambda: _menu_step(ctx, language, menu, prefixes, silences),
    )


def _menu_step(
    ctx: IvrContext, language: Language, menu: MenuName, prefixes: Sequence[str], silences: int
) -> VoiceResponse:
    response = VoiceResponse()
    action = ctx.links.route("menu", l=language, m=menu, s=str(silences) if silences else "")
    keys = _keys_and_speech(ctx, response, action, language, prefixes)
    ctx.speaker.prompt(keys, language, MENUS[menu].prompt)
    response.redirect(action, method="POST")
    return response


def answer_step(
    ctx: IvrContext,
    language: Language,
    intent: str,
    back: MenuName,
    *,
    read_answer: bool = True,
    more: bool = False,
    prefixes: Sequence[str] = (),
) -> str:
    """Read the answer's summary (`more`: its numbers beyond two), then offer repeat (9),
    back (*) and the operator (0), and the key to more numbers where the answer has them."""
    return ctx.twiml_cache.get(
        ("answer", language, intent, back, str(read_answer), str(more), *prefixes),
        lambda: _answer_step(ctx, language, intent, back, read_answer, more, prefixes),
    )


def _answer_step(
    ctx: IvrContext,
    language: Language,
    intent: str,
    back: MenuName,
    read_answer: bool,
    more: bool,
    prefixes: Sequence[str],
) -> VoiceResponse:
    response = VoiceResponse()
    more_prompt = MORE_NUMBERS.get(intent)
    more = more and more_prompt is not None
    action = ctx.links.route("answer", l=language, i=intent, b=back, p="more" if more else "")
    keys = _keys_and_speech(ctx, response, action, language, prefixes)
    if read_answer and more and more_prompt is not None:
        ctx.speaker.prompt(keys, language, more_prompt)
    elif read_answer:
        try:
            summary = ctx.services.content.answer(language, intent).summary
        except LookupError:
            ctx.speaker.prompt(keys, language, "answer_missing")
        else:
            ctx.speaker.text(keys, language, answer_key(intent), summary)
    if more_prompt is not None and not more:
        ctx.speaker.prompt(keys, language, "more_numbers")
    ctx.speaker.prompt(keys, language, "after_answer")
    response.redirect(action, method="POST")
    return response


async def help_now(ctx: IvrContext, caller: Caller, language: Language) -> VoiceResponse:
    """The emergency numbers and a safety line, then a human, reported as an emergency."""
    response = VoiceResponse()
    row = safety_row((), "emergency")
    assert row is not None
    for prompt in row.phone_prompts():
        ctx.speaker.prompt(response, language, prompt)
    ctx.count("ivr_help_now_total", language=language)
    return await connect_to_human(
        ctx, caller, language, response, level="emergency", intent="emergency"
    )


async def report_now(
    ctx: IvrContext, caller: Caller, language: Language, intent: str
) -> VoiceResponse:
    """ "It is happening to me or someone close" (the trafficking menu): the safety line of
    someone held, how to get help at once, then a human, reported as a high-risk case."""
    response = VoiceResponse()
    row = safety_row(("forced_labour",), "high")
    assert row is not None
    for prompt in row.phone_prompts():
        ctx.speaker.prompt(response, language, prompt)
    ctx.count("ivr_report_now_total", language=language)
    return await connect_to_human(ctx, caller, language, response, level="high", intent=intent)


def safety_prompts(reply: Reply) -> list[str]:
    """What the phone says of a reply before the transfer: the prompts of its safety
    response (`hotline.safety_response`), in order, each once."""
    prompts: list[str] = []
    for action in reply.actions:
        prompt: str | None = None
        if isinstance(action, ShowEmergencyNumbers):
            prompt = "emergency"
        elif isinstance(action, SayText | ShowHelpLines):
            prompt = action.prompt
        if prompt is not None and prompt not in prompts:
            prompts.append(prompt)
    return prompts


async def ask_policy(ctx: IvrContext, turn: Turn) -> Reply:
    """One turn of the shared dialogue policy; too slow counts as a failure (a human takes over)."""
    async with asyncio.timeout(ctx.settings.ivr_turn_timeout_seconds):
        return await ctx.services.policy.handle(turn)


async def tell_language(ctx: IvrContext, caller: Caller, language: Language) -> None:
    """Tell the policy the language chosen at the menu, as a chat's language button would."""
    try:
        await ask_policy(ctx, Turn(caller.key, "phone", option=f"lang:{language}"))
    except Exception as exc:  # noqa: BLE001 - logged by log_failure, without its message
        # The menus work without it: each turn carries the language as a hint as well.
        log_failure(log, "the policy did not take the language choice", exc)


async def render_reply(
    ctx: IvrContext, caller: Caller, reply: Reply, back: MenuName
) -> VoiceResponse | str:
    """Say what the policy decided: the phone reads answers and hands risk to a human.

    SayText and OfferOptions are chat wording; the phone says its own prompts instead
    (ivr.yml), and its after-answer menu always offers the operator.
    """
    language = reply.language
    answer = next((a for a in reply.actions if isinstance(a, ShowAnswer)), None)
    escalate = next((a for a in reply.actions if isinstance(a, Escalate)), None)
    emergency = any(isinstance(a, ShowEmergencyNumbers) for a in reply.actions)
    # A case is open: on the phone, the operator answers (voicemail off duty).
    paused = any(isinstance(a, PauseForOperator | AnsweredWhileWaiting) for a in reply.actions)
    # No case could be opened just now: on the phone, a human must take over.
    failure = next((a for a in reply.actions if isinstance(a, EscalationFailed)), None)
    if escalate is not None or emergency or paused or failure is not None:
        # The level the core decided; the numbers alone say emergency only without one (a
        # missing child at `high` is given the numbers too).
        level: RiskLevel = "emergency" if emergency else "none"
        indicators: tuple[str, ...] = ()
        situations: tuple[str, ...] = ()
        if escalate is not None:
            level, indicators = escalate.level, escalate.indicators
            situations = escalate.situations
        elif failure is not None:
            level = max(failure.level, "high", key=risk_rank)
        response = VoiceResponse()
        for prompt in safety_prompts(reply):
            ctx.speaker.prompt(response, language, prompt)
        intent = answer.intent if answer else None
        return await connect_to_human(
            ctx,
            caller,
            language,
            response,
            level=level,
            indicators=indicators,
            situations=situations,
            intent=intent,
            reported=escalate.level if escalate is not None else None,
        )
    if any(isinstance(a, AskLanguage) for a in reply.actions):
        return language_menu(ctx, language)
    if answer is not None:
        return answer_step(ctx, language, answer.intent, back)
    return menu_step(ctx, language, back, ("not_understood",))
