"""Example customer messages, each labelled with the intent it expresses.

Banking77's train split (PolyAI, CC BY 4.0) gives the exemplars of the 77 card and
payment intents; ``data/exemplars/*.csv`` adds the bank's own extra topics. Both go
into the index beside the FAQ entries, so that a message routes to the intent whose
examples it resembles.
"""

from __future__ import annotations

import csv
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


def exemplar_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return [data_dir / "banking77" / "train.csv", *sorted((data_dir / "exemplars").glob("*.csv"))]


def load_exemplars(data_dir: Path = DATA_DIR) -> list[Exemplar]:
    """All exemplars: Banking77 train, then the bank's own."""
    return [ex for path in exemplar_files(data_dir) for ex in read_labelled_csv(path)]
