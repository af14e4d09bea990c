"""Words every channel shows the same way: option labels and the emergency numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Protocol

from hotline.content import AnswerNotFound, Contact
from hotline.content.missions import Missions
from hotline.i18n import N_, translate
from hotline.turns import Option, SayText
from nlu.catalogue import Language

# Russia first: most migrants from Kyrgyzstan work there. 112 works without a SIM card.
EMERGENCY_CONTACTS: Final = (
    "emergency_ru",
    "police_ru",
    "emergency_kz",
    "police_kz",
    "hotline_189",
)
EMERGENCY_HEADER = N_("If you are in danger, call now:")
# Shown under the numbers: the police are not a safe way for everyone, and the Kyrgyz
# hotline number does not work from abroad.
EMERGENCY_OTHER_WAY = N_(
    'If you are abroad or afraid of the police, write "operator" here: '
    "Hotline 189 will help you choose a safe way."
)
CHOOSE = N_("Choose an option.")
# The language question is the one bilingual message: it is shown in both languages.
ASK_LANGUAGE = N_("Hello! I am the assistant of Hotline 189. Which language do you prefer?")
LANGUAGE_BUTTON = N_("In this language")  # translated into each language itself
MISSIONS_HEADER = N_("The Kyrgyz embassy and consulates for the place you named:")
MISSION_NO_NUMBER = N_("we have no checked phone number for it yet")
NUMBER_CHECKED = N_("checked %(date)s")
MISSIONS_ASK_MFA = N_(
    "Where we have no checked number, call the consular department of the Kyrgyz Foreign "
    'Ministry: %(number)s. Or write "operator" here.'
)
# The Foreign Ministry's consular line: the number for a mission without a sourced one.
MFA_CONSULAR: Final = "mfa_consular"


class Titles(Protocol):
    contacts: Mapping[str, Contact]

    def answer(self, language: Language, intent: str) -> _Titled: ...


class MissionBook(Protocol):
    contacts: Mapping[str, Contact]
    missions: Missions


@dataclass(frozen=True, slots=True)
class MissionLine:
    """One mission as shown: its name, and each number with when it was checked."""

    name: str
    numbers: tuple[tuple[str, str], ...]  # (number, checked); empty: none is sourced


class _Titled(Protocol):
    @property
    def title(self) -> str: ...


@lru_cache(maxsize=4096)
def ui_text(language: Language, msgid: str) -> str:
    """`translate` without parameters, memoised: catalogues do not change while running."""
    return translate(language, msgid)


def option_label(option: Option, language: Language, content: Titles) -> str:
    """A content title for "title:<intent>", else the translated msgid."""
    if option.label_key.startswith("title:"):
        intent = option.label_key.removeprefix("title:")
        try:
            return content.answer(language, intent).title
        except AnswerNotFound:
            return intent.replace("_", " ")  # still a working button if an answer is missing
    return ui_text(language, option.label_key)


def emergency_numbers(language: Language, content: Titles) -> list[tuple[str, str]]:
    """(number, what it is) for each emergency contact, in the order to show them."""
    return [
        (contact.number, contact.names[language])
        for key in EMERGENCY_CONTACTS
        if (contact := content.contacts.get(key)) is not None
    ]


def say_text(language: Language, action: SayText, contacts: Mapping[str, Contact]) -> str:
    """A `SayText` in `language`, its number parameters filled in from content/contacts.yml."""
    params: dict[str, object] = dict(action.params)
    for name, key in action.contacts:
        # A contact that is missing is caught by the tests of every safety response; the
        # text is still shown, with the emergency list it always stands under.
        contact = contacts.get(key)
        params[name] = contact.number if contact is not None else "—"
    return (
        translate(language, action.msgid, **params) if params else ui_text(language, action.msgid)
    )


def help_lines(
    language: Language, contacts: Mapping[str, Contact], keys: Sequence[str]
) -> list[tuple[str, str, str]]:
    """(number, what it is, when it was checked) of each helpline; each has a source there."""
    return [
        (contact.number, contact.names[language], contact.checked)
        for key in keys
        if (contact := contacts.get(key)) is not None
    ]


def mission_lines(
    language: Language, content: MissionBook, keys: Sequence[str]
) -> tuple[list[MissionLine], str | None]:
    """The missions to show, and the sentence with the Foreign Ministry's consular line
    when one of them has no sourced number (None when all have one)."""
    lines = []
    for key in keys:
        mission = content.missions.get(key)
        if mission is None:
            continue
        numbers = tuple(
            (contact.number, contact.checked)
            for phone in mission.phones
            if (contact := content.contacts.get(phone)) is not None
        )
        lines.append(MissionLine(mission.names[language], numbers))
    mfa = content.contacts.get(MFA_CONSULAR)
    if mfa is None or all(line.numbers for line in lines):
        return lines, None
    checked = translate(language, NUMBER_CHECKED, date=mfa.checked)
    number = f"{mfa.number} ({checked})"
    return lines, translate(language, MISSIONS_ASK_MFA, number=number)
