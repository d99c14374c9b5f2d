"""The intent vocabulary: the 77 Banking77 labels and the bank's own extra topics."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class IntentVocabulary:
    banking77: tuple[str, ...]
    extra: dict[str, str]

    @property
    def all(self) -> frozenset[str]:
        return frozenset(self.banking77) | frozenset(self.extra)

    def __contains__(self, intent: object) -> bool:
        return intent in self.all


def load_intents(path: Path) -> IntentVocabulary:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return IntentVocabulary(banking77=tuple(data["banking77"]), extra=dict(data["extra"]))
