"""Sound as numbers: decode any recording to 16 kHz mono, read and write WAV, resample.

Decoding goes through the ``ffmpeg`` program (Debian's package), so WAV, MP3, OGG,
WebM, FLAC and whatever a browser's microphone records all take the same path. What a
customer can get wrong (nothing sent, not audio, too long) raises :class:`AudioError`
with a message meant for them.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from math import gcd
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

SAMPLE_RATE = 16_000
FORMATS = "WAV, MP3, OGG, WebM or FLAC"
# ffmpeg reads only the uploaded file itself, and only as one of these containers: a
# playlist (HLS, concat) that points at other files or URLs is refused.
PROTOCOLS = "file"
CONTAINERS = "wav,mp3,ogg,matroska,webm,flac,mov,mp4,m4a,3gp,aac"


class AudioError(ValueError):
    """A recording Teller cannot use; the message says why, for the customer."""


def decode(source: bytes | Path, max_seconds: float) -> np.ndarray:
    """A recording (file path or raw bytes in any common format) as 16 kHz mono float
    samples in [-1, 1]. Refuses empty, unreadable and over-long recordings."""
    data = source.read_bytes() if isinstance(source, Path) else source
    if not data:
        raise AudioError("The recording is empty. Please record or upload your question again.")
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed; run `make setup` (apt package ffmpeg)")
    with tempfile.NamedTemporaryFile(suffix=".audio") as file:
        file.write(data)
        file.flush()
        # Decode a little past the limit: enough to tell "too long" without decoding an hour.
        command = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"]
        command += ["-protocol_whitelist", PROTOCOLS, "-format_whitelist", CONTAINERS]
        command += ["-i", file.name]
        command += ["-t", str(max_seconds + 1), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE)]
        command += ["-f", "s16le", "-"]
        result = subprocess.run(command, capture_output=True, timeout=120)
    if result.returncode != 0 or not result.stdout:
        raise AudioError(f"That file could not be read as audio. Please send {FORMATS}.")
    samples = np.frombuffer(result.stdout, dtype="<i2").astype(np.float32) / 32768.0
    if len(samples) > max_seconds * SAMPLE_RATE:
        raise AudioError(
            f"The recording is longer than {max_seconds:g} seconds. "
            "Please keep each question shorter."
        )
    return samples


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return samples
    common = gcd(rate, target)
    return resample_poly(samples, target // common, rate // common).astype(np.float32)


def wav_bytes(samples: np.ndarray, rate: int, channels: int = 1) -> bytes:
    """16-bit PCM WAV of float samples (shape ``(n,)`` or ``(n, channels)``)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(samples, rate, channels))
    return path


def read_wav(source: Path | bytes) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV file as mono float samples in [-1, 1] and its sample rate."""
    data = source.read_bytes() if isinstance(source, Path) else source
    with wave.open(io.BytesIO(data), "rb") as audio:
        if audio.getsampwidth() != 2:
            raise AudioError("only 16-bit PCM WAV is read here")
        frames = np.frombuffer(audio.readframes(audio.getnframes()), dtype="<i2")
        samples = frames.reshape(-1, audio.getnchannels()).mean(axis=1) / 32768.0
        return samples.astype(np.float32), audio.getframerate()
