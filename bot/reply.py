"""What the customer gets back from a turn: a view of its :class:`TurnTrace`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from bot.trace import TurnTrace
from bot.types import Action, Citation, Emotion


@dataclass(frozen=True)
class Reply:
    answer: str
    action: Action
    session_id: str
    intent: str | None
    faq_ids: list[str]
    confidence: float
    emotion: Emotion
    tone: str
    escalate: bool
    scam_warning: bool
    redacted: bool
    citations: list[Citation]
    grounded: bool
    ticket: str | None
    saved: bool
    busy: bool  # the LLM was too busy to take the turn: the approved text, at once
    latency_ms: dict[str, float]
    trace: TurnTrace = field(repr=False, compare=False)

    @classmethod
    def of(cls, trace: TurnTrace) -> Reply:
        citations = list(trace.decision.citations) if trace.decision else []
        latency = dict(trace.timings_ms)
        if trace.generation and trace.generation.first_token_ms is not None:
            latency["first_token"] = trace.generation.first_token_ms
        return cls(
            answer=trace.answer,
            action=trace.action,
            session_id=trace.session_id,
            intent=trace.intent,
            faq_ids=[c.faq_id for c in citations],
            confidence=trace.retrieval.confidence if trace.retrieval else 0.0,
            emotion=trace.emotion,
            tone=trace.tone,
            escalate=trace.action is Action.ESCALATE,
            scam_warning=trace.risk.scam,
            redacted=bool(trace.pii),
            citations=citations,
            grounded=trace.grounded is True,
            ticket=trace.reference,
            saved=trace.saved,
            busy=any(v.check == "busy" for v in trace.generation.verdicts)
            if trace.generation
            else False,
            latency_ms=latency,
            trace=trace,
        )

    @property
    def refused(self) -> str | None:
        """Why the customer's input could not be used, if it could not."""
        return self.trace.rejected

    def to_json(self) -> dict:
        """The public shape of a reply (``teller ask --json``, the REST API)."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del data["trace"]
        data["action"] = str(self.action)
        data["emotion"] = self.emotion.label
        data["emotion_detail"] = asdict(self.emotion)
        data["citations"] = [asdict(c) for c in self.citations]
        retrieval = self.trace.retrieval
        data["hits"] = [asdict(h) for h in retrieval.hits] if retrieval else []
        return data
