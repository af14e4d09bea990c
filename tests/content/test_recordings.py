"""`hotline content check` fails when a Kyrgyz phone text has no current recording."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hotline.content.check import check_content
from hotline.content.recordings import MANIFEST_FILE
from hotline.settings import REPO_ROOT
from tests.content.conftest import REAL_CONTENT


def audio_problems(content_dir: Path) -> list[str]:
    return [p for p in check_content(content_dir).problems if "ky/audio" in p]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_kyrgyz_text_of_the_real_content_has_its_recording() -> None:
    assert audio_problems(REAL_CONTENT) == []


def test_a_changed_kyrgyz_prompt_needs_a_new_recording(content_dir: Path) -> None:
    edit(content_dir / "ky" / "ivr.yml", "Чалганыңыз үчүн рахмат.", "Чалганыңыз үчүн чоң рахмат.")
    found = audio_problems(content_dir)
    assert (
        "ky/audio: 'goodbye' has no recording of its current text: "
        "run `hotline voice build` and commit ky/audio/"
    ) in found
    assert any(p.startswith("ky/audio/goodbye-") and "no text uses" in p for p in found)


def test_a_changed_kyrgyz_summary_needs_a_new_recording(content_dir: Path) -> None:
    edit(content_dir / "ky" / "greet.md", "Саламатсызбы! Бул 189", "Салам! Бул 189")
    assert any("'answer_greet' has no recording" in p for p in audio_problems(content_dir))


def test_a_changed_contact_number_changes_what_is_said(content_dir: Path) -> None:
    edit(content_dir / "contacts.yml", 'number: "+7 925 115 50 47"', 'number: "+7 925 115 50 48"')
    # The embassy's number is among the contacts answer's further numbers (key 1).
    assert any("'contacts_more' has no recording" in p for p in audio_problems(content_dir))


def test_russian_texts_need_no_recording(content_dir: Path) -> None:
    edit(content_dir / "ru" / "ivr.yml", "Спасибо за звонок.", "Спасибо вам за звонок.")
    assert audio_problems(content_dir) == []


def test_a_deleted_recording_is_reported(content_dir: Path) -> None:
    welcome = next((content_dir / "ky" / "audio").glob("welcome-*.wav"))
    welcome.unlink()
    assert audio_problems(content_dir) == [
        f"ky/audio/{welcome.name} ('welcome') is in the manifest but missing: "
        "run `hotline voice build` and commit ky/audio/"
    ]


def test_a_replaced_recording_without_the_manifest_is_reported(content_dir: Path) -> None:
    welcome = next((content_dir / "ky" / "audio").glob("welcome-*.wav"))
    welcome.write_bytes(welcome.read_bytes() + b"\x00\x00")
    assert audio_problems(content_dir) == [
        f"ky/audio/{welcome.name} ('welcome') differs from the manifest: "
        "run `hotline voice build` and commit ky/audio/"
    ]


def test_a_missing_manifest_is_reported(content_dir: Path) -> None:
    (content_dir / "ky" / "audio" / MANIFEST_FILE).unlink()
    assert audio_problems(content_dir) == [
        "ky/audio/manifest.json is missing or unreadable: "
        "run `hotline voice build` and commit ky/audio/"
    ]


@pytest.mark.skipif(
    shutil.which("git") is None or not (REPO_ROOT / ".git").exists(), reason="not a git checkout"
)
@pytest.mark.parametrize("name", ["welcome-0123456789.wav", MANIFEST_FILE])
def test_git_does_not_ignore_the_recordings(name: str) -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", f"content/ky/audio/{name}"], cwd=REPO_ROOT, check=False
    )
    assert ignored.returncode == 1  # 1: not ignored
