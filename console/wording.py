"""Words the console shows for the core's codes, as gettext msgids (Russian and Kyrgyz)."""

from __future__ import annotations

from typing import Final

from hotline.escalation import CallbackPreference
from hotline.i18n import N_
from nlu.catalogue import INDICATORS, SITUATIONS

LEVELS: Final = {
    "emergency": N_("Emergency"),
    "high": N_("High risk"),
    "concern": N_("Concern"),
    "none": N_("No risk signs"),
}
INDICATOR_WORDS: Final = {
    "abuse_of_vulnerability": N_("abuse of vulnerability"),
    "deception": N_("deception"),
    "restriction_of_movement": N_("restriction of movement"),
    "isolation": N_("isolation"),
    "physical_sexual_violence": N_("physical or sexual violence"),
    "intimidation_threats": N_("intimidation and threats"),
    "retention_of_documents": N_("retention of identity documents"),
    "withholding_of_wages": N_("withholding of wages"),
    "debt_bondage": N_("debt bondage"),
    "abusive_conditions": N_("abusive working and living conditions"),
    "excessive_overtime": N_("excessive overtime"),
}
assert set(INDICATOR_WORDS) == set(INDICATORS), "words for every ILO indicator"
# What the person lives through (INTENTS.md's Situations): named rightly, never as forced
# labour when it is domestic violence.
SITUATION_WORDS: Final = {
    "forced_labour": N_("forced labour"),
    "sexual_exploitation": N_("sexual exploitation"),
    "forced_criminality": N_("forced into crime"),
    "child_at_risk": N_("a child at risk"),
    "domestic_violence": N_("domestic violence"),
    "violence": N_("violence or threats"),
    "suicide_risk": N_("risk of suicide"),
    "medical_emergency": N_("medical emergency"),
    "missing_person": N_("a missing person"),
    "stranded": N_("stranded without money or shelter"),
    "labour_rights": N_("labour rights violated"),
}
assert set(SITUATION_WORDS) == set(SITUATIONS), "words for every situation"
# What a caller said about being called back (`CallbackPreference`); None: not asked.
CALLBACK_ANSWERS: Final = {
    CallbackPreference.SAFE.value: N_("yes, call back"),
    CallbackPreference.UNSAFE.value: N_("do not call"),
    CallbackPreference.WHEN.value: N_("call at: %(when)s"),
    CallbackPreference.UNANSWERED.value: N_("did not answer whether a call back is safe"),
}
REASONS: Final = {
    "risk": N_("risk signs in the conversation"),
    "emergency": N_("an emergency"),
    "ask_operator": N_("the person asked for an operator"),
    "phone_transfer": N_("a call put through to an operator"),
    "voicemail": N_("a voicemail message"),
    "callback": N_("asked to be called back"),
}
CHANNELS: Final = {"telegram": N_("Telegram"), "phone": N_("Phone"), "terminal": N_("Terminal")}
LANGUAGES: Final = {"ky": N_("Kyrgyz"), "ru": N_("Russian")}
STATUSES: Final = {"open": N_("waiting"), "claimed": N_("claimed"), "closed": N_("closed")}
DIRECTIONS: Final = {"person": N_("Person"), "operator": N_("Operator"), "note": N_("Note")}
ACTIONS: Final = {
    "opened": N_("case opened"),
    "raised": N_("risk level raised"),
    "updated": N_("case updated"),
    "claimed": N_("claimed"),
    "note": N_("note written"),
    "replied": N_("replied to the person"),
    "closed": N_("closed"),
    "callback_done": N_("called back"),
    "callback_refused": N_("call back refused: the caller said not to call"),
    "viewed_callback": N_("saw the caller's answer about a call back"),
    "forgotten": N_("the person erased their data"),
    "purged": N_("retention purge"),
    "viewed": N_("viewed the case"),
    "listened": N_("listened to the voicemail"),
    "exported_stats": N_("exported the numbers"),
    "login": N_("signed in"),
    "login_failed": N_("failed sign-in"),
    "locked": N_("account locked"),
    "logout": N_("signed out"),
    "password_changed": N_("changed the password"),
    "password_change_failed": N_("failed password change"),
    "account_created": N_("account created"),
    "account_disabled": N_("account disabled"),
    "account_enabled": N_("account enabled"),
    "account_unlocked": N_("account unlocked"),
}
# Outcomes of an action, as the operator is told (hotline.cases.views.Outcome values).
OUTCOMES: Final = {
    "done": N_("Done."),
    "no_case": N_("This case no longer exists."),
    "case_closed": N_("This case is closed already; nothing was sent."),
    "phone_case": N_("This is a phone case: the person can only be called back."),
    "empty": N_("Write the text first."),
    "callback_unsafe": N_("The caller said a call back is not safe: nobody may call."),
}
