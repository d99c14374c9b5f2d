"""Earlier turns of a conversation, as the pipeline reads them back from the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.decide import OFF_TOPIC, Memory
from bot.trace import TurnTrace
from knowledge.retriever import CONVERSATIONAL


@dataclass(frozen=True)
class PastTurn:
    customer: str
    reply: str
    action: str
    intent: str | None
    emotion: str
    trace: TurnTrace | None = None  # None for turns stored by an older version of Teller

    @property
    def reason(self) -> str | None:
        """Why the turn was answered as it was, when known."""
        decision = self.trace.decision if self.trace else None
        return decision.reason if decision else None


def memory_of(history: Sequence[PastTurn]) -> Memory:
    """Unhelped banking turns and angry turns in a row, up to now (a request that was
    not a banking matter ends the run of unhelped turns), whether a colleague already
    has the conversation, the banking topic of the latest turn answered or handed over
    on one, and how many turns said Teller was not helping."""
    failures = angry = 0
    for turn in reversed(history):
        if turn.action not in ("decline", "clarify") or turn.reason == OFF_TOPIC:
            break
        failures += 1
    for turn in reversed(history):
        if turn.emotion != "angry":
            break
        angry += 1
    handed_over = reference_in_force(history) is not None
    topic = next(
        (
            t.intent
            for t in reversed(history)
            if t.action in ("answer", "escalate")
            and t.intent
            and t.intent not in CONVERSATIONAL
            and t.intent != "out_of_scope"
        ),
        None,
    )
    unhelped = sum(1 for t in history if t.trace and t.trace.requests.dissatisfied)
    return Memory(
        failures=failures,
        angry_turns=angry,
        handed_over=handed_over,
        topic=topic,
        unhelped=unhelped,
    )


def reference_in_force(history: Sequence[PastTurn]) -> str | None:
    """The handoff reference of the conversation, if a colleague already has it."""
    return next(
        (t.trace.reference for t in reversed(history) if t.trace and t.trace.reference), None
    )


def topic_turn(history: Sequence[PastTurn]) -> PastTurn | None:
    """The turn that set the conversation's topic: the latest that was routed on its own
    words to a banking answer (not a follow-up, small talk, a request for a person or
    a decline). A follow-up of a follow-up leans on it, not on "and is there a fee?"."""
    for turn in reversed(history):
        if turn.trace is None:
            return turn  # stored by an older version: the latest turn, as before
        routed = turn.trace.retrieval  # None when the turn was refused before routing
        if routed and not (routed.used_history or routed.no_match or turn.intent in CONVERSATIONAL):
            return turn
    return None
