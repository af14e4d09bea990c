"""`hotline chat`: talk to the assistant in a terminal, offline, on the same core.

Reads one message per line from stdin, so it can be piped. A number picks one of the
options just offered; /lang ky|ru, /menu, /operator, /forget and /quit are commands.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from hotline import options as opt
from hotline.content import ContentStore
from hotline.i18n import translate
from hotline.policy import DialoguePolicy
from hotline.safety_texts import AUTOMATIC_ANSWER, HELP_LINES_HEADER
from hotline.settings import get_settings
from hotline.turns import (
    AnsweredWhileWaiting,
    AskLanguage,
    Escalate,
    OfferOptions,
    Option,
    PauseForOperator,
    Reply,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    ShowHelpLines,
    ShowMissions,
    Turn,
)
from hotline.wording import (
    ASK_LANGUAGE,
    EMERGENCY_HEADER,
    EMERGENCY_OTHER_WAY,
    LANGUAGE_BUTTON,
    MISSION_NO_NUMBER,
    MISSIONS_HEADER,
    NUMBER_CHECKED,
    emergency_numbers,
    help_lines,
    mission_lines,
    option_label,
    say_text,
)
from nlu.catalogue import LANGUAGES, Language

USER_KEY = "terminal:local"
COMMANDS = {"/menu": opt.MENU, "/operator": opt.OPERATOR, "/language": opt.LANGUAGE}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("chat", help="talk to the assistant in a terminal")
    parser.add_argument("--lang", choices=LANGUAGES, help="start in this language")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.container import build_services  # builds the NLU model: only when chatting
    from hotline.escalation import RecordingEscalator

    # No operator can write back to a terminal: escalations stay in memory, not in var/.
    services = build_services(get_settings(), escalator=RecordingEscalator())

    async def main() -> None:
        try:
            await chat(services.policy, services.content, args.lang, sys.stdin, sys.stdout)
        finally:
            await services.close()

    asyncio.run(main())
    return 0


async def chat(
    policy: DialoguePolicy,
    content: ContentStore,
    language: Language | None,
    stdin: TextIO,
    stdout: TextIO,
) -> None:
    """The loop: read a line, make a turn, print the reply as plain text."""
    offered: list[Option] = []

    async def turn(text: str | None = None, option: str | None = None) -> None:
        nonlocal offered
        reply = await policy.handle(
            Turn(USER_KEY, "terminal", text=text, option=option, language_hint=language)
        )
        lines, offered = render_plain(reply, content)
        stdout.write("\n".join(lines) + "\n\n")
        stdout.flush()

    await turn(option=f"lang:{language}" if language else opt.LANGUAGE)
    loop = asyncio.get_running_loop()
    while True:
        if stdin.isatty():
            stdout.write("> ")
            stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            return
        text = line.strip()
        if text in ("/quit", "/exit"):
            return
        if text == "/forget":
            await policy.forget(USER_KEY)
            stdout.write("[forgotten]\n\n")
        elif text.startswith("/lang "):
            await turn(option=f"lang:{text.removeprefix('/lang ').strip()}")
        elif text in COMMANDS:
            await turn(option=COMMANDS[text])
        elif text.isdigit() and 1 <= int(text) <= len(offered):
            await turn(option=offered[int(text) - 1].id)
        elif text:
            await turn(text=text)


def render_plain(reply: Reply, content: ContentStore) -> tuple[list[str], list[Option]]:
    """Reply actions as terminal lines; options are numbered for the next line to pick."""
    language = reply.language
    lines: list[str] = []
    offered: list[Option] = []
    for action in reply.actions:
        if isinstance(action, ShowEmergencyNumbers):
            lines.append(f"!! {translate(language, EMERGENCY_HEADER)}")
            lines += [
                f"   {number}  {name}" for number, name in emergency_numbers(language, content)
            ]
            lines.append(f"   {translate(language, EMERGENCY_OTHER_WAY)}")
        elif isinstance(action, ShowHelpLines):
            lines.append(translate(language, HELP_LINES_HEADER))
            lines += [
                f"   {number}  {name} ({translate(language, NUMBER_CHECKED, date=checked)})"
                for number, name, checked in help_lines(language, content.contacts, action.keys)
            ]
        elif isinstance(action, ShowMissions):
            lines += missions_plain(language, content, action.keys)
        elif isinstance(action, ShowAnswer):
            answer = content.answer(language, action.intent)
            lines += [f"== {answer.title} ==", answer.body_markdown.strip()]
        elif isinstance(action, SayText):
            lines.append(say_text(language, action, content.contacts))
        elif isinstance(action, OfferOptions):
            if action.prompt_msgid:
                lines.append(translate(language, action.prompt_msgid))
            for option in action.options:
                offered.append(option)
                lines.append(f"  {len(offered)}) {option_label(option, language, content)}")
        elif isinstance(action, AskLanguage):
            lines += [translate(lang, ASK_LANGUAGE) for lang in LANGUAGES]
            for lang in LANGUAGES:
                offered.append(opt.language(lang))
                lines.append(f"  {len(offered)}) {translate(lang, LANGUAGE_BUTTON)}")
        elif isinstance(action, Escalate):
            lines.append(f"[escalated: case {action.case_number}, risk {action.level}]")
        elif isinstance(action, PauseForOperator):
            # As on Telegram: the operator who took the case answers; nothing else is said.
            lines.append(f"[sent to the operator of case {action.case_number}]")
    if any(isinstance(a, AnsweredWhileWaiting) for a in reply.actions):
        lines.insert(0, f"[{translate(language, AUTOMATIC_ANSWER)}]")
    return lines, offered


def missions_plain(language: Language, content: ContentStore, keys: tuple[str, ...]) -> list[str]:
    """The missions of the place named, one line each, then the consular line if needed."""
    missions, ask_mfa = mission_lines(language, content, keys)
    lines = [translate(language, MISSIONS_HEADER)]
    for mission in missions:
        numbers = ", ".join(
            f"{number} ({translate(language, NUMBER_CHECKED, date=checked)})"
            for number, checked in mission.numbers
        )
        lines.append(f"  - {mission.name}: {numbers or translate(language, MISSION_NO_NUMBER)}")
    if ask_mfa:
        lines.append(ask_mfa)
    return lines
