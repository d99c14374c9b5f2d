"""The data a turn passes along: typed, small, and serialisable for the audit store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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


@dataclass
class Reply:
    """What the customer gets back from one turn, plus its audit record."""

    answer: str
    action: Action
    session_id: str
    intent: str | None = None
    faq_ids: list[str] = field(default_factory=list)
    confidence: float = 0.0
    emotion: Emotion = field(default_factory=Emotion)
    tone: str = "neutral"
    escalate: bool = False
    scam_warning: bool = False
    citations: list[Citation] = field(default_factory=list)
    grounded: bool = True
    ticket: str | None = None
    saved: bool = True
    latency_ms: dict[str, float] = field(default_factory=dict)
    audit: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The public shape of a reply (``teller ask --json``, the REST API)."""
        data = asdict(self)
        data["action"] = str(self.action)
        data["emotion"] = self.emotion.label
        data["emotion_detail"] = asdict(self.emotion)
        data["hits"] = self.audit.get("retrieval", {}).get("hits", [])
        del data["audit"]
        return data
