"""Channel-neutral turn in, reply actions out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from nlu.catalogue import Language, RiskLevel

Channel = Literal["telegram", "phone", "terminal"]


@dataclass(frozen=True, slots=True)
class Turn:
    """What one person did once: typed or said `text`, or chose `option`."""

    user_key: str  # opaque: a Telegram user id or a salted hash of a phone number
    channel: Channel
    text: str | None = None
    option: str | None = None  # an option id previously offered (see `Option.id`)
    language_hint: Language | None = None  # e.g. Telegram's language_code or the IVR menu


@dataclass(frozen=True, slots=True)
class Option:
    """Something the person can pick: a button on Telegram, a key on the phone."""

    id: str  # e.g. "intent:registration_russia", "lang:ky", "operator", "helpful:yes"
    label_key: str  # a gettext msgid, or "title:<intent>" for a content title


# Actions, in the order a channel should render them.


@dataclass(frozen=True, slots=True)
class ShowAnswer:
    intent: str  # content id: content/<lang>/<intent>.md


@dataclass(frozen=True, slots=True)
class SayText:
    msgid: str  # gettext msgid, rendered in the reply language
    params: tuple[tuple[str, str], ...] = ()
    # Parameters that are phone numbers: (parameter, key of content/contacts.yml), filled in
    # from the contacts when the text is shown, so that no number is ever written in code.
    contacts: tuple[tuple[str, str], ...] = ()
    # What the phone says instead (a prompt of ivr.yml); None: the phone says nothing of it.
    prompt: str | None = None


@dataclass(frozen=True, slots=True)
class OfferOptions:
    options: tuple[Option, ...]
    prompt_msgid: str | None = None


@dataclass(frozen=True, slots=True)
class AskLanguage:
    pass


@dataclass(frozen=True, slots=True)
class ShowEmergencyNumbers:
    pass


@dataclass(frozen=True, slots=True)
class ShowHelpLines:
    """Helplines from content/contacts.yml (each with its source there), after a header."""

    keys: tuple[str, ...]  # contact keys
    prompt: str | None = None  # what the phone says instead (a prompt of ivr.yml)


@dataclass(frozen=True, slots=True)
class ShowMissions:
    """The Kyrgyz embassy and consulates of the place the person named, nearest first."""

    keys: tuple[str, ...]  # mission keys of content/contacts.yml


@dataclass(frozen=True, slots=True)
class Escalate:
    """Open a case or raise the person's open one.

    The policy decides it (without `case_number`); `hotline.case_actions` applies it
    through the case service and fills in `case_number`, followed by `next_msgid` said
    with the number. A channel only ever sees applied ones.
    """

    level: RiskLevel
    indicators: tuple[str, ...]
    reason: str  # "risk", "ask_operator", "emergency", "phone_transfer", "voicemail"
    case_number: str | None = None
    intent: str | None = None
    excerpt: tuple[str, ...] = ()  # the person's recent messages, oldest first
    next_msgid: str | None = None  # what the person is told once the case exists
    situations: tuple[str, ...] = ()  # INTENTS.md's situations, most serious first


@dataclass(frozen=True, slots=True)
class EscalationFailed:
    """The case could not be opened just now (it is kept and opened later): a channel that
    can reach a human otherwise (the phone) does so."""

    level: RiskLevel


@dataclass(frozen=True, slots=True)
class RelayToCase:
    """Pass what the person wrote to their open case's operator (nothing if none is open)."""

    text: str


@dataclass(frozen=True, slots=True)
class PauseForOperator:
    """An operator has taken the case: the bot stays quiet (but for emergency numbers)."""

    case_number: str | None = None


@dataclass(frozen=True, slots=True)
class AnsweredWhileWaiting:
    """A case is open and no operator has taken it yet: the assistant still answers, and
    every message of this reply is marked as an automatic answer."""

    case_number: str


Action = (
    ShowAnswer
    | SayText
    | OfferOptions
    | AskLanguage
    | ShowEmergencyNumbers
    | ShowMissions
    | ShowHelpLines
    | Escalate
    | EscalationFailed
    | RelayToCase
    | PauseForOperator
    | AnsweredWhileWaiting
)


@dataclass(frozen=True, slots=True)
class Reply:
    language: Language
    actions: tuple[Action, ...] = field(default=())
    switched_language: bool = False  # the conversation just switched to `language`
