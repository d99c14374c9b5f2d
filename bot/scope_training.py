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

from dataclasses import dataclass
from pathlib import Path

from bot.injection import normalise
from bot.ngrams import LinearTextModel, fit_calibrated, hold_out
from knowledge.exemplars import read_customer_messages, read_jsonl, read_labelled_csv

DATA = Path(__file__).resolve().parent.parent / "knowledge" / "data"
BANK_NOTES = frozenset({"plain", "trigger_words", "scam_report"})


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
    split = hold_out([inside, outside], held, seed)
    (train_in, aside_in), (train_out, aside_out) = [
        ([normalise(t) for t in kept], [normalise(t) for t in aside]) for kept, aside in split
    ]
    model, out_ruled_out, in_ruled_out = fit_calibrated(
        train_out, train_in, aside_out, aside_in, c, max_in_scope_ruled_out
    )
    return Trained(model, len(inside), len(outside), in_ruled_out, out_ruled_out)
