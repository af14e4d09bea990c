"""The keypad menus: which key leads where. The only decisions the phone makes itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, get_args

from hotline.options import GROUPS

MenuName = Literal["main", "work", "documents", "trafficking", "police", "family"]
MENU_NAMES: Final[tuple[MenuName, ...]] = get_args(MenuName)

OPERATOR_KEY: Final = "0"  # at every menu, the language menu included
BACK_KEY: Final = "*"
REPEAT_KEY: Final = "9"
# At most 7 options, then "0 operator, * back": a caller keeps no more in mind (and 9 repeats).
MAX_MENU_KEYS: Final = 7
LANGUAGE_KEYS: Final = {"1": "ky", "2": "ru"}
# A caller keeps no more than two phone numbers in mind at once: an answer with more reads
# two in its summary and offers the rest behind MORE_KEY (a prompt of ivr.yml).
MORE_KEY: Final = "1"
MORE_NUMBERS: Final[Mapping[str, str]] = {"contacts": "contacts_more"}


@dataclass(frozen=True, slots=True)
class Submenu:
    name: MenuName


@dataclass(frozen=True, slots=True)
class Topic:
    intent: str  # asked of the dialogue policy as the option "intent:<name>"


@dataclass(frozen=True, slots=True)
class HelpNow:
    """Emergency numbers, an emergency escalation and a transfer, without asking the policy."""


@dataclass(frozen=True, slots=True)
class ReportNow:
    """ "This is happening to me": a short answer, then a human, reported as high risk."""

    intent: str = "report_exploitation"


Entry = Submenu | Topic | HelpNow | ReportNow


@dataclass(frozen=True, slots=True)
class Menu:
    prompt: str  # a prompt name in content/<lang>/ivr.yml
    parent: MenuName | None  # None: `*` goes back to the language menu
    keys: Mapping[str, Entry]


def _topics(*intents: str) -> dict[str, Entry]:
    if len(intents) > MAX_MENU_KEYS:
        raise ValueError(f"a phone menu offers at most {MAX_MENU_KEYS} keys: split the group")
    # A caller who presses the report key says it is happening to them: a high-risk report,
    # which goes to a human at once (INTENTS.md), after the short safety answer.
    return {
        str(key): ReportNow(intent) if intent == "report_exploitation" else Topic(intent)
        for key, intent in enumerate(intents, start=1)
    }


# Grouped as a caller thinks of their problem; the most asked topic of each group first.
# Keys 1-7 only: 9 repeats, 0 is the operator and * goes back everywhere.
MENUS: Final[Mapping[MenuName, Menu]] = {
    "main": Menu(
        "main_menu",
        None,
        {
            "1": Submenu("work"),
            "2": Submenu("documents"),
            "3": Submenu("trafficking"),
            "4": Topic("contacts"),
            "5": HelpNow(),
            # Added after the first five so that their keys stay as callers learnt them.
            "6": Submenu("police"),
            "7": Submenu("family"),
        },
    ),
    # The topic groups are the bot's (hotline.options.GROUPS), so both channels feel the same.
    "work": Menu("menu_work", "main", _topics(*GROUPS["work"][1])),
    "documents": Menu("menu_documents", "main", _topics(*GROUPS["documents"][1])),
    "trafficking": Menu("menu_trafficking", "main", _topics(*GROUPS["trafficking"][1])),
    "police": Menu("menu_police", "main", _topics(*GROUPS["police"][1])),
    "family": Menu("menu_family", "main", _topics(*GROUPS["family"][1])),
}


def menu_topics() -> tuple[str, ...]:
    """Every intent a key leads to, in menu order."""
    return tuple(
        entry.intent
        for menu in MENUS.values()
        for entry in menu.keys.values()
        if isinstance(entry, Topic | ReportNow)
    )
