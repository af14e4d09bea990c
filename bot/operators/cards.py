"""What operators read about a case: the topic name and the case card, in Russian.

Hotline 189 operators read Russian, so operator-facing text is Russian and is not a
gettext string (persons never see it). Personal data in a card (excerpt, recording
link, callback number) is escaped: it must never become markup.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Final

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.operators.hours import BISHKEK
from hotline.cases.store import CaseView
from hotline.escalation import CallbackPreference
from nlu.catalogue import INDICATORS, SITUATIONS

TOPIC_NAME_MAX: Final = 128
CARD_EXCERPT_MAX: Final = 2500  # leaves room for the rest of the card within 4096 characters

# The ILO's eleven indicators of forced labour, as operators say them.
INDICATOR_NAMES: Final[dict[str, str]] = {
    "abuse_of_vulnerability": "злоупотребление уязвимым положением",
    "deception": "обман",
    "restriction_of_movement": "ограничение свободы передвижения",
    "isolation": "изоляция",
    "physical_sexual_violence": "физическое или сексуальное насилие",
    "intimidation_threats": "запугивание и угрозы",
    "retention_of_documents": "удержание документов",
    "withholding_of_wages": "невыплата заработной платы",
    "debt_bondage": "долговая кабала",
    "abusive_conditions": "невыносимые условия труда и проживания",
    "excessive_overtime": "чрезмерная сверхурочная работа",
}
assert set(INDICATOR_NAMES) == set(INDICATORS), "one Russian name per ILO indicator"

# What the person lives through (INTENTS.md's situations), as operators say them.
SITUATION_NAMES: Final[dict[str, str]] = {
    "forced_labour": "принудительный труд",
    "sexual_exploitation": "сексуальная эксплуатация",
    "forced_criminality": "принуждение к преступлениям",
    "child_at_risk": "ребёнок в опасности",
    "domestic_violence": "домашнее насилие",
    "violence": "насилие или угрозы",
    "suicide_risk": "риск самоубийства",
    "medical_emergency": "неотложная медицинская ситуация",
    "missing_person": "пропал человек",
    "stranded": "остался без денег и жилья",
    "labour_rights": "нарушение трудовых прав",
}
assert set(SITUATION_NAMES) == set(SITUATIONS), "one Russian name per situation"

LEVEL_ICONS: Final[dict[str, str]] = {
    "emergency": "🔴",
    "high": "🟠",
    "concern": "🟡",
    "none": "⚪",
}
LEVEL_NAMES: Final[dict[str, str]] = {
    "emergency": "ЭКСТРЕННО: опасность сейчас",
    "high": "ВЫСОКИЙ: признаки принудительного труда",
    "concern": "внимание: трудовые нарушения",
    "none": "без признаков риска",
}
REASONS: Final[dict[str, str]] = {
    "risk": "признаки риска в разговоре",
    "emergency": "экстренная ситуация",
    "ask_operator": "человек попросил оператора",
    "phone_transfer": "звонок переведён на оператора",
    "voicemail": "голосовое сообщение на автоответчике",
    "callback": "просьба перезвонить",
}
CHANNELS: Final[dict[str, str]] = {
    "telegram": "Telegram",
    "phone": "телефон",
    "terminal": "терминал",
}
LANGUAGES: Final[dict[str, str]] = {"ky": "кыргызский", "ru": "русский"}
# Colours Telegram allows for a topic icon; fixed at creation, so they follow the first level.
TOPIC_COLOURS: Final[dict[str, int]] = {"emergency": 0xFB6F5F, "high": 0xFFD67E}
TOPIC_COLOUR_DEFAULT: Final = 0x6FB9F0
CALLBACK_UNSAFE_LINE: Final = (
    "⛔ НЕ ПЕРЕЗВАНИВАТЬ: человек сказал, что звонить ему небезопасно. Номер не сохранён."
)
CALLBACK_NOT_SAID: Final = (
    "⚠️ Безопасно ли перезванивать, человек не сказал: телефон может быть в чужих руках, "
    "начните разговор осторожно."
)
CALLBACK_UNANSWERED_LINE: Final = (
    "📵 Номера для обратного звонка нет: человек не ответил, можно ли ему перезвонить "
    "(промолчал или положил трубку на этом вопросе)."
)
CALLBACK_SAFETY: Final[dict[str, str]] = {
    CallbackPreference.SAFE: "✅ Человек сказал, что перезвонить на этот номер можно.",
}
COMMANDS_HELP: Final = (
    "/claim — взять дело · /note текст — заметка (человеку не уходит) · /close — закрыть. "
    "Всё остальное, что вы напишете в этой теме, получит человек — без вашего имени."
)


class CallbackDone(CallbackData, prefix="cbdone"):
    """The "Callback done" button of a phone case card."""

    case_id: int


def indicator_names(indicators: tuple[str, ...]) -> list[str]:
    return [INDICATOR_NAMES.get(name, name.replace("_", " ")) for name in indicators]


def situation_names(situations: tuple[str, ...]) -> list[str]:
    return [SITUATION_NAMES.get(name, name.replace("_", " ")) for name in situations]


def topic_name(case: CaseView) -> str:
    """E.g. "🔴 #000012 · RU · EMERGENCY"; phone cases say so."""
    icon = LEVEL_ICONS.get(case.level, "⚪")
    phone = " · 📞" if case.channel == "phone" else ""
    name = f"{icon} #{case.number} · {case.language.upper()} · {case.level.upper()}{phone}"
    return name[:TOPIC_NAME_MAX]


def topic_colour(case: CaseView) -> int:
    return TOPIC_COLOURS.get(case.level, TOPIC_COLOUR_DEFAULT)


def waiting_text(case: CaseView, now: datetime) -> str:
    minutes = max(0, int(case.waiting(now).total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    waited = f"{hours} ч {minutes} мин" if hours else f"{minutes} мин"
    opened = case.created_at.astimezone(BISHKEK).strftime("%d.%m %H:%M")
    return f"{waited} (с {opened} по Бишкеку)"


def card_html(case: CaseView, now: datetime) -> str:
    """The case card: why it is urgent first, then who, how and what was said."""
    icon = LEVEL_ICONS.get(case.level, "⚪")
    level = LEVEL_NAMES.get(case.level, case.level)
    lines = [f"{icon} <b>Дело #{case.number}</b> · {html.escape(level)}"]
    names = indicator_names(case.indicators)
    lines.append("<b>Признаки:</b> " + (html.escape("; ".join(names)) if names else "не названы"))
    if case.situations:  # added after the indicators: the card's lines before stay in place
        situations = "; ".join(situation_names(case.situations))
        lines.append(f"<b>Ситуация:</b> {html.escape(situations)}")
    lines.append(f"<b>Причина:</b> {html.escape(REASONS.get(case.reason, case.reason))}")
    channel = CHANNELS.get(case.channel, case.channel)
    language = LANGUAGES.get(case.language, case.language)
    lines.append(f"<b>Канал:</b> {channel} · <b>Язык:</b> {language}")
    lines.append(f"<b>Ждёт:</b> {waiting_text(case, now)}")
    status = {"open": "открыто, никто не взял", "claimed": "взято", "closed": "закрыто"}
    state = status.get(case.status, case.status)
    if case.status == "claimed" and case.claimed_by_name:
        state += f": {html.escape(case.claimed_by_name)}"
    lines.append(f"<b>Статус:</b> {state}")
    if case.recording_url:
        url = html.escape(case.recording_url, quote=True)
        lines.append(f'<b>Запись:</b> <a href="{url}">прослушать</a>')
    lines += callback_lines(case)
    if case.excerpt:
        excerpt = "\n".join(f"— {line}" for line in case.excerpt)
        if len(excerpt) > CARD_EXCERPT_MAX:
            excerpt = "…" + excerpt[-CARD_EXCERPT_MAX:]
        quoted = f"<blockquote>{html.escape(excerpt)}</blockquote>"
        lines.append(f"\n<b>Что писал человек:</b>\n{quoted}")
    if case.channel == "phone":
        lines.append("\nЭто звонок: ответить можно только по телефону.")
    else:
        lines.append(f"\n<i>{html.escape(COMMANDS_HELP)}</i>")
    return "\n".join(lines)


def callback_lines(case: CaseView) -> list[str]:
    """Whether and when the caller may be called back, as they said it, before the number."""
    if case.callback_preference == CallbackPreference.UNSAFE:
        return [f"<b>{CALLBACK_UNSAFE_LINE}</b>"]
    if not case.callback_number:
        # A phone number is kept only when the caller allowed a call back (docs/ivr.md).
        if case.callback_preference == CallbackPreference.UNANSWERED:
            return [CALLBACK_UNANSWERED_LINE]
        return []
    done = " (перезвонили ✅)" if case.callback_done else ""
    number = f"<b>Перезвонить:</b> <code>{html.escape(case.callback_number)}</code>{done}"
    if case.callback_preference == CallbackPreference.WHEN and case.callback_when:
        said = html.escape(case.callback_when)
        return [number, f"🕒 <b>Когда звонить безопасно</b> (со слов человека): «{said}»"]
    return [number, CALLBACK_SAFETY.get(case.callback_preference or "", CALLBACK_NOT_SAID)]


def card_keyboard(case: CaseView) -> InlineKeyboardMarkup | None:
    """Phone cases with a number to call back get a "Callback done" button; never one whose
    caller said a call back is unsafe."""
    if case.callback_preference == CallbackPreference.UNSAFE:
        return None
    if case.callback_number is None or case.callback_done or case.status == "closed":
        return None
    button = InlineKeyboardButton(
        text="✅ Перезвонили", callback_data=CallbackDone(case_id=case.id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
