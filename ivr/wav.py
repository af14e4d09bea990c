"""Telephone WAV files: 8 kHz mono G.711 mu-law, written from any PCM and read back.

The phone network carries 8 kHz 8-bit mu-law, so a recording in that format is what the
caller hears anyway, at half the size of 16-bit PCM. Twilio plays WAV (audio/wav).
"""

from __future__ import annotations

import struct
import wave
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.signal import resample_poly

PHONE_RATE: Final = 8000
WAVE_FORMAT_PCM: Final = 1
WAVE_FORMAT_MULAW: Final = 7
AUDIO_FORMAT: Final = "WAV, 8000 Hz, mono, 8-bit G.711 mu-law"
_PEAK: Final = 0.9 * 32767  # loud and clear, without clipping
_MULAW_BIAS: Final = 0x84
_MULAW_CLIP: Final = 32635
_MULAW_SILENCE: Final = b"\xff"


@dataclass(frozen=True, slots=True)
class WavInfo:
    format_tag: int
    channels: int
    rate: int
    bits: int
    data_bytes: int

    @property
    def seconds(self) -> float:
        return self.data_bytes / (self.rate * self.channels * self.bits // 8)


def pcm_to_phone(pcm_wav: Path, target: Path) -> None:
    """Convert a 16-bit PCM WAV (espeak-ng's output) to a telephone WAV at `target`."""
    with wave.open(str(pcm_wav), "rb") as source:
        if source.getsampwidth() != 2:
            raise ValueError(f"{pcm_wav.name}: expected 16-bit PCM")
        rate, channels = source.getframerate(), source.getnchannels()
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    mono = samples.reshape(-1, channels).mean(axis=1)
    step = gcd(PHONE_RATE, rate)
    resampled = resample_poly(mono, PHONE_RATE // step, rate // step)  # low-pass included
    peak = float(np.max(np.abs(resampled))) if resampled.size else 0.0
    if peak > 0:
        resampled = resampled * (_PEAK / peak)
    write_phone_wav(target, mulaw_encode(np.clip(resampled, -32768, 32767).astype(np.int16)))


def mulaw_encode(samples: NDArray[np.int16]) -> bytes:
    """G.711 mu-law: 16-bit linear samples to one byte each."""
    linear = samples.astype(np.int32)
    sign = (linear < 0).astype(np.int32) << 7
    magnitude = np.minimum(np.abs(linear), _MULAW_CLIP) + _MULAW_BIAS
    exponent = np.clip(np.floor(np.log2(magnitude)).astype(np.int32) - 7, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    encoded: bytes = (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()
    return encoded


def write_phone_wav(path: Path, mulaw: bytes) -> None:
    """Write mu-law bytes as a mono 8 kHz WAV (with the 'fact' chunk non-PCM files need)."""
    fmt = struct.pack("<HHIIHHH", WAVE_FORMAT_MULAW, 1, PHONE_RATE, PHONE_RATE, 1, 8, 0)
    fact = struct.pack("<I", len(mulaw))
    pad = b"\x00" if len(mulaw) % 2 else b""
    chunks = (
        b"fmt " + struct.pack("<I", len(fmt)) + fmt,
        b"fact" + struct.pack("<I", len(fact)) + fact,
        b"data" + struct.pack("<I", len(mulaw)) + mulaw + pad,
    )
    body = b"WAVE" + b"".join(chunks)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def write_silent_wav(path: Path, seconds: float = 0.5) -> None:
    """Write a short silent telephone WAV: a valid file to play in tests."""
    write_phone_wav(path, _MULAW_SILENCE * int(seconds * PHONE_RATE))


def read_wav_info(path: Path) -> WavInfo:
    """Read a WAV header (PCM or mu-law); ValueError when it is not a WAV file."""
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path.name} is not a WAV file")
    offset, fmt, size = 12, None, None
    while offset + 8 <= len(data):
        chunk, length = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHIIHH", data[offset + 8 : offset + 24])
        elif chunk == b"data":
            size = length
        offset += 8 + length + (length % 2)
    if fmt is None or size is None:
        raise ValueError(f"{path.name} has no fmt or data chunk")
    format_tag, channels, rate, _byte_rate, _align, bits = fmt
    return WavInfo(format_tag, channels, rate, bits, size)


def wav_seconds(path: Path) -> float:
    return read_wav_info(path).seconds
