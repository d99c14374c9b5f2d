"""Speech recognition with openai-whisper on the packaged weights."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.whisper_weights import whisper_checkpoint

# Words that Whisper would otherwise spell freely; given as the decoding prompt.
BANKING_PROMPT = "A customer calls their bank about a debit card, PIN, transfer or account."


@dataclass(frozen=True)
class Recognition:
    """Whisper's reading of some speech and how sure it was."""

    text: str
    language: str
    avg_logprob: float | None  # mean token log-probability (None: nothing recognised)
    no_speech_prob: float  # Whisper's own belief that there was no speech

    @property
    def confidence(self) -> float:
        """exp(average log-probability): the geometric-mean token probability, 0..1."""
        return 0.0 if self.avg_logprob is None else round(math.exp(self.avg_logprob), 3)


class Recognizer:
    """One Whisper model, loaded once; ``transcribe`` takes 16 kHz speech pieces."""

    def __init__(self, model: str, cache_dir: Path, language: str | None = None):
        import whisper

        self.model_name = model
        self.model = whisper.load_model(str(whisper_checkpoint(model, cache_dir)), device="cpu")
        english_only = not self.model.is_multilingual
        self.language = "en" if english_only else language

    def transcribe(self, pieces: list[np.ndarray]) -> Recognition:
        texts, languages, logprobs, no_speech, weights = [], [], [], [], []
        for piece in pieces:
            result = self.model.transcribe(
                piece,
                language=self.language,
                fp16=False,
                temperature=(0.0, 0.4),
                condition_on_previous_text=False,
                initial_prompt=BANKING_PROMPT,
            )
            languages.append(result["language"])
            for segment in result["segments"]:
                if segment["text"].strip():
                    texts.append(segment["text"].strip())
                    weight = max(1, len(segment["tokens"]))
                    logprobs.append(segment["avg_logprob"] * weight)
                    no_speech.append(segment["no_speech_prob"] * weight)
                    weights.append(weight)
        total = sum(weights)
        return Recognition(
            text=" ".join(texts),
            language=languages[0] if languages else (self.language or "en"),
            avg_logprob=round(sum(logprobs) / total, 4) if total else None,
            no_speech_prob=round(sum(no_speech) / total, 4) if total else 1.0,
        )
