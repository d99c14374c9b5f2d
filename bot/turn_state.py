"""A turn between stages: what it starts from, its state, and the stage interface."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import ClassVar

from bot.decide import Decision
from bot.events import Token
from bot.history import PastTurn
from bot.tone import Tone
from bot.trace import DecisionRecord, TurnTrace
from bot.types import Action
from knowledge.retriever import Retrieval
from voice.listen import Transcript

Events = Generator[Token, None, "TurnState"]


@dataclass(frozen=True)
class TurnInput:
    """What a turn starts from."""

    message: str | bytes
    history: tuple[PastTurn, ...] = ()
    transcript: Transcript | None = None  # a voice turn's transcript (its cues steer emotion)


@dataclass(frozen=True)
class TurnState:
    """A turn between stages: its trace so far, and the live objects later stages use."""

    trace: TurnTrace
    inputs: TurnInput
    retrieval: Retrieval | None = None
    decision: Decision | None = None
    tone: Tone | None = None

    def traced(self, **fields) -> TurnState:
        """The state with these trace fields set."""
        return self.with_trace(replace(self.trace, **fields))

    def with_trace(self, trace: TurnTrace) -> TurnState:
        return replace(self, trace=trace)


class Stage:
    """One step of a turn. Override :meth:`run`, or :meth:`stream` to show text."""

    name: ClassVar[str]
    after_halt: ClassVar[bool] = False  # runs even when an earlier stage ended the turn
    computes: ClassVar[bool] = True  # holds the CPU lock (False: waits on something else)

    def run(self, state: TurnState) -> TurnState:
        raise NotImplementedError

    def stream(self, state: TurnState) -> Events:
        return self.run(state)
        yield  # a plain stage shows no text


def refused(trace: TurnTrace, notice: str, stored: str, rejected: bool) -> TurnState:
    """A turn whose input could not be used: the customer is asked again."""
    decision = DecisionRecord(Action.CLARIFY, "input not usable")
    trace = replace(
        trace,
        message=stored,
        rejected=notice if rejected else None,
        halted=True,
        decision=decision,
    )
    return TurnState(trace.with_part(notice, "teller"), TurnInput(""))
