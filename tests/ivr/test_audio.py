"""Kyrgyz recordings: placeholders by espeak-ng, studio files first, served with caching headers."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from hotline.content import ContentStore
from hotline.settings import REPO_ROOT
from ivr.audio import AudioLibrary, audio_file_name, build_audio, wav_seconds, write_silent_wav
from ivr.prompts import load_prompts
from ivr.voice_build import build_voice
from tests.ivr.conftest import Line, LineFactory, spoken

CONTENT = REPO_ROOT / "content"


def test_file_name_changes_with_the_text() -> None:
    first = audio_file_name("main_menu", "Иш жана айлык – бир.")
    assert first.startswith("main_menu-") and first.endswith(".wav")
    assert audio_file_name("main_menu", "Иш  жана айлык – бир.") == first  # spacing only
    assert audio_file_name("main_menu", "Иш жана айлык – эки.") != first


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_voice_build_renders_every_kyrgyz_prompt_under_15_seconds(tmp_path: Path) -> None:
    report = build_voice(CONTENT, tmp_path)
    assert report.silent == 0 and report.rendered > 0
    content = ContentStore.load(CONTENT)
    prompts = load_prompts(CONTENT, content.contacts)
    for name in prompts.names():
        path = tmp_path / "audio" / "ky" / audio_file_name(name, prompts.text("ky", name))
        assert path.is_file(), name
        assert 0.5 < wav_seconds(path) < 15, name
    # Built again, nothing is rendered twice.
    again = build_voice(CONTENT, tmp_path)
    assert again.rendered == 0 and again.kept == report.rendered


def test_without_espeak_silent_placeholders_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("ivr.audio.shutil.which", lambda name: None)
    library = AudioLibrary(tmp_path / "content", tmp_path / "var")
    report = build_audio([("welcome", "Саламатсызбы")], "ky", library)
    assert report.silent == 1
    assert "espeak-ng not found" in caplog.text
    path = tmp_path / "var" / "ky" / audio_file_name("welcome", "Саламатсызбы")
    with wave.open(str(path)) as placeholder:
        assert placeholder.getnchannels() == 1 and placeholder.getnframes() > 0


def test_stale_placeholders_are_removed_and_studio_files_kept(tmp_path: Path) -> None:
    library = AudioLibrary(tmp_path / "content", tmp_path / "var")
    studio = library.studio_path("ky", audio_file_name("welcome", "жаңы"))
    studio.parent.mkdir(parents=True)
    write_silent_wav(studio)
    stale = tmp_path / "var" / "ky" / "welcome-0000000000.wav"
    stale.parent.mkdir(parents=True)
    write_silent_wav(stale)
    report = build_audio([("welcome", "жаңы")], "ky", library)
    assert report.kept == 1 and report.pruned == 1
    assert not stale.exists() and studio.exists()
    assert library.find("ky", studio.name) == studio


async def test_studio_recording_takes_precedence(make_line: LineFactory, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    line = await make_line(content_dir=content)
    name = line.prompt_file("ky", "welcome")
    studio = content / "ky" / "audio" / name
    studio.parent.mkdir(exist_ok=True)
    write_silent_wav(studio, seconds=2.0)
    line.ctx.speaker.library.forget()
    response = await line.client.get(f"/ivr/audio/ky/{name}")
    assert response.status == 200
    assert len(await response.read()) == studio.stat().st_size


async def test_audio_has_caching_headers_and_revalidates(line: Line) -> None:
    name = line.prompt_file("ky", "main_menu")
    first = await line.client.get(f"/ivr/audio/ky/{name}")
    assert first.status == 200
    assert "max-age" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = await line.client.get(f"/ivr/audio/ky/{name}", headers={"If-None-Match": etag})
    assert again.status == 304


@pytest.mark.parametrize(
    "path",
    [
        "/ivr/audio/ky/nothing-0123456789.wav",
        "/ivr/audio/en/welcome-0123456789.wav",
        "/ivr/audio/ky/..%2F..%2Fsettings.py",
        "/ivr/audio/ky/%2E%2E",
    ],
)
async def test_unknown_audio_is_not_found(line: Line, path: str) -> None:
    response = await line.client.get(path)
    assert response.status == 404


async def test_missing_kyrgyz_recording_falls_back_to_say(
    make_line: LineFactory, tmp_path: Path
) -> None:
    line = await make_line(var_dir=tmp_path)  # nothing built here
    twiml = await line.call().start()
    assert line.ctx.prompts.text("ky", "welcome") in spoken(twiml)
    assert twiml.find("Gather/Play") is None


def test_hotline_voice_build_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main
    from hotline.settings import get_settings

    monkeypatch.setenv("HOTLINE_VAR_DIR", str(tmp_path))
    monkeypatch.setattr("ivr.audio.shutil.which", lambda name: None)  # fast: silent placeholders
    get_settings.cache_clear()
    try:
        assert main(["voice", "build"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "silent placeholders" in out and "apt-get install espeak-ng" in out
    assert any((tmp_path / "audio" / "ky").glob("welcome-*.wav"))
