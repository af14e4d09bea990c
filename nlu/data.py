"""Training examples from the Rasa 3 YAML files under `nlu/data/{ky,ru}/`."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from nlu.catalogue import LANGUAGES, Language

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR: Final = Path(__file__).resolve().parent / "data"

# Rasa entity annotations: "[Бишкек](city)", "[Бишкек]{"entity": "city"}".
_ANNOTATION: Final = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    language: Language


def data_files(data_dir: Path = DEFAULT_DATA_DIR) -> list[tuple[Language, Path]]:
    """List the YAML files per language, in a stable order."""
    files: list[tuple[Language, Path]] = []
    for language in LANGUAGES:
        folder = data_dir / language
        if folder.is_dir():
            for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
                files.append((language, path))
    return files


def fingerprint_data(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Hash every data file's name and bytes: the cache key part that tracks the data."""
    digest = hashlib.sha256()
    for language, path in data_files(data_dir):
        digest.update(f"{language}/{path.name}\0".encode())
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _example_texts(raw: Any) -> list[str]:
    if isinstance(raw, str):
        lines = [line.strip() for line in raw.splitlines()]
        return [line[1:].strip() for line in lines if line.startswith("-")]
    if isinstance(raw, list):  # Rasa also allows a list of {text: ..., metadata: ...}
        texts: list[str] = []
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                texts.append(item["text"])
            elif isinstance(item, str):
                texts.append(item)
        return texts
    return []


def parse_rasa_yaml(content: str, language: Language, source: str = "?") -> list[Example]:
    """Read the `- intent:` blocks of one Rasa NLU file; other block kinds are skipped."""
    document = yaml.safe_load(content) or {}
    if not isinstance(document, dict):
        logger.warning("skipping %s: not a Rasa NLU document", source)
        return []
    examples: list[Example] = []
    for block in document.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue  # synonym, regex and lookup blocks
        intent = str(block["intent"]).strip()
        for text in _example_texts(block.get("examples")):
            text = _ANNOTATION.sub(r"\1", text).strip()
            if text:
                examples.append(Example(text=text, intent=intent, language=language))
    return examples


def load_examples(data_dir: Path = DEFAULT_DATA_DIR) -> list[Example]:
    """Load all examples; the language comes from the folder (`ky/` or `ru/`)."""
    examples: list[Example] = []
    for language, path in data_files(data_dir):
        try:
            examples.extend(
                parse_rasa_yaml(path.read_text(encoding="utf-8"), language, source=path.name)
            )
        except yaml.YAMLError as exc:
            # A file being written by someone else must not take the whole layer down.
            logger.warning("skipping %s/%s: invalid YAML (%s)", language, path.name, exc)
    return examples
