"""Short texts about a case: gettext msgids for the person, Russian lines for operators."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Final

from hotline.cases.events import OperatorNotice, PersonNotice
from hotline.content.contacts import Contact
from hotline.i18n import N_

# To the person, in their language.
CLAIMED: Final = N_("An operator of Hotline 189 has taken up your case and will write to you here.")
CLOSED: Final = N_(
    "The operator has closed your case. If you need help again, write here or call Hotline 189."
)
AFTER_HOURS: Final = N_(
    "Operators of Hotline 189 are not at work right now. They will answer you here from "
    "%(when)s (Bishkek time). If you are in danger, call %(emergency)s or %(police)s now."
)
PERSON_MSGIDS: Final = frozenset({CLAIMED, CLOSED, AFTER_HOURS})
# The numbers AFTER_HOURS names, from content/contacts.yml (the same in Russia and Kazakhstan).
DANGER_CONTACTS: Final = {"emergency": "emergency_ru", "police": "police_ru"}


def danger_numbers(contacts: Mapping[str, Contact]) -> dict[str, str]:
    """The %(emergency)s and %(police)s parameters of AFTER_HOURS; KeyError if one is missing."""
    return {param: contacts[key].number for param, key in DANGER_CONTACTS.items()}


# To the operators, in the case's topic. Never personal data: no names, no numbers.
RAISED: Final = "⚠️ Уровень риска повышен: {level}. Ситуация: {situations}. Признаки: {indicators}."
UPDATED: Final = "ℹ️ В деле новые сведения: карточка выше обновлена."
RECORDING: Final = '🎙 Голосовое сообщение: <a href="{url}">прослушать</a>'
CLAIMED_BY: Final = "👤 Дело взял(а): {name}."
NOTE_SAVED: Final = "📝 Заметка сохранена (человеку не отправлена)."
CLOSED_BY: Final = "✅ Дело закрыто: {name}. Человеку сообщено."
# /forget, in the group's main thread (the case's topic is deleted): what went, what stays.
FORGOTTEN_HEAD: Final = "🗑 Дело #{number}: человек удалил свои данные командой /forget."
FORGOTTEN_TOPIC: Final = (
    "тема дела в этом чате со всем, что в ней было: карточка, сообщения человека "
    "и сообщения операторов"
)
FORGOTTEN_NO_TOPIC: Final = "темы у дела не было"
FORGOTTEN_TOPIC_FAILED: Final = (
    "⚠️ Тему дела удалить не удалось ({why}): удалите её вручную, в ней переписка"
)
FORGOTTEN_TRANSCRIPT: Final = (
    "расшифровка в базе: сообщений человека — {person}, ответов операторов — {operator}, "
    "заметок — {notes}"
)
FORGOTTEN_EXCERPT: Final = "выдержка из разговора"
FORGOTTEN_CALLBACK: Final = "номер для обратного звонка и когда звонить"
FORGOTTEN_RECORDING: Final = "голосовое сообщение"
FORGOTTEN_CLAIMED: Final = "имя взявшего дело оператора"
FORGOTTEN_PERSON: Final = "идентификатор человека в Telegram и состояние разговора с ботом"
FORGOTTEN_CHAT: Final = (
    "В чате человека бот удалил все сообщения, которые Telegram позволяет удалить "
    "(за последние 48 часов); если остались более старые, человеку подсказано, как удалить их "
    "самому."
)
FORGOTTEN_KEPT: Final = (
    "Сохранено только для статистики, без личных данных: номер дела, уровень риска, "
    "признаки, ситуации, язык, канал, даты и журнал действий (кто и когда, без содержания)."
)
FORGOTTEN_PLEASE: Final = "Пожалуйста, не храните эту переписку и в других местах."
BLOCKED: Final = "⛔ Сообщение не доставлено: человек заблокировал бота или удалил аккаунт."
NOT_DELIVERED: Final = "⛔ Это сообщение не удалось доставить человеку (Telegram отказал)."
NOT_SHOWN: Final = (
    "⛔ Одно сообщение по делу не удалось показать здесь (Telegram отказал); "
    "оно сохранено в расшифровке дела."
)
UNVERIFIED: Final = (
    "⚠️ Не удалось проверить, что вы в чате операторов (Telegram не ответил). "
    "Ничего не отправлено: повторите, пожалуйста."
)
CALLBACK_DONE: Final = "📞 Отмечено: перезвонили ({name})."
CALLBACK_UNSAFE: Final = (
    "⛔ Не перезванивать: человек сказал, что звонить ему небезопасно (телефон может быть "
    "в чужих руках). Отметка «перезвонили» не поставлена."
)
AFTER_HOURS_SENT: Final = "🌙 Сейчас нерабочее время: человеку сказано, что ответ будет с {when}."
CASE_CLOSED_ALREADY: Final = "Это дело уже закрыто; сообщение человеку не отправлено."
PHONE_CASE: Final = "Это звонок: человеку нельзя написать здесь, только перезвонить."
NO_CASE: Final = "В этой теме нет дела."
UNKNOWN_COMMAND: Final = (
    "Неизвестная команда; человеку она не отправлена. Команды: /claim, /note, /close."
)
NOTE_USAGE: Final = "Напишите текст заметки после команды: /note текст."
NOT_OPERATOR: Final = "Только операторы Hotline 189 могут работать с делами."
BATCH_HEADER: Final = "💬 Несколько сообщений подряд (Telegram ограничивает частоту):"
PERSON_PREFIX: Final = "💬 "
CLOSED_IN_TOPIC: Final = "✅ Дело закрыто."
DEAD_LETTER: Final = (
    "⛔ Одно действие по делу не удалось выполнить после нескольких попыток ({what}); "
    "проверьте дело вручную."
)
CONSOLE_REPLY: Final = "🖥 Ответ из консоли ({name}):\n{text}"

# The core's notices (hotline.cases.events), as operators read them.
OPERATOR_TEXTS: Final[dict[OperatorNotice, str]] = {
    OperatorNotice.RAISED: RAISED,
    OperatorNotice.UPDATED: UPDATED,
    OperatorNotice.RECORDING: RECORDING,
    OperatorNotice.CLAIMED_BY: CLAIMED_BY,
    OperatorNotice.NOTE_SAVED: NOTE_SAVED,
    OperatorNotice.NOTE_USAGE: NOTE_USAGE,
    OperatorNotice.CLOSED: CLOSED_IN_TOPIC,
    OperatorNotice.CALLBACK_DONE: CALLBACK_DONE,
    OperatorNotice.CALLBACK_UNSAFE: CALLBACK_UNSAFE,
    OperatorNotice.AFTER_HOURS_SENT: AFTER_HOURS_SENT,
    OperatorNotice.CASE_CLOSED_ALREADY: CASE_CLOSED_ALREADY,
    OperatorNotice.PHONE_CASE: PHONE_CASE,
    OperatorNotice.UNKNOWN_COMMAND: UNKNOWN_COMMAND,
    OperatorNotice.UNVERIFIED: UNVERIFIED,
    OperatorNotice.BLOCKED: BLOCKED,
    OperatorNotice.NOT_DELIVERED: NOT_DELIVERED,
    OperatorNotice.NOT_SHOWN: NOT_SHOWN,
    OperatorNotice.DEAD_LETTER: DEAD_LETTER,
}
assert set(OPERATOR_TEXTS) == set(OperatorNotice), "one text per operator notice"

# The core's person notices, as gettext msgids.
PERSON_TEXTS: Final[dict[PersonNotice, str]] = {
    PersonNotice.CLAIMED: CLAIMED,
    PersonNotice.CLOSED: CLOSED,
    PersonNotice.AFTER_HOURS: AFTER_HOURS,
}
assert set(PERSON_TEXTS) == set(PersonNotice), "one msgid per person notice"


def operator_text(kind: OperatorNotice, params: Mapping[str, object]) -> str:
    """A notice for the topic (HTML): parameters are escaped, never markup."""
    escaped = {key: html.escape(str(value)) for key, value in params.items()}
    try:
        return OPERATOR_TEXTS[kind].format(**escaped)
    except KeyError:  # a parameter missing from an old queued item
        return OPERATOR_TEXTS[kind].split("{", 1)[0].strip()


def forgotten(number: str, erased: Mapping[str, object], topic_failure: str | None) -> str:
    """What /forget erased of one case, said exactly (HTML); `erased` is the FORGOTTEN
    item's payload (counts and flags only). `topic_failure`: why the topic could not be
    deleted, or None when it was (or there was none)."""
    parts: list[str] = []
    if topic_failure is None:
        parts.append(FORGOTTEN_TOPIC if erased.get("topic_id") else FORGOTTEN_NO_TOPIC)
    counts = {key: int(str(erased.get(key, 0))) for key in ("person", "operator", "note")}
    parts.append(
        FORGOTTEN_TRANSCRIPT.format(
            person=counts["person"], operator=counts["operator"], notes=counts["note"]
        )
    )
    flags = (
        ("excerpt", FORGOTTEN_EXCERPT),
        ("callback", FORGOTTEN_CALLBACK),
        ("recording", FORGOTTEN_RECORDING),
        ("claimed", FORGOTTEN_CLAIMED),
    )
    parts += [text for key, text in flags if erased.get(key)]
    parts.append(FORGOTTEN_PERSON)
    lines = [FORGOTTEN_HEAD.format(number=html.escape(number)), "Стёрто: " + "; ".join(parts) + "."]
    if topic_failure is not None:
        lines.append(FORGOTTEN_TOPIC_FAILED.format(why=html.escape(topic_failure)) + ".")
    lines += [FORGOTTEN_CHAT, FORGOTTEN_KEPT, FORGOTTEN_PLEASE]
    return "\n".join(lines)


def operator_console_reply(name: str, text: str) -> str:
    return CONSOLE_REPLY.format(name=html.escape(name), text=html.escape(text))
