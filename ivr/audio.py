"""Recorded prompts: placeholder rendering with espeak-ng, studio overrides, and serving.

Twilio has no Kyrgyz voice, so every Kyrgyz prompt and answer summary is played from a
file. A file's name carries a hash of its text, so a changed text needs a new file and a
stale recording is never played for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
import wave
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler

from nlu.catalogue import LANGUAGES, Language

log = logging.getLogger(__name__)

AUDIO_DIR: Final = "audio"  # content/<lang>/audio (studio) and var/audio/<lang> (built)
ESPEAK_VOICES: Final[dict[Language, str]] = {"ky": "ky", "ru": "ru"}
ESPEAK_WORDS_PER_MINUTE: Final = 175  # espeak-ng's default: menus stay under 15 s
CACHE_CONTROL: Final = "public, max-age=86400"
MAX_SLUG: Final = 64  # longest key part of a file name; longer names are not ours
FILE_NAME_PATTERN: Final = rf"[a-z0-9_]{{1,{MAX_SLUG}}}-[0-9a-f]{{10}}\.wav"
# The route itself refuses anything else (404 before any handler, with nothing logged).
AUDIO_ROUTE: Final = "/audio/{lang:ky|ru}/{name:" + FILE_NAME_PATTERN + "}"
_FILE_RE: Final = re.compile(FILE_NAME_PATTERN)
_MISSING_RECHECK_SECONDS: Final = 30.0
_MISSING_MAX: Final = 512  # names remembered as missing, oldest forgotten first


def audio_file_name(key: str, text: str) -> str:
    """Name the recording of `text`: the prompt or answer key and a hash of the words."""
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:10]
    slug = re.sub(r"[^a-z0-9_]+", "_", key.lower()).strip("_")[:MAX_SLUG] or "text"
    return f"{slug}-{digest}.wav"


def is_audio_file_name(name: str) -> bool:
    """Whether `name` is one `audio_file_name` can make (the whole of it: no newline after)."""
    return _FILE_RE.fullmatch(name) is not None


def answer_key(intent: str) -> str:
    return f"answer_{intent}"


@dataclass
class AudioLibrary:
    """Finds the file to play for a text: a studio recording first, then a placeholder.

    Only a regular file directly in one of the two folders counts: never a symlink, a
    directory, or anything whose real path lies elsewhere.
    """

    content_dir: Path
    build_dir: Path  # var/audio
    _found: dict[tuple[Language, str], Path] = field(default_factory=dict)
    # Bounded: anyone may ask for names that do not exist.
    _missing: OrderedDict[tuple[Language, str], float] = field(default_factory=OrderedDict)

    def studio_path(self, language: Language, name: str) -> Path:
        return self.content_dir / language / AUDIO_DIR / name

    def built_path(self, language: Language, name: str) -> Path:
        return self.build_dir / language / name

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
            for path in (self.studio_path(language, name), self.built_path(language, name)):
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


# -- build ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuildReport:
    rendered: int = 0
    kept: int = 0  # already built, or a studio recording exists
    silent: int = 0  # espeak-ng missing or failed: silent placeholders
    pruned: int = 0


def build_audio(
    items: Iterable[tuple[str, str]],
    language: Language,
    library: AudioLibrary,
    *,
    force: bool = False,
    prune: bool = True,
    use_espeak: bool = True,
) -> BuildReport:
    """Render each (key, text) into the build directory unless a recording already exists."""
    out_dir = library.build_dir / language
    out_dir.mkdir(parents=True, exist_ok=True)
    espeak = shutil.which("espeak-ng") if use_espeak else None
    if espeak is None and use_espeak:
        log.warning("espeak-ng not found: writing silent placeholders (apt-get install espeak-ng)")
    rendered = kept = silent = 0
    wanted: set[str] = set()
    for key, text in items:
        name = audio_file_name(key, text)
        wanted.add(name)
        target = out_dir / name
        if library.studio_path(language, name).is_file() or (target.is_file() and not force):
            kept += 1
            continue
        if espeak is not None and _render_espeak(espeak, ESPEAK_VOICES[language], text, target):
            rendered += 1
        else:
            write_silent_wav(target)
            silent += 1
    pruned = 0
    if prune:
        for stale in out_dir.glob("*.wav"):
            if stale.name not in wanted:
                stale.unlink()
                pruned += 1
    library.forget()
    return BuildReport(rendered, kept, silent, pruned)


def _render_espeak(espeak: str, voice: str, text: str, target: Path) -> bool:
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        subprocess.run(
            [espeak, "-v", voice, "-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", str(tmp_path), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        tmp_path.replace(target)
        return True
    except (OSError, subprocess.SubprocessError):
        log.warning("espeak-ng failed for %s: writing a silent placeholder", target.name)
        tmp_path.unlink(missing_ok=True)
        return False


def write_silent_wav(path: Path, seconds: float = 0.5, rate: int = 8000) -> None:
    """Write a short silent 16-bit mono WAV: a valid placeholder to play."""
    frames = int(seconds * rate)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * frames)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


# -- serve ------------------------------------------------------------------------------


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
