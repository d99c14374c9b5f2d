"""Simulated callers: a TTS voice at a speed, over a line with noise and, optionally,
the telephone band (8 kHz, 300 to 3400 Hz). Used by the call simulation, the voice
dialogues of the evaluation suite and the ASR benchmark."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from voice.audio import SAMPLE_RATE, resample
from voice.tts import Voice, load_voice

TELEPHONE_RATE = 8_000
TELEPHONE_BAND_HZ = (300.0, 3400.0)


@dataclass(frozen=True)
class Line:
    """How the caller sounds: which voice, how fast, how noisy the line is."""

    voice: str = "piper"
    speed: float = 1.0
    snr_db: float | None = None  # background noise; None: a clean line
    telephone: bool = False


class Caller:
    """Speaks scripted lines; voices are loaded once and reused."""

    def __init__(self, seed: int = 0):
        self.voices: dict[str, Voice] = {}
        self.rng = np.random.default_rng(seed)

    def say(self, text: str, line: Line) -> np.ndarray:
        """16 kHz mono samples of ``text`` as it arrives over ``line``."""
        voice = self.voices.get(line.voice) or self.voices.setdefault(
            line.voice, load_voice(line.voice)
        )
        samples = resample(voice.synthesize(text, line.speed), voice.sample_rate, SAMPLE_RATE)
        if line.telephone:
            samples = telephone_band(samples, SAMPLE_RATE)
        if line.snr_db is not None:
            samples = add_noise(samples, line.snr_db, self.rng)
        return samples


def telephone_band(samples: np.ndarray, rate: int) -> np.ndarray:
    """Band-limit to 300 to 3400 Hz and pass through 8 kHz, as a phone line does."""
    sos = butter(6, TELEPHONE_BAND_HZ, btype="bandpass", fs=rate, output="sos")
    narrow = resample(sosfiltfilt(sos, samples).astype(np.float32), rate, TELEPHONE_RATE)
    return resample(narrow, TELEPHONE_RATE, rate)


def add_noise(samples: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """White noise at ``snr_db`` below the speech's power."""
    power = float(np.mean(samples**2)) or 1e-8
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(samples))
    return np.clip(samples + noise, -1.0, 1.0).astype(np.float32)
