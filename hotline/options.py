"""Option ids the core offers and accepts, and the topic groups of the menu.

Option ids (a button's callback data on Telegram, mapped to keys on the phone):

| id | meaning |
|---|---|
| `intent:<name>` | show the answer for a content intent |
| `menu` | the top menu of topic groups |
| `menu:<group>` | the topics of one group (`GROUPS`) |
| `lang:ky`, `lang:ru` | answer in Kyrgyz / Russian from now on |
| `language` | ask which language to use |
| `operator` | talk to a Hotline 189 operator |
| `helpful:yes`, `helpful:no` | feedback on the last answer |

Every id is ASCII and at most 64 bytes, Telegram's limit for callback data.
"""

from __future__ import annotations

from typing import Final

from hotline import ui_strings as ui
from hotline.turns import Option
from nlu.catalogue import INTENTS, Language

OPERATOR: Final = "operator"
MENU: Final = "menu"
LANGUAGE: Final = "language"
HELPFUL_YES: Final = "helpful:yes"
HELPFUL_NO: Final = "helpful:no"

# Intents that are conversation moves rather than topics with a useful answer to show.
CONVERSATIONAL: Final = frozenset(
    {"ask_operator", "greet", "thanks_goodbye", "change_language", "out_of_scope"}
)
TOPICS: Final = tuple(i for i in INTENTS if i not in CONVERSATIONAL)

# The menu of both channels: the bot's buttons and the phone's keys (ivr/menus.py) come from
# here. The recorded phone prompts (content/*/ivr.yml) name the keys in this order:
# reorder both together. A phone menu offers at most 7 keys (ivr.menus.MAX_MENU_KEYS), so no
# group holds more than 7 topics; docs/ivr.md says where each topic is.
GROUPS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "work": (
        ui.MENU_WORK_RIGHTS,
        (
            "wages_unpaid",
            "employment_contract",
            "work_permit",
            "workplace_injury",
            "taxes",
            "pension",
            "diploma_recognition",
        ),
    ),
    "documents": (
        ui.MENU_REGISTRATION_DOCUMENTS,
        (
            "registration_russia",
            "registration_kazakhstan",
            "medical_exam_fingerprinting",
            "stay_duration",
            "lost_documents",
            "entry_ban",
            "consular_registration",
        ),
    ),
    "trafficking": (
        ui.MENU_JOBS_ABROAD_TRAFFICKING,
        ("trafficking_signs", "job_offer_check", "report_exploitation", "work_outside_eaeu"),
    ),
    "police": (
        ui.MENU_POLICE_RETURN,
        ("police_stop", "deportation", "controlled_persons_register", "return_home"),
    ),
    "family": (
        ui.MENU_FAMILY_SAFETY,
        (
            "family_documents",
            "medical_care",
            "children_education",
            "violence_support",
            "remittances",
        ),
    ),
}


def topic(intent: str) -> Option:
    """A button for a content answer, labelled with the answer's title."""
    return Option(f"intent:{intent}", f"title:{intent}")


def operator() -> Option:
    return Option(OPERATOR, ui.TALK_TO_OPERATOR)


def language(lang: Language) -> Option:
    """Offer to continue in `lang` (after the conversation switched away from it)."""
    label = ui.SWITCH_TO_KYRGYZ if lang == "ky" else ui.SWITCH_TO_RUSSIAN
    return Option(f"lang:{lang}", label)


def top_menu() -> tuple[Option, ...]:
    groups = tuple(Option(f"menu:{name}", label) for name, (label, _) in GROUPS.items())
    return (
        *groups,
        Option("intent:contacts", ui.MENU_CONTACTS),
        Option("intent:emergency", ui.MENU_HELP_NOW),
        operator(),
    )


def group_menu(name: str) -> tuple[Option, ...]:
    _, intents = GROUPS[name]
    return (*(topic(i) for i in intents), back_to_menu())


def back_to_menu() -> Option:
    return Option(MENU, ui.OTHER_TOPICS)


def helpful() -> tuple[Option, ...]:
    return (Option(HELPFUL_YES, ui.YES), Option(HELPFUL_NO, ui.NO))


def split(option_id: str) -> tuple[str, str]:
    """Split an option id into its kind and argument: "intent:x" -> ("intent", "x")."""
    kind, _, argument = option_id.partition(":")
    return kind, argument
