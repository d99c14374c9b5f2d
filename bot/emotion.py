"""The emotion step: a label from the fixed six, with a score and an intensity.

``TrainedEmotion`` is the classifier trained by ``teller train emotion`` (see
``bot/emotion_training.py``): a fine-tuned MiniLM encoder and a linear head, one
weight row and one bias per label; the label's probability is a softmax of the
head's logits.

On a voice turn the text's label is fused with the acoustic arousal of the audio
(``voice.cues``) by one rule: an agitated voice (arousal at least ``HIGH_AROUSAL``)
turns a calm text label (neutral, confused) into the more likely of the two
high-arousal labels, angry or anxious, by the text's own probabilities, and the
intensity becomes at least the arousal; a flat voice (arousal at most
``LOW_AROUSAL``) halves the intensity of an angry or anxious text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.types import Emotion
from knowledge.encoder import SentenceEncoder
from voice.cues import AcousticCues

MODEL_DIR = Path(__file__).parent / "models" / "emotion-minilm"
EXCLAMATIONS = re.compile(r"!")
HIGH_AROUSAL = 0.65
LOW_AROUSAL = 0.35
CALM_LABELS = ("neutral", "confused")
AROUSED_LABELS = ("angry", "anxious")


class EmotionModel(Protocol):
    def classify(self, text: str, cues: AcousticCues | None = None) -> Emotion: ...


class TrainedEmotion:
    def __init__(self, model_dir: Path = MODEL_DIR, threads: int | None = None):
        self.encoder = SentenceEncoder(model_dir, "emotion-minilm", threads)
        classes = json.loads((model_dir / "classes.json").read_text(encoding="utf-8"))
        self.labels: list[str] = classes["labels"]
        self.weights = np.asarray(classes["weights"], dtype=np.float32)
        self.biases = np.asarray(classes["biases"], dtype=np.float32)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """One row of label probabilities per text, columns in ``self.labels`` order."""
        logits = self.encoder.encode(texts) @ self.weights.T + self.biases
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def classify(self, text: str, cues: AcousticCues | None = None) -> Emotion:
        probabilities = dict(zip(self.labels, self.probabilities([text])[0].tolist(), strict=True))
        label = max(probabilities, key=probabilities.get)
        emotion = Emotion(
            label, round(probabilities[label], 3), intensity(label, probabilities[label], text)
        )
        return fuse(emotion, probabilities, cues) if cues else emotion


def fuse(text: Emotion, probabilities: dict[str, float], cues: AcousticCues) -> Emotion:
    """The documented rule joining the text's label and the voice's arousal."""
    arousal = cues.arousal
    if arousal >= HIGH_AROUSAL and text.label in CALM_LABELS:
        label = max(AROUSED_LABELS, key=lambda name: probabilities[name])
        return Emotion(label, round(probabilities[label], 3), round(arousal, 3))
    if arousal >= HIGH_AROUSAL and text.label in AROUSED_LABELS:
        return Emotion(text.label, text.score, round(max(text.intensity, arousal), 3))
    if arousal <= LOW_AROUSAL and text.label in AROUSED_LABELS:
        return Emotion(text.label, text.score, round(text.intensity / 2, 3))
    return text


def intensity(label: str, score: float, text: str) -> float:
    """How strongly the emotion shows, from 0 to 1: the model's confidence scaled to
    at most 0.6 for plain text, raised by exclamation marks and by shouting (mostly
    capital letters); zero for neutral."""
    if label == "neutral":
        return 0.0
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)
    boost = 0.1 * min(3, len(EXCLAMATIONS.findall(text))) + 0.2 * shouting
    return round(min(1.0, score * (0.6 + boost)), 3)
