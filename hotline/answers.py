"""Answers to a person's question: the content side of a turn, once safety is decided.

`hotline.policy.DialoguePolicy` decides risk and cases first; what is left of a turn (a
topic answer, the menus, feedback, small talk) is answered here, with the same actions
on every channel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final, Protocol

from hotline import options as opt
from hotline import ui_strings as ui
from hotline.i18n import N_
from hotline.metrics import Metrics
from hotline.turns import (
    Action,
    OfferOptions,
    Option,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    ShowMissions,
)
from nlu.catalogue import Language
from nlu.types import ParseResult

log = logging.getLogger(__name__)

# Answers about reaching a Kyrgyz embassy: shown with the missions of the place named.
ANSWERS_WITH_MISSIONS: Final = frozenset({"contacts"})

# What a person is told, in their language; kept here so extraction finds them.
GREETING = N_(
    "Hello! I answer questions about work and life abroad. Choose a topic or write yours."
)
CHOOSE_TOPIC = N_("Choose a topic.")
OUT_OF_SCOPE = N_("I can only help with work, documents and safety abroad. Choose a topic.")
GOODBYE = N_("Take care! Write any time, day or night.")
GLAD = N_("I am glad it helped.")
SORRY = N_("I am sorry. An operator of Hotline 189 can help you in person.")
LANGUAGE_SET = N_("I will answer in this language.")


class HasRelated(Protocol):
    @property
    def related(self) -> Sequence[str]: ...


class AnswerSource(Protocol):
    def answer(self, language: Language, intent: str) -> HasRelated:
        """Return the content answer (`hotline.content.ContentStore`)."""
        ...

    def missions_named(self, text: str) -> tuple[str, ...]:
        """Return the keys of the Kyrgyz missions for the place `text` names, nearest first."""
        ...


class Answers:
    """The actions that answer a topic, an unclear message, small talk or feedback."""

    def __init__(self, content: AnswerSource, metrics: Metrics, confident: float) -> None:
        self.content = content
        self.metrics = metrics
        self.confident = confident

    def is_confident(self, parsed: ParseResult) -> bool:
        return parsed.confidence >= self.confident

    def unsure(self, parsed: ParseResult) -> list[Action]:
        self.metrics.inc("unsure_total")
        likely = [s.intent for s in parsed.ranking if s.intent in opt.TOPICS][:3]
        if not likely:
            return [SayText(ui.NOT_UNDERSTOOD), OfferOptions(opt.top_menu())]
        return [
            SayText(ui.NOT_UNDERSTOOD),
            OfferOptions((*(opt.topic(i) for i in likely), opt.operator())),
        ]

    def conversational(self, intent: str) -> list[Action]:
        if intent == "greet":
            return [SayText(GREETING), OfferOptions(opt.top_menu())]
        if intent == "thanks_goodbye":
            return [SayText(GOODBYE), OfferOptions(opt.top_menu())]
        if intent == "out_of_scope":
            return [SayText(OUT_OF_SCOPE), OfferOptions(opt.top_menu())]
        return []

    def topic(self, language: Language, intent: str, text: str | None = None) -> list[Action]:
        """The answer to a topic, its related topics and "did this help?"."""
        self.metrics.inc("answers_total", intent=intent)
        actions: list[Action] = []
        if intent == "emergency":
            actions.append(ShowEmergencyNumbers())
        if text is not None and intent in ANSWERS_WITH_MISSIONS:
            # «мен Алматыдамын элчиликтин номери»: the missions of that place come first.
            missions = self.content.missions_named(text)
            if missions:
                actions.append(ShowMissions(missions))
        actions.append(ShowAnswer(intent))
        related = tuple(opt.topic(i) for i in self._related(language, intent))
        # Someone reading about exploitation or danger may be living it: keep a human one tap away.
        urgent = intent in ("report_exploitation", "emergency")
        extra: tuple[Option, ...] = (opt.operator(),) if urgent else ()
        actions.append(OfferOptions((*related, *opt.helpful(), *extra), ui.DID_THIS_HELP))
        return actions

    def feedback(self, helped: bool) -> list[Action]:
        self.metrics.inc("helpful_total", answer="yes" if helped else "no")
        if helped:
            return [SayText(GLAD), OfferOptions(opt.top_menu(), CHOOSE_TOPIC)]
        return [SayText(SORRY), OfferOptions((opt.operator(), opt.back_to_menu()))]

    def _related(self, language: Language, intent: str) -> list[str]:
        try:
            related = self.content.answer(language, intent).related
        except LookupError:
            log.warning("no content for intent=%s language=%s", intent, language)
            return []
        return [i for i in related if i in opt.TOPICS][:3]


def other_language(language: Language) -> Language:
    return "ru" if language == "ky" else "ky"


def named_language(text: str) -> Language | None:
    """The language a "please answer in …" message names, if it names one."""
    lowered = text.lower()
    if any(stem in lowered for stem in ("рус", "russ", "orus")):
        return "ru"
    if any(stem in lowered for stem in ("кырг", "кирг", "kyrg", "kirg")):
        return "ky"
    return None
