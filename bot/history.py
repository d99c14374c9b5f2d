"""Earlier turns of a conversation, as the pipeline reads them back from the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.decide import Memory
from bot.trace import TurnTrace


@dataclass(frozen=True)
class PastTurn:
    customer: str
    reply: str
    action: str
    intent: str | None
    emotion: str
    trace: TurnTrace | None = None  # None for turns stored by an older version of Teller


def memory_of(history: Sequence[PastTurn]) -> Memory:
    """Unhelped turns and angry turns in a row, up to now."""
    failures = angry = 0
    for turn in reversed(history):
        if turn.action not in ("decline", "clarify"):
            break
        failures += 1
    for turn in reversed(history):
        if turn.emotion != "angry":
            break
        angry += 1
    handed_over = reference_in_force(history) is not None
    return Memory(failures=failures, angry_turns=angry, handed_over=handed_over)


def reference_in_force(history: Sequence[PastTurn]) -> str | None:
    """The handoff reference of the conversation, if a colleague already has it."""
    return next(
        (t.trace.reference for t in reversed(history) if t.trace and t.trace.reference), None
    )
