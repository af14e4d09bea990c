"""The interface through which the dialogue core hands a person to Hotline 189 operators.

`RecordingEscalator` only records requests in memory (the terminal chat, tests); the case
service (`hotline.cases.service.CaseService`) makes them durable cases with a relay.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from hotline.turns import Channel
from nlu.catalogue import Language, RiskLevel, risk_rank


class CallbackPreference(StrEnum):
    """What a caller said about being called back: the phone may be in someone else's hands."""

    SAFE = "safe"  # 1: yes, call me back on this number
    UNSAFE = "unsafe"  # 2: do not call (the number is then not kept)
    WHEN = "when"  # they said when it is safe (`callback_when`)
    UNANSWERED = "unanswered"  # asked, and no answer came


@dataclass(frozen=True, slots=True)
class EscalationRequest:
    user_key: str
    channel: Channel
    language: Language
    level: RiskLevel
    indicators: tuple[str, ...]
    reason: str  # "risk", "ask_operator", "emergency", "phone_transfer", "voicemail", "callback"
    intent: str | None = None
    excerpt: tuple[str, ...] = ()  # the person's recent messages that led here, oldest first
    recording_url: str | None = None
    callback_number: str | None = None  # phone cases only; encrypted at rest by the case store
    callback_preference: CallbackPreference | None = None  # None: not asked (yet)
    callback_when: str | None = None  # what the caller said about when; encrypted at rest
    # The person's situations (INTENTS.md), most serious first: anonymous labels, kept for
    # the statistics like the level.
    situations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseRef:
    number: str
    level: RiskLevel
    is_new: bool = True
    # An operator has claimed the case or written to the person: from then on the
    # assistant stays quiet but for emergency numbers (ARCHITECTURE.md, operators).
    taken: bool = False


class Escalator(Protocol):
    async def escalate(self, request: EscalationRequest) -> CaseRef:
        """Open a case, or raise the priority of the person's open case, and return it."""
        ...

    async def open_case(self, user_key: str) -> CaseRef | None:
        """Return the person's open case, if any."""
        ...

    async def forget(self, user_key: str) -> object:
        """Close the person's open case and erase what is stored about them."""
        ...

    async def relay_from_person(self, user_key: str, text: str) -> object:
        """Pass a message the person wrote while their case is open on to its operator."""
        ...


@dataclass
class RecordingEscalator:
    """Keeps escalation requests in memory: for `hotline chat` and tests."""

    requests: list[EscalationRequest] = field(default_factory=list)
    relayed: list[tuple[str, str]] = field(default_factory=list)  # (user_key, text)
    _open: dict[str, CaseRef] = field(default_factory=dict)
    _issued: int = 0  # case numbers are never reused, even after a case closes

    async def escalate(self, request: EscalationRequest) -> CaseRef:
        self.requests.append(request)
        existing = self._open.get(request.user_key)
        if existing is None:
            self._issued += 1
            number, level = f"{self._issued:06d}", request.level
        else:
            # A later request only ever raises the priority of an open case.
            number = existing.number
            level = max(existing.level, request.level, key=risk_rank)
        taken = existing is not None and existing.taken
        ref = CaseRef(number=number, level=level, is_new=existing is None, taken=taken)
        self._open[request.user_key] = ref
        return ref

    async def open_case(self, user_key: str) -> CaseRef | None:
        return self._open.get(user_key)

    async def forget(self, user_key: str) -> None:
        self._open.pop(user_key, None)
        self.requests = [r for r in self.requests if r.user_key != user_key]
        self.relayed = [r for r in self.relayed if r[0] != user_key]

    async def relay_from_person(self, user_key: str, text: str) -> None:
        self.relayed.append((user_key, text))

    def take_case(self, user_key: str) -> None:
        """Stand in for an operator's `/claim` or first reply (tests and `hotline chat`)."""
        ref = self._open.get(user_key)
        if ref is not None:
            self._open[user_key] = replace(ref, taken=True)

    def close_case(self, user_key: str) -> None:
        """Stand in for an operator's `/close` (tests and `hotline chat`)."""
        self._open.pop(user_key, None)
