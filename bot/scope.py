"""The scope gate: is a message about banking at all?

A second opinion beside the routing encoder's no-match threshold, learned on other
evidence (:mod:`bot.scope_training`): hashed n-grams of bank customers' messages
against everyday requests nobody asks a bank (recipes, weather, trivia, travel
bookings, jokes). A standalone message the gate finds out of scope gets no approved
answer; a follow-up ("and what about abroad?") is left to the router, which reads it
with the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.injection import normalise
from bot.ngrams import LinearTextModel

MODEL = Path(__file__).parent / "models" / "scope-gate.npz"


@dataclass(frozen=True)
class ScopeGate:
    model: LinearTextModel

    @classmethod
    def load(cls, path: Path = MODEL) -> ScopeGate:
        return cls(LinearTextModel.load(path))

    def out_of_scope(self, text: str) -> float:
        """The probability that ``text`` is not a banking matter."""
        return float(self.model.probabilities([normalise(text)])[0])

    @property
    def threshold(self) -> float:
        """At or above this probability a message is ruled out."""
        return self.model.threshold
