"""Render the core's reply actions as Telegram messages, and send them.

Emergency numbers always go out first and on their own, so that they arrive even if
anything after them fails. Text and options are merged into as few messages as
possible; a content answer is its own message.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton

from bot.keyboards import keyboard, option_rows
from hotline.content import TELEGRAM_MAX_CHARS, ContentStore, render_answer_html
from hotline.i18n import N_, translate
from hotline.safety_texts import AUTOMATIC_ANSWER, HELP_LINES_HEADER
from hotline.turns import (
    AnsweredWhileWaiting,
    AskLanguage,
    OfferOptions,
    Reply,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    ShowHelpLines,
    ShowMissions,
)
from hotline.wording import (
    ASK_LANGUAGE,
    CHOOSE,
    EMERGENCY_HEADER,
    EMERGENCY_OTHER_WAY,
    LANGUAGE_BUTTON,
    MISSION_NO_NUMBER,
    MISSIONS_HEADER,
    NUMBER_CHECKED,
    emergency_numbers,
    help_lines,
    mission_lines,
    say_text,
    ui_text,
)
from nlu.catalogue import LANGUAGES, Language

log = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """One Telegram message to send: HTML text and keyboard rows."""

    text: str = ""
    rows: list[list[InlineKeyboardButton]] = field(default_factory=list)

    def add(self, part: str) -> None:
        self.text = f"{self.text}\n\n{part}" if self.text else part


def t(language: Language, msgid: str, **params: object) -> str:
    """A UI string in `language`, escaped for Telegram HTML."""
    text = translate(language, msgid, **params) if params else ui_text(language, msgid)
    return html.escape(text, quote=False)


def render_reply(reply: Reply, content: ContentStore) -> list[Outgoing]:
    """Turn reply actions into messages, in the order they must arrive."""
    language = reply.language
    messages: list[Outgoing] = []
    current = Outgoing()

    def flush() -> None:
        nonlocal current
        if current.text or current.rows:
            if not current.text:
                current.text = t(language, CHOOSE)
            messages.append(current)
        current = Outgoing()

    for action in reply.actions:
        if isinstance(action, ShowEmergencyNumbers):
            flush()
            messages.append(Outgoing(emergency_html(language, content)))
        elif isinstance(action, ShowMissions):
            flush()
            messages.append(Outgoing(missions_html(language, action.keys, content)))
        elif isinstance(action, ShowHelpLines):
            flush()
            messages.append(Outgoing(help_lines_html(language, action.keys, content)))
        elif isinstance(action, ShowAnswer):
            flush()
            current.add(answer_html(language, action.intent, content))
        elif isinstance(action, SayText):
            part = html.escape(say_text(language, action, content.contacts), quote=False)
            if current.rows or len(current.text) + len(part) + 2 > TELEGRAM_MAX_CHARS:
                flush()  # text after buttons would read as if it belonged before them
            current.add(part)
        elif isinstance(action, OfferOptions):
            if action.prompt_msgid:
                prompt = t(language, action.prompt_msgid)
                if len(current.text) + len(prompt) + 2 > TELEGRAM_MAX_CHARS:
                    flush()
                current.add(prompt)
            current.rows += option_rows(action.options, language, content)
        elif isinstance(action, AskLanguage):
            flush()
            messages.append(language_question(language))
        # Escalate and PauseForOperator are for the record and the relay; nothing to show.
    flush()
    if any(isinstance(a, AnsweredWhileWaiting) for a in reply.actions):
        return marked_automatic(language, messages)
    return messages


def marked_automatic(language: Language, messages: list[Outgoing]) -> list[Outgoing]:
    """Each message of the reply says it is an automatic answer: an operator's do not."""
    label = f"🤖 <i>{t(language, AUTOMATIC_ANSWER)}</i>"
    marked = []
    for message in messages:
        if len(label) + 2 + len(message.text) <= TELEGRAM_MAX_CHARS:
            marked.append(Outgoing(f"{label}\n\n{message.text}", message.rows))
        else:  # a long answer is not cut for the label: the label goes before it
            marked += [Outgoing(label), message]
    return marked


def answer_html(language: Language, intent: str, content: ContentStore) -> str:
    try:
        return _rendered(content, language, intent)
    except KeyError:
        log.error("no %s answer for intent %s", language, intent)
        return t(language, N_("Sorry, this answer is not ready yet. An operator can help."))


@lru_cache(maxsize=256)
def _rendered(content: ContentStore, language: Language, intent: str) -> str:
    # Rendering Markdown costs milliseconds; a store is immutable, so cache per store.
    return render_answer_html(content.answer(language, intent))[:TELEGRAM_MAX_CHARS]


def emergency_html(language: Language, content: ContentStore) -> str:
    lines = [f"🆘 <b>{t(language, EMERGENCY_HEADER)}</b>"]
    for number, name in emergency_numbers(language, content):
        lines.append(f"<b>{html.escape(number)}</b> — {html.escape(name)}")
    lines.append(html.escape(t(language, EMERGENCY_OTHER_WAY)))
    return "\n".join(lines)


def help_lines_html(language: Language, keys: tuple[str, ...], content: ContentStore) -> str:
    """Helplines of content/contacts.yml, each with when its number was checked."""
    lines = [f"<b>{t(language, HELP_LINES_HEADER)}</b>"]
    for number, name, checked in help_lines(language, content.contacts, keys):
        when = t(language, NUMBER_CHECKED, date=checked)
        lines.append(f"<b>{html.escape(number)}</b> — {html.escape(name)} ({when})")
    return "\n".join(lines)


def missions_html(language: Language, keys: tuple[str, ...], content: ContentStore) -> str:
    """The missions of the place the person named, each with its numbers or none."""
    missions, ask_mfa = mission_lines(language, content, keys)
    lines = [f"<b>{t(language, MISSIONS_HEADER)}</b>"]
    for mission in missions:
        numbers = ", ".join(
            f"<b>{html.escape(number)}</b> ({t(language, NUMBER_CHECKED, date=checked)})"
            for number, checked in mission.numbers
        )
        lines.append(f"• {html.escape(mission.name)}: {numbers or t(language, MISSION_NO_NUMBER)}")
    if ask_mfa:
        lines.append(html.escape(ask_mfa, quote=False))
    return "\n".join(lines)


def language_question(preselected: Language) -> Outgoing:
    """The one bilingual message: the person has not chosen a language yet."""
    ordered = sorted(LANGUAGES, key=lambda lang: lang != preselected)
    text = "\n\n".join(t(lang, ASK_LANGUAGE) for lang in ordered)
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if lang == preselected else "") + translate(lang, LANGUAGE_BUTTON),
                callback_data=f"lang:{lang}",
            )
            for lang in ordered
        ]
    ]
    return Outgoing(text, rows)


class Unreachable(Exception):
    """The person blocked the bot or deleted their account: stop sending."""


async def send_all(bot: Bot, chat_id: int, messages: list[Outgoing]) -> list[int]:
    """Send messages in order and return their ids; raise Unreachable if blocked.

    Retries happen below (bot.delivery); a message that still fails is logged and the
    rest are sent anyway, so one broken message does not swallow an escalation notice.
    """
    sent: list[int] = []
    for message in messages:
        try:
            result = await bot.send_message(
                chat_id, message.text, reply_markup=keyboard(message.rows)
            )
        except TelegramForbiddenError as exc:
            raise Unreachable from exc
        except TelegramAPIError as exc:
            log.error("sending a reply failed: %s", type(exc).__name__)
            continue
        sent.append(result.message_id)
    return sent
