"""Recorded prompts: where the phone finds them, and serving them to Twilio.

Twilio has no Kyrgyz voice, so every Kyrgyz prompt and answer summary is played from a file
shipped in content/ky/audio/ (placeholders rendered by `hotline voice build`, or studio
recordings under the same names). A file's name carries a hash of its text, so a changed
text needs a new file and a stale recording is never played for it.

The audio route is the one route Twilio fetches without a signature, so anyone may ask it
anything: only names `recording_name` can make reach the handler (404 otherwise, before any
handler runs), only a regular file directly in the folder is served (never a symlink), and
the names remembered as missing are bounded.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler

from hotline.content.recordings import MAX_SLUG, answer_key, recording_name, recordings_dir
from nlu.catalogue import LANGUAGES, Language

log = logging.getLogger(__name__)

__all__ = [
    "AUDIO_ROUTE",
    "CACHE_CONTROL",
    "AudioLibrary",
    "answer_key",
    "audio_file_name",
    "audio_handler",
    "is_audio_file_name",
    "is_plain_file_in",
]

CACHE_CONTROL: Final = "public, max-age=86400"
FILE_NAME_PATTERN: Final = rf"[a-z0-9_]{{1,{MAX_SLUG}}}-[0-9a-f]{{10}}\.wav"
# The route itself refuses anything else (404 before any handler, with nothing logged).
AUDIO_ROUTE: Final = "/audio/{lang:ky|ru}/{name:" + FILE_NAME_PATTERN + "}"
_FILE_RE: Final = re.compile(FILE_NAME_PATTERN)
_MISSING_RECHECK_SECONDS: Final = 30.0
_MISSING_MAX: Final = 512  # names remembered as missing, oldest forgotten first

audio_file_name = recording_name  # the name the phone asks for: <key>-<sha256(text)[:10]>.wav


def is_audio_file_name(name: str) -> bool:
    """Whether `name` is one `audio_file_name` can make (the whole of it: no newline after)."""
    return _FILE_RE.fullmatch(name) is not None


@dataclass
class AudioLibrary:
    """Finds the recording of a text in content/<lang>/audio/.

    Only a regular file directly in that folder counts: never a symlink, a directory, or
    anything whose real path lies elsewhere.
    """

    content_dir: Path
    _found: dict[tuple[Language, str], Path] = field(default_factory=dict)
    # Bounded: anyone may ask for names that do not exist.
    _missing: OrderedDict[tuple[Language, str], float] = field(default_factory=OrderedDict)

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
        if is_audio_file_name(name):
            path = self.path(language, name)
            if is_plain_file_in(path, path.parent):
                self._found[key] = path
                self._missing.pop(key, None)
                return path
        self._missing.pop(key, None)
        self._missing[key] = time.monotonic()
        while len(self._missing) > _MISSING_MAX:
            self._missing.popitem(last=False)
        return None

    def forget(self) -> None:
        """Drop cached lookups, after a build."""
        self._found.clear()
        self._missing.clear()


def is_plain_file_in(path: Path, folder: Path) -> bool:
    """A regular file, not a symlink, whose real path is directly in `folder`'s real path."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        return path.resolve(strict=True).parent == folder.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, too long, a loop: not a file to serve
        return False


def audio_handler(library: AudioLibrary) -> Handler:
    """GET /ivr/audio/{lang}/{name}: Twilio fetches <Play> files without a signature.

    aiohttp's FileResponse sends an ETag and Last-Modified and answers conditional
    requests with 304; Cache-Control lets Twilio's media cache keep the file a day.
    """

    async def serve_audio(request: web.Request) -> web.StreamResponse:
        language = next((lang for lang in LANGUAGES if lang == request.match_info["lang"]), None)
        name = request.match_info["name"]
        if language is None or not is_audio_file_name(name):
            raise web.HTTPNotFound()
        path = library.find(language, name)
        # Checked again at every request: a cached file may have been replaced by a link.
        if path is None or not is_plain_file_in(path, path.parent):
            raise web.HTTPNotFound()
        return web.FileResponse(
            path, headers={"Cache-Control": CACHE_CONTROL, "Content-Type": "audio/wav"}
        )

    return serve_audio
