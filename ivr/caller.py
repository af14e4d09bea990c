"""Who is calling, as the phone line may know it: a salted hash, never the number."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

# What carriers and Twilio put in `From` when the number is withheld.
_WITHHELD: Final = frozenset(
    {
        "anonymous",
        "restricted",
        "unknown",
        "private",
        "unavailable",
        "+266696687",
        "+7378742833",
        "+2562533",
        "+86282452253",
        "+8656696687",
    }
)
_NUMBER_RE: Final = re.compile(r"^\+?[0-9]{5,15}$")


@dataclass(frozen=True, slots=True)
class Caller:
    call_sid: str
    key: str  # the Turn's user_key: "phone:" and an HMAC-SHA256 of the number
    # Passed to the Escalator for a callback and nowhere else; kept out of repr and logs.
    callback_number: str | None = field(default=None, repr=False)


def caller_key(number: str, salt: str) -> str:
    """HMAC-SHA256 of the number with the configured salt: the same caller, the same key."""
    digest = hmac.new(salt.encode("utf-8"), number.encode("utf-8"), hashlib.sha256)
    return f"phone:{digest.hexdigest()}"


def caller_from_form(form: Mapping[str, str], salt: str) -> Caller:
    """Read CallSid and From from Twilio's POST; a withheld number gets a key for this call only."""
    call_sid = form.get("CallSid", "").strip() or "unknown-call"
    number = re.sub(r"[\s\-().]", "", form.get("From", ""))
    if number.lower() in _WITHHELD or not _NUMBER_RE.match(number):
        return Caller(call_sid, caller_key(f"call:{call_sid}", salt))
    return Caller(call_sid, caller_key(number, salt), number)
