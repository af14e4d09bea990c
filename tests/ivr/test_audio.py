"""Kyrgyz recordings: shipped with the content, rebuilt only where a text changed, served cached."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from hotline.content import ContentStore
from hotline.content.recordings import MANIFEST_FILE, read_manifest, recording_problems
from hotline.settings import REPO_ROOT
from ivr.audio import AudioLibrary, audio_file_name, is_audio_file_name
from ivr.prompts import load_prompts
from ivr.voice_build import build_audio, build_voice, voice_items
from ivr.wav import (
    PHONE_RATE,
    WAVE_FORMAT_MULAW,
    mulaw_encode,
    pcm_to_phone,
    read_wav_info,
    wav_seconds,
    write_silent_wav,
)
from tests.ivr.conftest import Line, LineFactory, spoken

CONTENT = REPO_ROOT / "content"
HAS_ESPEAK = shutil.which("espeak-ng") is not None


def silent(text: str, target: Path) -> bool:
    """A fast renderer for tests: a second of silence per text."""
    write_silent_wav(target, seconds=1.0)
    return True


def kyrgyz_items(content_dir: Path) -> list[tuple[str, str]]:
    content = ContentStore.load(content_dir)
    return voice_items(load_prompts(content_dir, content.contacts), content, "ky")


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def edit_prompt(content_dir: Path, name: str, new_text: str) -> None:
    path = content_dir / "ky" / "ivr.yml"
    lines = path.read_text("utf-8").splitlines()
    lines = [f'  {name}: "{new_text}"' if line.startswith(f"  {name}:") else line for line in lines]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_file_name_changes_with_the_text() -> None:
    first = audio_file_name("main_menu", "Иш жана айлык – бир.")
    assert first.startswith("main_menu-") and first.endswith(".wav")
    assert audio_file_name("main_menu", "Иш  жана айлык – бир.") == first  # spacing only
    assert audio_file_name("main_menu", "Иш жана айлык – эки.") != first


def test_every_kyrgyz_text_has_a_shipped_telephone_recording() -> None:
    library = AudioLibrary(CONTENT)
    manifest = read_manifest(library.directory("ky"))
    assert manifest is not None
    prompts = set(load_prompts(CONTENT, ContentStore.load(CONTENT).contacts).names())
    for key, text in kyrgyz_items(CONTENT):
        path = library.find("ky", audio_file_name(key, text))
        assert path is not None, f"no recording for {key}: run `hotline voice build`"
        info = read_wav_info(path)
        assert (info.format_tag, info.rate, info.channels) == (WAVE_FORMAT_MULAW, PHONE_RATE, 1)
        assert info.seconds > 0.5, key
        if key in prompts:
            assert info.seconds < 15, key  # a menu prompt is said within 15 seconds
        assert manifest[path.name].key == key


def test_recordings_stay_small() -> None:
    total = sum(p.stat().st_size for p in (CONTENT / "ky" / "audio").glob("*.wav"))
    assert total < 20 * 1024 * 1024  # about 8 KB a second; a summary is at most ~35 s


def test_telephone_wav_keeps_duration_and_sound(tmp_path: Path) -> None:
    rate = 22050
    time = np.arange(int(rate * 1.5)) / rate
    tone = (np.sin(2 * np.pi * 440 * time) * 12000).astype("<i2")
    source = tmp_path / "espeak.wav"
    with wave.open(str(source), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(tone.tobytes())
    target = tmp_path / "phone.wav"
    pcm_to_phone(source, target)
    assert abs(wav_seconds(target) - 1.5) < 0.01
    data = target.read_bytes()
    assert len(data) < 1.5 * PHONE_RATE + 100  # one byte a sample
    assert len(set(data[-4000:])) > 20  # a tone, not silence


def test_mulaw_encodes_silence_and_the_extremes() -> None:
    samples = np.array([0, 32767, -32768, 100, -100], dtype=np.int16)
    encoded = mulaw_encode(samples)
    assert encoded[0] == 0xFF and encoded[1] == 0x80 and encoded[2] == 0x00
    assert encoded[3] != encoded[4]


def test_a_build_renders_only_what_changed(content_copy: Path) -> None:
    library = AudioLibrary(content_copy)
    items = kyrgyz_items(content_copy)
    unchanged = build_audio(items, "ky", library, render=silent)
    assert unchanged.rendered == 0 and unchanged.pruned == 0 and not unchanged.missing
    assert unchanged.kept == len({audio_file_name(k, t) for k, t in items})

    old_name = audio_file_name("goodbye", dict(items)["goodbye"])
    edit_prompt(content_copy, "goodbye", "Чалганыңыз үчүн чоң рахмат. Аман болуңуз.")
    items = kyrgyz_items(content_copy)
    assert recording_problems(content_copy, "ky", items)  # the check sees the stale recording
    report = build_audio(items, "ky", library, render=silent)
    assert (report.rendered, report.pruned) == (1, 1)
    assert not (library.directory("ky") / old_name).exists()
    assert recording_problems(content_copy, "ky", items) == []
    manifest = read_manifest(library.directory("ky"))
    assert manifest is not None and old_name not in manifest
    new_name = audio_file_name("goodbye", dict(items)["goodbye"])
    assert manifest[new_name].text == "Чалганыңыз үчүн чоң рахмат. Аман болуңуз."


def test_without_a_renderer_nothing_is_written_and_the_key_is_reported(
    content_copy: Path,
) -> None:
    edit_prompt(content_copy, "goodbye", "Жаңы сөздөр.")
    items = kyrgyz_items(content_copy)
    report = build_audio(items, "ky", AudioLibrary(content_copy), render=None)
    assert report.missing == ("goodbye",) and report.rendered == 0
    problems = recording_problems(content_copy, "ky", items)
    assert problems == [
        "ky/audio: 'goodbye' has no recording of its current text: "
        "run `hotline voice build` and commit ky/audio/"
    ]


def test_studio_recordings_are_kept_even_when_forced(tmp_path: Path) -> None:
    library = AudioLibrary(tmp_path / "content")
    items = [("welcome", "Саламатсызбы"), ("goodbye", "Аман болуңуз")]
    build_audio(items, "ky", library, render=silent)
    studio = library.path("ky", audio_file_name("welcome", "Саламатсызбы"))
    write_silent_wav(studio, seconds=2.0)  # a real recording put in place of the placeholder
    report = build_audio(items, "ky", library, render=silent, force=True)
    assert (report.studio, report.rendered) == (1, 1)
    assert wav_seconds(studio) == 2.0
    manifest = read_manifest(library.directory("ky"))
    assert manifest is not None and manifest[studio.name].kind == "studio"


def test_recordings_no_text_uses_are_removed(tmp_path: Path) -> None:
    library = AudioLibrary(tmp_path / "content")
    build_audio([("welcome", "биринчи")], "ky", library, render=silent)
    stray = library.path("ky", "welcome-0000000000.wav")
    write_silent_wav(stray)
    assert recording_problems(tmp_path / "content", "ky", [("welcome", "биринчи")]) == [
        "ky/audio/welcome-0000000000.wav is a recording that no text uses: "
        "run `hotline voice build` and commit ky/audio/"
    ]
    report = build_audio([("welcome", "биринчи")], "ky", library, render=silent)
    assert report.pruned == 1 and not stray.exists()


def test_the_manifest_is_keyed_by_file_name_and_text_hash(content_copy: Path) -> None:
    data = json.loads((content_copy / "ky" / "audio" / MANIFEST_FILE).read_text("utf-8"))
    for name, entry in data["recordings"].items():
        assert name == audio_file_name(entry["key"], entry["text"])
        assert name.split("-")[-1].removesuffix(".wav") == entry["text_sha256"][:10]


@pytest.mark.skipif(not HAS_ESPEAK, reason="espeak-ng is not installed")
def test_espeak_renders_a_changed_prompt_under_15_seconds(content_copy: Path) -> None:
    edit_prompt(content_copy, "goodbye", "Чалганыңыз үчүн чоң рахмат. Аман болуңуз.")
    report = build_voice(content_copy)
    assert report.rendered == 1 and not report.missing
    path = AudioLibrary(content_copy).find(
        "ky", audio_file_name("goodbye", "Чалганыңыз үчүн чоң рахмат. Аман болуңуз.")
    )
    assert path is not None and 0.5 < wav_seconds(path) < 15


async def test_a_studio_recording_is_served(make_line: LineFactory, content_copy: Path) -> None:
    line = await make_line(content_dir=content_copy)
    name = line.prompt_file("ky", "welcome")
    studio = content_copy / "ky" / "audio" / name
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


async def test_a_fresh_clone_plays_kyrgyz_without_espeak(
    make_line: LineFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)  # no espeak-ng on this machine
    line = await make_line(var_dir=tmp_path)  # nothing built: only what the clone ships
    twiml = await line.call().start()
    assert line.prompt_file("ky", "welcome") in spoken(twiml)
    response = await line.client.get(f"/ivr/audio/ky/{line.prompt_file('ky', 'welcome')}")
    assert response.status == 200


async def test_missing_kyrgyz_recording_falls_back_to_say(
    make_line: LineFactory, content_copy: Path
) -> None:
    shutil.rmtree(content_copy / "ky" / "audio")
    line = await make_line(content_dir=content_copy)
    twiml = await line.call().start()
    assert line.ctx.prompts.text("ky", "welcome") in spoken(twiml)
    assert twiml.find("Gather/Play") is None


def test_hotline_voice_build_command(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main
    from hotline.settings import get_settings

    monkeypatch.setenv("HOTLINE_CONTENT_DIR", str(content_copy))
    get_settings.cache_clear()
    try:
        assert main(["voice", "build"]) == 0
        assert "0 rendered" in capsys.readouterr().out
        edit_prompt(content_copy, "goodbye", "Жаңы сөздөр.")
        monkeypatch.setattr("ivr.voice_build.shutil.which", lambda name: None)
        assert main(["voice", "build"]) == 1
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "(goodbye)" in out and "apt-get install espeak-ng" in out


def test_the_content_check_and_the_build_agree_on_what_is_said() -> None:
    from hotline.content.recordings import phone_texts

    content = ContentStore.load(CONTENT)
    summaries = {i: content.answer("ky", i).summary for i in content.intents()}
    checked = set(phone_texts(CONTENT, "ky", content.contacts, summaries))
    built = {(key, " ".join(text.split())) for key, text in kyrgyz_items(CONTENT)}
    assert checked == built


@pytest.mark.parametrize(
    "name",
    [
        "a" * 8000 + "-0123456789.wav",  # once a 500 with the name in a traceback
        "a" * 230 + "-0123456789.wav",
        "welcome-0123456789.wav\n",
        "welcome-0123456789.wav%0A",
        "WELCOME-0123456789.wav",
    ],
)
async def test_hostile_audio_names_are_404_and_leave_no_trace(
    line: Line, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    response = await line.client.get(f"/ivr/audio/ky/{name}")
    assert response.status == 404
    assert not any(r.exc_info for r in caplog.records)
    assert all(len(r.getMessage()) < 300 for r in caplog.records)  # bounded, whatever was sent
    if len(name) > 100:
        assert name not in caplog.text


def test_misses_are_remembered_in_bounded_memory(tmp_path: Path) -> None:
    library = AudioLibrary(tmp_path / "content")
    for n in range(5000):
        assert library.find("ky", f"x{n}-0123456789.wav") is None
    assert len(library._missing) <= 512


def test_an_overlong_name_is_a_miss_not_an_error(tmp_path: Path) -> None:
    library = AudioLibrary(tmp_path / "content")
    (tmp_path / "content" / "ky" / "audio").mkdir(parents=True)
    assert library.find("ky", "a" * 300 + "-0123456789.wav") is None


async def test_symlinks_and_files_elsewhere_are_never_served(
    make_line: LineFactory, tmp_path: Path, content_copy: Path
) -> None:
    line = await make_line(content_dir=content_copy)
    folder = content_copy / "ky" / "audio"
    secret = tmp_path / "encryption.key"
    secret.write_text("not for callers")
    (folder / "welcome-0123456789.wav").symlink_to(secret)
    (folder / "menu-0123456789.wav").mkdir()
    elsewhere = tmp_path / "elsewhere-0123456789.wav"
    write_silent_wav(elsewhere)
    (folder / "linked-0123456789.wav").symlink_to(elsewhere)
    for name in ("welcome", "menu", "linked"):
        response = await line.client.get(f"/ivr/audio/ky/{name}-0123456789.wav")
        assert response.status == 404, name
    # A file served once and then replaced by a link is not served again.
    real = folder / "answer-0123456789.wav"
    write_silent_wav(real)
    assert (await line.client.get(f"/ivr/audio/ky/{real.name}")).status == 200
    real.unlink()
    real.symlink_to(secret)
    assert (await line.client.get(f"/ivr/audio/ky/{real.name}")).status == 404


def test_file_names_never_exceed_what_the_route_serves() -> None:
    name = audio_file_name("answer_" + "x" * 200, "текст")
    assert is_audio_file_name(name)
