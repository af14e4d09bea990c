"""Recordings of the phone texts: file names by hash, the manifest, and the check.

Twilio has no Kyrgyz voice, so every Kyrgyz phone prompt and answer summary is played from
a WAV file shipped in content/ky/audio/. A file's name carries a hash of its text, so a
changed text needs a new recording and a stale one is never played for it. The manifest
(content/ky/audio/manifest.json) records, for each file, the full hash of the text it says
and of the audio itself; `hotline voice build` keeps it, and `hotline content check` fails
when a text has no current recording.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final, Literal

from hotline.content.contacts import Contact, fill_placeholders
from hotline.content.safe_wording import read_prompt_texts
from nlu.catalogue import Language

RECORDINGS_DIR: Final = "audio"  # content/<lang>/audio/
MAX_SLUG: Final = 64  # longest key part of a file name (the phone's audio route serves no more)
MANIFEST_FILE: Final = "manifest.json"
RECORDED_LANGUAGES: Final[tuple[Language, ...]] = ("ky",)  # Twilio reads Russian itself
RecordingKind = Literal["placeholder", "studio"]
_MANIFEST_ABOUT: Final = (
    "The Kyrgyz phone recordings in this folder, written by `hotline voice build`: "
    "do not edit by hand. 'placeholder' files are rendered with espeak-ng; a 'studio' "
    "file is a real recording put here under the same name, and the build keeps it."
)


def normalised(text: str) -> str:
    """The text as it is hashed: spacing does not change what is said."""
    return " ".join(text.split())


def text_sha256(text: str) -> str:
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


def recording_name(key: str, text: str) -> str:
    """Name the recording of `text`: the prompt or answer key and a hash of the words."""
    slug = re.sub(r"[^a-z0-9_]+", "_", key.lower()).strip("_")[:MAX_SLUG] or "text"
    return f"{slug}-{text_sha256(text)[:10]}.wav"


def answer_key(intent: str) -> str:
    return f"answer_{intent}"


def recordings_dir(content_dir: Path, language: Language) -> Path:
    return content_dir / language / RECORDINGS_DIR


@dataclass(frozen=True, slots=True)
class Recording:
    """One file of the manifest: what it says and what it is."""

    key: str
    text: str
    text_sha256: str
    wav_sha256: str
    kind: RecordingKind


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(directory: Path) -> dict[str, Recording] | None:
    """The manifest of `directory` by file name; None when it is missing or unreadable."""
    try:
        data = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        entries: dict[str, Any] = data["recordings"]
        return {name: Recording(**entry) for name, entry in entries.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(directory: Path, recordings: Mapping[str, Recording], audio_format: str) -> None:
    """Write the manifest sorted by name, so that a rebuild changes only what changed."""
    data = {
        "about": _MANIFEST_ABOUT,
        "format": audio_format,
        "recordings": {name: asdict(recordings[name]) for name in sorted(recordings)},
    }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    (directory / MANIFEST_FILE).write_text(text, encoding="utf-8")


def phone_texts(
    content_dir: Path,
    language: Language,
    contacts: Mapping[str, Contact],
    summaries: Mapping[str, str],
) -> list[tuple[str, str]]:
    """(key, text) of everything the phone says in `language`: prompts, then answer summaries.

    `summaries` maps intents to their summaries with contacts filled in. A prompt that names
    an unknown contact is left out (the phone line reports it when it loads the prompts).
    """
    items = []
    for name, raw in read_prompt_texts(content_dir, language).items():
        try:
            items.append((name, normalised(fill_placeholders(raw, contacts))))
        except KeyError:
            continue
    items += [(answer_key(intent), normalised(text)) for intent, text in summaries.items()]
    return items


def recording_problems(
    content_dir: Path, language: Language, items: Iterable[tuple[str, str]]
) -> list[str]:
    """Texts without a current recording, recordings that no text uses, a stale manifest."""
    directory = recordings_dir(content_dir, language)
    where = f"{language}/{RECORDINGS_DIR}"
    rebuild = f"run `hotline voice build` and commit {where}/"
    manifest = read_manifest(directory)
    if manifest is None:
        return [f"{where}/{MANIFEST_FILE} is missing or unreadable: {rebuild}"]
    problems = []
    wanted: set[str] = set()
    for key, text in items:
        name = recording_name(key, text)
        wanted.add(name)
        entry = manifest.get(name)
        path = directory / name
        if entry is None or entry.text_sha256 != text_sha256(text):
            problems.append(f"{where}: '{key}' has no recording of its current text: {rebuild}")
        elif not path.is_file():
            problems.append(f"{where}/{name} ('{key}') is in the manifest but missing: {rebuild}")
        elif file_sha256(path) != entry.wav_sha256:
            problems.append(f"{where}/{name} ('{key}') differs from the manifest: {rebuild}")
    on_disk = {path.name for path in directory.glob("*.wav")}
    for name in sorted((on_disk | set(manifest)) - wanted):
        problems.append(f"{where}/{name} is a recording that no text uses: {rebuild}")
    return problems
