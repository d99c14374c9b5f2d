"""Example customer messages, each labelled with the intent it expresses.

Banking77's train split (PolyAI, CC BY 4.0) gives the exemplars of the 77 card and
payment intents; ``data/exemplars/*.csv`` adds the bank's own extra topics;
``data/customer_messages/*.jsonl`` holds messages written the way customers really
write (long, emotional, typos); ``data/out_of_domain/`` holds everyday requests from
other domains, labelled ``out_of_scope``. All go into the index beside the FAQ
entries, so that a message routes to the intent whose examples it resembles.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from knowledge import DATA_DIR


@dataclass(frozen=True)
class Exemplar:
    text: str
    intent: str


def read_labelled_csv(path: Path) -> list[Exemplar]:
    """Read a ``text,category`` CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [Exemplar(row["text"].strip(), row["category"]) for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class CustomerMessage:
    """A message written for Teller, labelled with its intent and the customer's emotion."""

    text: str
    intent: str
    emotion: str


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object per line; blank lines skipped. Lines break only at "\n" (a text
    may hold other Unicode line separators)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip()]


def read_customer_messages(data_dir: Path = DATA_DIR) -> list[CustomerMessage]:
    return [
        CustomerMessage(**row)
        for path in sorted((data_dir / "customer_messages").glob("*.jsonl"))
        for row in read_jsonl(path)
    ]


def exemplar_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return [
        data_dir / "banking77" / "train.csv",
        *sorted((data_dir / "exemplars").glob("*.csv")),
        *sorted((data_dir / "out_of_domain").glob("*.csv")),
    ]


def load_exemplars(data_dir: Path = DATA_DIR) -> list[Exemplar]:
    """All exemplars: Banking77 train, the bank's own, out-of-domain requests, then the
    customer messages written for Teller."""
    labelled = [ex for path in exemplar_files(data_dir) for ex in read_labelled_csv(path)]
    written = [Exemplar(m.text, m.intent) for m in read_customer_messages(data_dir)]
    return labelled + written
