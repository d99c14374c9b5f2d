"""The ear of a voice turn: recording in, :class:`Transcript` out.

decode (ffmpeg, 16 kHz mono) -> VAD (silence trimmed; no speech means nothing heard)
-> Whisper -> acoustic cues; each stage timed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voice.asr import Recognition, Recognizer
from voice.audio import SAMPLE_RATE, decode
from voice.cues import AcousticCues, acoustic_cues
from voice.timing import Stopwatch
from voice.vad import SpeechDetector


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    model: str
    avg_logprob: float | None
    no_speech_prob: float
    confidence: float
    duration_s: float  # the whole recording
    speech_s: float  # what the VAD kept
    cues: AcousticCues | None
    timings_ms: dict[str, float] = field(default_factory=dict)

    def usable(self, min_logprob: float, max_no_speech: float) -> bool:
        """Whether the recording gave words Teller can act on; if not, the customer is
        asked to say it again rather than answered on a guess."""
        return (
            bool(self.text)
            and self.avg_logprob is not None
            and self.avg_logprob >= min_logprob
            and self.no_speech_prob <= max_no_speech
        )

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "model": self.model,
            "language": self.language,
            "confidence": self.confidence,
            "avg_logprob": self.avg_logprob,
            "no_speech_prob": self.no_speech_prob,
            "duration_s": self.duration_s,
            "speech_s": self.speech_s,
        }


class Listener:
    def __init__(self, recognizer: Recognizer, detector: SpeechDetector, max_seconds: float):
        self.recognizer = recognizer
        self.detector = detector
        self.max_seconds = max_seconds

    def listen(self, recording: bytes | Path) -> Transcript:
        """Transcribe a recording (a path, or the bytes of any common audio format).
        Raises :class:`voice.audio.AudioError` for empty, unreadable or over-long input."""
        watch = Stopwatch()
        samples = decode(recording, self.max_seconds)
        watch.lap("decode")
        return self.hear(samples, watch)

    def hear(self, samples: np.ndarray, watch: Stopwatch | None = None) -> Transcript:
        """Transcribe 16 kHz mono samples."""
        watch = watch or Stopwatch()
        speech = self.detector.speech(samples)
        watch.lap("vad")
        pieces = speech.pieces(samples)
        recognition = (
            self.recognizer.transcribe(pieces)
            if pieces
            else Recognition("", self.recognizer.language or "en", None, 1.0)
        )
        watch.lap("asr")
        cues = acoustic_cues(np.concatenate(pieces), SAMPLE_RATE) if pieces else None
        watch.lap("cues")
        return Transcript(
            text=recognition.text,
            language=recognition.language,
            model=self.recognizer.model_name,
            avg_logprob=recognition.avg_logprob,
            no_speech_prob=recognition.no_speech_prob,
            confidence=recognition.confidence,
            duration_s=round(len(samples) / SAMPLE_RATE, 2),
            speech_s=round(speech.seconds, 2),
            cues=cues,
            timings_ms=watch.laps,
        )
