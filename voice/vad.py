"""Voice activity detection with Silero VAD (its ONNX model ships in the ``silero-vad``
package): where the speech is, so silence is trimmed before Whisper, a recording with
no speech never reaches it, and long recordings are cut at pauses into pieces Whisper
takes in one window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from voice.audio import SAMPLE_RATE

WHISPER_WINDOW_S = 28.0  # a piece stays under Whisper's 30 s window


@dataclass(frozen=True)
class Speech:
    """The speech found in a recording: sample ranges, in order."""

    spans: tuple[tuple[int, int], ...]

    @property
    def seconds(self) -> float:
        return sum(end - start for start, end in self.spans) / SAMPLE_RATE

    def pieces(self, samples: np.ndarray) -> list[np.ndarray]:
        """The speech cut into pieces of at most ``WHISPER_WINDOW_S``, each made of whole
        spans (with the pauses between them) so no word is cut."""
        limit = int(WHISPER_WINDOW_S * SAMPLE_RATE)
        pieces, start, end = [], None, None
        for span_start, span_end in self.spans:
            if start is not None and span_end - start > limit:
                pieces.append(samples[start:end])
                start = None
            if start is None:
                start = span_start
            end = span_end
        if start is not None:
            pieces.append(samples[start:end])
        return pieces


class SpeechDetector:
    def __init__(self, threshold: float = 0.5, min_silence_ms: int = 300, pad_ms: int = 150):
        # Importing silero_vad sets torch to one thread for the whole process; undo that.
        threads = torch.get_num_threads()
        from silero_vad import get_speech_timestamps, load_silero_vad

        torch.set_num_threads(threads)
        self._timestamps = get_speech_timestamps
        self.model = load_silero_vad(onnx=True)
        self.threshold = threshold
        self.min_silence_ms = min_silence_ms
        self.pad_ms = pad_ms

    def speech(self, samples: np.ndarray) -> Speech:
        """Where someone speaks in 16 kHz samples (no spans: silence or noise only)."""
        stamps = self._timestamps(
            torch.from_numpy(samples),
            self.model,
            threshold=self.threshold,
            sampling_rate=SAMPLE_RATE,
            min_silence_duration_ms=self.min_silence_ms,
            speech_pad_ms=self.pad_ms,
            max_speech_duration_s=WHISPER_WINDOW_S,
        )
        return Speech(tuple((stamp["start"], stamp["end"]) for stamp in stamps))
