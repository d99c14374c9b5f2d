"""The turn as data: one frozen, typed record that every stage of a turn fills.

The reply, the stored audit row, ``teller export``, the agent console and the
evaluation results are all derived from a :class:`TurnTrace`; its JSON form
(:meth:`TurnTrace.to_json` / :meth:`TurnTrace.from_json`, versioned by
``SCHEMA_VERSION``) is the one boundary where it is written and read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from pydantic import TypeAdapter

from bot.signals import Requests
from bot.types import Action, Citation, Emotion, Risk
from voice.listen import Transcript

SCHEMA_VERSION = 2
Origin = Literal["teller", "approved"]  # Teller's own fixed text, or an approved entry's


class TraceVersionError(ValueError):
    """A stored record written by another version of the trace."""


@dataclass(frozen=True)
class HitRecord:
    faq_id: str
    intent: str
    score: float
    similarity: float


@dataclass(frozen=True)
class RetrievalRecord:
    encoder: str
    no_match: bool
    top_similarity: float
    used_history: bool
    hits: tuple[HitRecord, ...] = ()
    out_of_scope: float | None = None  # the scope gate's view of a standalone message

    @property
    def confidence(self) -> float:
        return self.hits[0].score if self.hits else 0.0


@dataclass(frozen=True)
class DecisionRecord:
    action: Action
    reason: str
    intent: str | None = None
    escalate_reason: str | None = None
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """One check of a generated reply: passed or not, and why."""

    check: str
    passed: bool
    reason: str = ""
    unsupported: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenerationRecord:
    """How the reply's main text was made: by the LLM (and the checks it passed) or
    from the approved text (and, if the LLM was tried, why its text was withdrawn)."""

    backend: str
    source: Literal["llm", "approved"]
    prompt: str | None = None
    entry_ids: tuple[str, ...] = ()
    raw_text: str = ""  # everything the LLM wrote, delivered or not
    tokens: int = 0
    first_token_ms: float | None = None
    verdicts: tuple[Verdict, ...] = ()
    fallback: str | None = None  # why the LLM's text was not delivered


@dataclass(frozen=True)
class Part:
    """A piece of the delivered answer and who wrote it."""

    text: str
    origin: Origin


@dataclass(frozen=True)
class Ticket:
    number: str
    reason: str
    summary: str
    transcript: tuple[tuple[str, str], ...]  # (role, text)
    emotions: tuple[str, ...]


@dataclass(frozen=True)
class TurnTrace:
    """Everything one turn did. Stages return a copy with their own fields filled."""

    session_id: str
    channel: Literal["text", "voice"] = "text"
    message: str = ""  # the customer's words as stored: cleaned, then masked
    rejected: str | None = None  # the input could not be used: what the customer was told
    halted: bool = False  # a stage ended the turn early
    transcript: Transcript | None = None  # a voice turn's transcript
    pii: tuple[str, ...] = ()  # kinds of personal data masked in the message
    shared_secret: bool = False  # a card or account number was shared
    injection: bool = False
    requests: Requests = field(default_factory=Requests)  # a person asked for; unhelped
    emotion: Emotion = field(default_factory=Emotion)
    risk: Risk = field(default_factory=Risk)
    retrieval: RetrievalRecord | None = None
    decision: DecisionRecord | None = None
    tone: str = "neutral"
    generation: GenerationRecord | None = None
    parts: tuple[Part, ...] = ()
    ticket: Ticket | None = None  # the ticket opened by this turn
    reference: str | None = None  # the handoff reference in force (this turn's or earlier)
    grounded: bool | None = None  # None until the delivered answer has been checked
    unsupported: tuple[str, ...] = ()  # delivered sentences the support check rejected
    saved: bool = True
    timings_ms: dict[str, float] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    schema: int = SCHEMA_VERSION

    @property
    def answer(self) -> str:
        return " ".join(part.text for part in self.parts if part.text)

    @property
    def action(self) -> Action:
        return self.decision.action if self.decision else Action.CLARIFY

    @property
    def intent(self) -> str | None:
        return self.decision.intent if self.decision else None

    def with_part(self, text: str, origin: Origin) -> TurnTrace:
        return replace(self, parts=(*self.parts, Part(text, origin)))

    def with_error(self, error: str) -> TurnTrace:
        return replace(self, errors=(*self.errors, error))

    def to_json(self) -> dict:
        return _adapter().dump_python(self, mode="json")

    @classmethod
    def from_json(cls, data: dict) -> TurnTrace:
        version = data.get("schema")
        if version != SCHEMA_VERSION:
            raise TraceVersionError(f"turn record schema {version!r}, expected {SCHEMA_VERSION}")
        return _adapter().validate_python(data)


@cache
def _adapter() -> TypeAdapter:
    return TypeAdapter(TurnTrace)
