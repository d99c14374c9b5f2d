"""The small value types a turn is made of (the fixed vocabularies of DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    DECLINE = "decline"
    ESCALATE = "escalate"


EMOTIONS = ("angry", "anxious", "sad", "confused", "happy", "neutral")


@dataclass(frozen=True)
class Emotion:
    label: str = "neutral"
    score: float = 1.0
    intensity: float = 0.0


@dataclass(frozen=True)
class Risk:
    scam: bool = False
    score: float = 0.0
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    faq_id: str
    title: str
    score: float
