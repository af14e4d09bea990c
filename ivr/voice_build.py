"""`hotline voice build`: every Kyrgyz prompt and answer summary as a placeholder recording."""

from __future__ import annotations

from pathlib import Path

from hotline.content import ContentStore
from ivr.audio import AudioLibrary, BuildReport, answer_key, build_audio
from ivr.prompts import PromptBook, load_prompts
from nlu.catalogue import Language


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


def build_voice(
    content_dir: Path, var_dir: Path, *, language: Language = "ky", force: bool = False
) -> BuildReport:
    """Render the recordings of `language` into var/audio/<language>/; raise ContentError."""
    content = ContentStore.load(content_dir)
    prompts = load_prompts(content_dir, content.contacts)
    library = AudioLibrary(content_dir, var_dir / "audio")
    return build_audio(voice_items(prompts, content, language), language, library, force=force)
