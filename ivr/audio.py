"""Recorded prompts: where the phone finds them, and serving them to Twilio.

Twilio has no Kyrgyz voice, so every Kyrgyz prompt and answer summary is played from a file
shipped in content/ky/audio/ (placeholders rendered by `hotline voice build`, or studio
recordings under the same names). A file's name carries a hash of its text, so a changed
text needs a new file and a stale recording is never played for it.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler

from hotline.content.recordings import answer_key, recording_name, recordings_dir
from nlu.catalogue import LANGUAGES, Language

log = logging.getLogger(__name__)

__all__ = ["CACHE_CONTROL", "AudioLibrary", "answer_key", "audio_file_name", "audio_handler"]

CACHE_CONTROL: Final = "public, max-age=86400"
_FILE_RE: Final = re.compile(r"^[a-z0-9_]+-[0-9a-f]{10}\.wav$")
_MISSING_RECHECK_SECONDS: Final = 30.0

audio_file_name = recording_name  # the name the phone asks for: <key>-<sha256(text)[:10]>.wav


@dataclass
class AudioLibrary:
    """Finds the recording of a text in content/<lang>/audio/."""

    content_dir: Path
    _found: dict[tuple[Language, str], Path] = field(default_factory=dict)
    _missing: dict[tuple[Language, str], float] = field(default_factory=dict)

    def directory(self, language: Language) -> Path:
        return recordings_dir(self.content_dir, language)

    def path(self, language: Language, name: str) -> Path:
        return self.directory(language) / name

    def find(self, language: Language, name: str) -> Path | None:
        """Return the file for `name`, or None; results are cached, misses for a while."""
        key = (language, name)
        found = self._found.get(key)
        if found is not None:
            return found
        missed = self._missing.get(key)
        if missed is not None and time.monotonic() - missed < _MISSING_RECHECK_SECONDS:
            return None
        path = self.path(language, name)
        if path.is_file():
            self._found[key] = path
            self._missing.pop(key, None)
            return path
        self._missing[key] = time.monotonic()
        return None

    def forget(self) -> None:
        """Drop cached lookups, after a build."""
        self._found.clear()
        self._missing.clear()


def audio_handler(library: AudioLibrary) -> Handler:
    """GET /ivr/audio/{lang}/{name}: Twilio fetches <Play> files without a signature.

    aiohttp's FileResponse sends an ETag and Last-Modified and answers conditional
    requests with 304; Cache-Control lets Twilio's media cache keep the file a day.
    """

    async def serve_audio(request: web.Request) -> web.StreamResponse:
        language = next((lang for lang in LANGUAGES if lang == request.match_info["lang"]), None)
        name = request.match_info["name"]
        if language is None or not _FILE_RE.match(name):
            raise web.HTTPNotFound()
        path = library.find(language, name)
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(
            path, headers={"Cache-Control": CACHE_CONTROL, "Content-Type": "audio/wav"}
        )

    return serve_audio
