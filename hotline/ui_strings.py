"""UI strings that both channels need, marked here so that `make i18n-update` extracts them.

Each constant is a gettext msgid (English source text); show it with
`hotline.i18n.translate(language, MSGID)`.
"""

from __future__ import annotations

from typing import Final

from hotline.i18n import N_, translate_plural
from nlu.catalogue import Language

CHOOSE_LANGUAGE: Final = N_("Choose your language")
SWITCH_TO_KYRGYZ: Final = N_("Switch to Kyrgyz")
SWITCH_TO_RUSSIAN: Final = N_("Switch to Russian")

# The main menu's topic groups.
MENU_WORK_RIGHTS: Final = N_("Work rights")
MENU_REGISTRATION_DOCUMENTS: Final = N_("Registration and documents")
MENU_JOBS_ABROAD_TRAFFICKING: Final = N_("Jobs abroad and trafficking")
MENU_POLICE_RETURN: Final = N_("Document checks, deportation, going home")
MENU_FAMILY_SAFETY: Final = N_("Family, health and safety")
MENU_CONTACTS: Final = N_("Contacts")
MENU_HELP_NOW: Final = N_("I need help now")

TALK_TO_OPERATOR: Final = N_("Talk to an operator")
BACK: Final = N_("Back")
REPEAT: Final = N_("Repeat")
OTHER_TOPICS: Final = N_("Other topics")
DID_THIS_HELP: Final = N_("Did this help?")
YES: Final = N_("Yes")
NO: Final = N_("No")

NOT_UNDERSTOOD: Final = N_("I did not understand. Here are the closest topics:")
OPERATOR_WILL_REPLY: Final = N_(
    "An operator will reply here as soon as possible. Please keep this chat open."
)
DATA_ERASED: Final = N_("Your data has been erased.")
TEXT_ONLY: Final = N_("Please write your question in text.")
TOO_MANY_MESSAGES: Final = N_(
    "You are writing very fast. I read every message; I will answer when you pause."
)


def new_messages(language: Language, count: int) -> str:
    """Say how many new messages there are, e.g. for an operator's unread counter."""
    return translate_plural(language, "%(num)d new message", "%(num)d new messages", count)
