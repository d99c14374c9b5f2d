"""Earlier turns of a conversation, as the pipeline reads them back from the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.decide import Memory
from bot.prompt import Exchange
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
    return Memory(failures=failures, angry_turns=angry)


def exchanges(history: Sequence[PastTurn]) -> list[Exchange]:
    """Earlier turns as the LLM saw them, where it was asked; otherwise as shown."""
    result = []
    for turn in history:
        generation = turn.trace.generation if turn.trace else None
        if generation is not None and generation.prompt is not None:
            written = generation.raw_text if generation.source == "llm" else turn.reply
            result.append(Exchange(generation.prompt, written, generation.entry_ids))
        else:
            result.append(Exchange(f"Customer: {turn.customer}", turn.reply))
    return result
