"""`hotline voice build`: a recording of every Kyrgyz phone text, in content/ky/audio/.

Only what changed is rendered: a text whose recording is in the manifest is kept, a studio
recording put in place of a placeholder is kept (and recorded as such), and recordings that
no text uses any more are removed. The manifest is rewritten to match.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hotline.content import ContentStore
from hotline.content.recordings import (
    Recording,
    answer_key,
    file_sha256,
    normalised,
    read_manifest,
    recording_name,
    text_sha256,
    write_manifest,
)
from ivr.audio import AudioLibrary
from ivr.prompts import PromptBook, load_prompts
from ivr.wav import AUDIO_FORMAT, pcm_to_phone
from nlu.catalogue import Language

log = logging.getLogger(__name__)

ESPEAK_VOICES: Final[dict[Language, str]] = {"ky": "ky", "ru": "ru"}
ESPEAK_WORDS_PER_MINUTE: Final = 175  # espeak-ng's default: menus stay under 15 s

Renderer = Callable[[str, Path], bool]  # (text, target) -> rendered


@dataclass(frozen=True, slots=True)
class BuildReport:
    rendered: int = 0
    kept: int = 0  # placeholders whose text did not change
    studio: int = 0  # studio recordings, never rendered over
    pruned: int = 0  # recordings that no text uses any more, removed
    missing: tuple[str, ...] = ()  # keys left without a recording (no renderer, or it failed)


def voice_items(
    prompts: PromptBook, content: ContentStore, language: Language
) -> list[tuple[str, str]]:
    """The (key, text) pairs the phone plays in `language`: prompts, then answer summaries."""
    items = [(name, prompts.text(language, name)) for name in prompts.names()]
    items += [
        (answer_key(intent), content.answer(language, intent).summary)
        for intent in content.intents()
        if content.has_answer(language, intent)
    ]
    return items


def build_audio(
    items: Iterable[tuple[str, str]],
    language: Language,
    library: AudioLibrary,
    *,
    render: Renderer | None,
    force: bool = False,
    prune: bool = True,
) -> BuildReport:
    """Give each (key, text) a current recording in the library and rewrite the manifest."""
    directory = library.directory(language)
    directory.mkdir(parents=True, exist_ok=True)
    old = read_manifest(directory) or {}
    new: dict[str, Recording] = {}
    rendered = kept = studio = 0
    missing: list[str] = []
    for key, text in items:
        name = recording_name(key, text)
        path = directory / name
        if name in new:
            continue
        if path.is_file():
            entry = old.get(name)
            wav = file_sha256(path)
            placeholder = (
                entry is not None and entry.kind == "placeholder" and entry.wav_sha256 == wav
            )
            if not placeholder or not force:
                new[name] = _recording(key, text, wav, "placeholder" if placeholder else "studio")
                kept += placeholder
                studio += not placeholder
                continue
        if render is not None and render(normalised(text), path):
            new[name] = _recording(key, text, file_sha256(path), "placeholder")
            rendered += 1
        else:
            missing.append(key)
    pruned = 0
    if prune:
        for stale in sorted(directory.glob("*.wav")):
            if stale.name not in new:
                if stale.name in old and old[stale.name].kind == "studio":
                    log.warning("removing studio recording %s: no text uses it now", stale.name)
                stale.unlink()
                pruned += 1
    write_manifest(directory, new, AUDIO_FORMAT)
    library.forget()
    return BuildReport(rendered, kept, studio, pruned, tuple(missing))


def _recording(key: str, text: str, wav_sha256: str, kind: str) -> Recording:
    return Recording(
        key=key,
        text=normalised(text),
        text_sha256=text_sha256(text),
        wav_sha256=wav_sha256,
        kind="studio" if kind == "studio" else "placeholder",
    )


def espeak_renderer(language: Language) -> Renderer | None:
    """Render with espeak-ng into a telephone WAV; None when espeak-ng is not installed."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return None
    voice = ESPEAK_VOICES[language]

    def render(text: str, target: Path) -> bool:
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            raw = Path(tmp) / "espeak.wav"
            try:
                subprocess.run(
                    [espeak, "-v", voice, "-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", str(raw), text],
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
                pcm_to_phone(raw, Path(tmp) / target.name)
            except (OSError, ValueError, subprocess.SubprocessError):
                log.warning("espeak-ng failed for %s", target.name)
                return False
            (Path(tmp) / target.name).replace(target)
        return True

    return render


def build_voice(
    content_dir: Path, *, language: Language = "ky", force: bool = False
) -> BuildReport:
    """Bring content/<language>/audio/ up to date with the texts; raise ContentError."""
    content = ContentStore.load(content_dir)
    prompts = load_prompts(content_dir, content.contacts)
    library = AudioLibrary(content_dir)
    items = voice_items(prompts, content, language)
    return build_audio(items, language, library, render=espeak_renderer(language), force=force)
