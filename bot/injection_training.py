"""Training the injection screen (``teller train injection``).

Attacks: public labelled prompt-injection and jailbreak sets and Teller's own written
attacks (``knowledge/data/injection/``). Benign: the public sets' benign prompts,
Teller's written benign messages (trigger words in innocent senses, scam reports
quoting fraudsters, other languages, off-topic requests), every customer message Teller trains on,
Banking77's training questions and the out-of-domain requests. A stratified sixth is
kept aside: the threshold is the lowest that flags at most ``max_false_positives`` of
its benign bank messages. Nothing under ``evals/`` is read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.injection import InjectionScreen, normalise
from bot.ngrams import fit, hold_out, threshold_for
from knowledge.exemplars import read_customer_messages, read_jsonl, read_labelled_csv

DATA = Path(__file__).resolve().parent.parent / "knowledge" / "data"
INJECTION = DATA / "injection"
# Written benign messages that are a bank customer's (where false positives count).
BANK_NOTES = frozenset({"plain", "trigger_words", "scam_report", "multilingual", "pasted"})


@dataclass(frozen=True)
class Example:
    text: str
    attack: bool
    source: str
    bank: bool  # a bank customer's message (where false positives are counted)


def training_examples() -> list[Example]:
    examples = []
    for path in sorted((INJECTION / "public").glob("*.jsonl")):
        examples += [
            Example(row["text"], bool(row["label"]), path.stem, False) for row in read_jsonl(path)
        ]
    for path in sorted((INJECTION / "written").glob("*.jsonl")):
        attack = path.stem == "attacks"
        examples += [
            Example(
                r["text"], attack, f"written_{path.stem}", not attack and r["note"] in BANK_NOTES
            )
            for r in read_jsonl(path)
        ]
    examples += [
        Example(m.text, False, "customer_messages", True) for m in read_customer_messages()
    ]
    examples += [
        Example(e.text, False, "banking77", True)
        for e in read_labelled_csv(DATA / "banking77" / "train.csv")
    ]
    examples += [
        Example(e.text, False, "out_of_domain", False)
        for e in read_labelled_csv(DATA / "out_of_domain" / "sgd_user_turns.csv")
    ]
    return list({(e.text, e.attack): e for e in examples}.values())


def split(examples: list[Example], held: float, seed: int) -> tuple[list, list]:
    """A stratified share ``held`` of each (source, label) group aside."""
    groups: dict[tuple, list[Example]] = {}
    for example in examples:
        groups.setdefault((example.source, example.attack), []).append(example)
    splits = hold_out(list(groups.values()), held, seed)
    return [e for kept, _ in splits for e in kept], [e for _, aside in splits for e in aside]


@dataclass(frozen=True)
class Trained:
    screen: InjectionScreen
    examples: Counter
    dev_recall: float
    dev_bank_false_positives: float
    dev_other_false_positives: float


def train(
    seed: int = 13, c: float = 16.0, max_false_positives: float = 0.002, held: float = 1 / 6
) -> Trained:
    examples = training_examples()
    train_set, dev = split(examples, held, seed)
    model = fit([normalise(e.text) for e in train_set], [e.attack for e in train_set], c)
    scores = InjectionScreen(model).scores([e.text for e in dev])
    bank = np.array([e.bank and not e.attack for e in dev])
    other = np.array([not e.bank and not e.attack for e in dev])
    attack = np.array([e.attack for e in dev])
    screen = InjectionScreen(model.with_threshold(threshold_for(scores[bank], max_false_positives)))
    flagged = scores >= screen.threshold
    return Trained(
        screen,
        Counter((e.source, "attack" if e.attack else "benign") for e in examples),
        round(float(flagged[attack].mean()), 4),
        round(float(flagged[bank].mean()), 4),
        round(float(flagged[other].mean()), 4),
    )
