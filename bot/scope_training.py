"""Training the scope gate (``teller train scope``).

In scope: Banking77's training questions, Teller's customer messages (small talk and
requests for a person included), the bank's extra-topic and wording exemplars, and the
ordinary bank messages written for the injection screen. Out of scope: the SGD
requests of 16 other domains, the out-of-scope customer messages and exemplars, and the
written off-topic requests. A stratified sixth is kept aside; the threshold is the
lowest at which at most ``max_in_scope_ruled_out`` of its in-scope messages are ruled
out. Nothing under ``evals/`` is read.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.injection import normalise
from bot.ngrams import LinearTextModel, fit, threshold_for
from knowledge.exemplars import read_customer_messages, read_labelled_csv

DATA = Path(__file__).resolve().parent.parent / "knowledge" / "data"
BANK_NOTES = frozenset({"plain", "trigger_words", "scam_report"})


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip()]


def examples() -> tuple[list[str], list[str]]:
    """(in scope, out of scope) messages."""
    customers = read_customer_messages()
    written = DATA / "injection" / "written"
    inside = [e.text for e in read_labelled_csv(DATA / "banking77" / "train.csv")]
    inside += [m.text for m in customers if m.intent != "out_of_scope"]
    for name in ("extra_intents.csv", "debit_card_wording.csv"):
        inside += [e.text for e in read_labelled_csv(DATA / "exemplars" / name)]
    inside += [r["text"] for r in read_jsonl(written / "benign.jsonl") if r["note"] in BANK_NOTES]
    outside = [e.text for e in read_labelled_csv(DATA / "out_of_domain" / "sgd_user_turns.csv")]
    outside += [m.text for m in customers if m.intent == "out_of_scope"]
    outside += [e.text for e in read_labelled_csv(DATA / "exemplars" / "out_of_scope.csv")]
    outside += [r["text"] for r in read_jsonl(written / "off_topic.jsonl")]
    return sorted(set(inside)), sorted(set(outside) - set(inside))


@dataclass(frozen=True)
class Trained:
    model: LinearTextModel
    in_scope: int
    out_of_scope: int
    dev_in_scope_ruled_out: float
    dev_out_of_scope_ruled_out: float


def train(
    seed: int = 13, c: float = 8.0, max_in_scope_ruled_out: float = 0.005, held: float = 1 / 6
) -> Trained:
    inside, outside = examples()
    rng = random.Random(seed)
    rng.shuffle(inside)
    rng.shuffle(outside)
    cut_in, cut_out = round(len(inside) * held), round(len(outside) * held)
    train_texts = inside[cut_in:] + outside[cut_out:]
    labels = [False] * (len(inside) - cut_in) + [True] * (len(outside) - cut_out)
    model = fit([normalise(t) for t in train_texts], labels, c)
    kept_in = model.probabilities([normalise(t) for t in inside[:cut_in]])
    kept_out = model.probabilities([normalise(t) for t in outside[:cut_out]])
    model = model.with_threshold(threshold_for(kept_in, max_in_scope_ruled_out))
    return Trained(
        model,
        len(inside),
        len(outside),
        round(float(np.mean(kept_in >= model.threshold)), 4),
        round(float(np.mean(kept_out >= model.threshold)), 4),
    )
