"""The phone prompts of content/<lang>/ivr.yml, with contact numbers filled in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from hotline.content import Contact, ContentError, fill_placeholders
from nlu.catalogue import LANGUAGES, Language

PROMPTS_FILE: Final = "ivr.yml"
PROMPT_MAX_CHARS: Final = 200  # about 15 seconds spoken

PROMPT_NAMES: Final[tuple[str, ...]] = (
    "welcome",
    "main_menu",
    "menu_work",
    "menu_documents",
    "menu_trafficking",
    "menu_police",
    "menu_family",
    "after_answer",
    "invalid_key",
    "no_input",
    "not_understood",
    "connecting",
    "emergency",
    "operators_busy",
    "operators_closed",
    "voicemail_thanks",
    "goodbye",
    "technical_problem",
    "answer_missing",
    # The numbers an answer holds beyond two (ivr.menus.MORE_NUMBERS), and the key to them.
    "more_numbers",
    "contacts_more",
    # The phone's lines of the safety responses (hotline.safety_response), said before the
    # transfer; and the voicemail's question whether a call back is safe.
    "safety_suicide",
    "crisis_line",
    "safety_held",
    "safety_violence",
    "safety_search",
    "safety_medical",
    "safety_generic",
    "callback_question",
    "voicemail_record",
    "voicemail_thanks_no_call",
)


@dataclass(frozen=True, slots=True)
class PromptBook:
    """Prompt texts by language and name, and the speech recognition hints."""

    texts: Mapping[tuple[Language, str], str]
    speech_hints: Mapping[Language, str]

    def text(self, language: Language, name: str) -> str:
        return self.texts[language, name]

    def names(self) -> tuple[str, ...]:
        return PROMPT_NAMES


def load_prompts(content_dir: Path, contacts: Mapping[str, Contact]) -> PromptBook:
    """Read both ivr.yml files; raise ContentError listing every problem."""
    texts: dict[tuple[Language, str], str] = {}
    hints: dict[Language, str] = {}
    problems: list[str] = []
    for language in LANGUAGES:
        where = f"{language}/{PROMPTS_FILE}"
        try:
            data = yaml.safe_load((content_dir / language / PROMPTS_FILE).read_text("utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{where}: cannot be read: {exc}")
            continue
        prompts = data.get("prompts") if isinstance(data, dict) else None
        if not isinstance(prompts, dict):
            problems.append(f"{where}: expected a 'prompts:' mapping")
            continue
        for name in PROMPT_NAMES:
            raw = prompts.get(name)
            if not isinstance(raw, str) or not raw.strip():
                problems.append(f"{where}: prompt '{name}' is missing")
                continue
            try:
                text = " ".join(fill_placeholders(raw, contacts).split())
            except KeyError as exc:
                problems.append(f"{where}: '{name}' names no contact {exc.args[0]!r}")
                continue
            if len(text) > PROMPT_MAX_CHARS:
                problems.append(
                    f"{where}: '{name}' is {len(text)} characters, over {PROMPT_MAX_CHARS}"
                )
            texts[language, name] = text
        unknown = [name for name in prompts if name not in PROMPT_NAMES]
        problems += [f"{where}: unknown prompt '{name}'" for name in unknown]
        raw_hints = data.get("speech_hints", [])
        if not isinstance(raw_hints, list) or not all(isinstance(h, str) for h in raw_hints):
            problems.append(f"{where}: 'speech_hints' must be a list of words")
        else:
            hints[language] = ", ".join(h.strip() for h in raw_hints if h.strip())
    if problems:
        raise ContentError(problems)
    return PromptBook(texts, hints)
