"""TwiML rendering: prompts and answers spoken or played, links to the next step."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

from aiohttp import web
from twilio.twiml.voice_response import Gather, VoiceResponse

from ivr.audio import AudioLibrary, audio_file_name
from ivr.prompts import PromptBook
from nlu.catalogue import Language

log = logging.getLogger(__name__)

TWIML_CONTENT_TYPE: Final = "text/xml"


def render_twiml(response: VoiceResponse | str) -> web.Response:
    """Answer Twilio with the TwiML document (built, or already rendered to text)."""
    return web.Response(text=str(response), content_type=TWIML_CONTENT_TYPE, charset="utf-8")


@dataclass
class TwimlCache:
    """Rendered TwiML of the steps that depend only on their URL: menus and answers.

    Entries expire after `ttl_seconds`, as long as the audio library remembers a missing
    recording, so files from a new `hotline voice build` are played within that time.
    """

    ttl_seconds: float = 30.0
    max_entries: int = 4096
    _entries: dict[tuple[str, ...], tuple[float, str]] = field(default_factory=dict)

    def get(self, key: tuple[str, ...], build: Callable[[], VoiceResponse]) -> str:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        text = str(build())
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (now + self.ttl_seconds, text)
        return text

    def clear(self) -> None:
        self._entries.clear()


@dataclass(frozen=True, slots=True)
class Links:
    """Absolute URLs under HOTLINE_PUBLIC_BASE_URL, exactly as Twilio will request and sign them."""

    base_url: str

    def route(self, name: str, **params: str) -> str:
        query = urlencode({k: v for k, v in params.items() if v})
        return f"{self.base_url.rstrip('/')}/ivr/{name}" + (f"?{query}" if query else "")

    def audio(self, language: Language, file_name: str) -> str:
        return f"{self.base_url.rstrip('/')}/ivr/audio/{language}/{file_name}"


@dataclass
class Speaker:
    """Puts a text in the caller's language into TwiML: a recording if there is one, else <Say>."""

    prompts: PromptBook
    library: AudioLibrary
    links: Links
    voice_ru: str
    language_ru: str = "ru-RU"
    _warned: set[str] = field(default_factory=set)

    def prompt(self, target: Any, language: Language, name: str) -> None:
        self.text(target, language, name, self.prompts.text(language, name))

    def text(self, target: Any, language: Language, key: str, text: str) -> None:
        """Add `text` to `target` (a VoiceResponse or a Gather) as <Play> or <Say>."""
        file_name = audio_file_name(key, text)
        if self.library.find(language, file_name) is not None:
            target.play(self.links.audio(language, file_name))
            return
        if language == "ky" and key not in self._warned:
            self._warned.add(key)
            # No Kyrgyz voice at Twilio: a Russian voice reading the Cyrillic text is
            # poor, but far better than silence until `hotline voice build` has run.
            log.warning("no Kyrgyz recording for %s; run `hotline voice build`", key)
        target.say(text, voice=self.voice_ru, language=self.language_ru)


def gather(
    response: VoiceResponse,
    action: str,
    *,
    speech_language: str | None = None,
    hints: str = "",
    timeout: int = 6,
) -> Gather:
    """A one-key <Gather> posting to `action`, also on silence; speech too given a language."""
    options: dict[str, Any] = {
        "action": action,
        "method": "POST",
        "num_digits": 1,
        "timeout": timeout,
        "action_on_empty_result": True,
    }
    if speech_language:
        options.update(input="dtmf speech", language=speech_language, speech_timeout="auto")
        options["hints"] = hints or None
    else:
        options["input"] = "dtmf"
    result: Gather = response.gather(**{k: v for k, v in options.items() if v is not None})
    return result
