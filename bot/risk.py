"""The risk step: signs that a scam or fraud is in progress.

``ScamSignals`` combines the routed intent (the FAQ's scam entries) with explicit
signals in the message; the trained detector keeps the same ``assess`` interface.
"""

from __future__ import annotations

import re
from typing import Protocol

from bot.types import Risk
from knowledge.retriever import Retrieval

SIGNALS = {
    "safe_account": r"\bsafe\s+account\b",
    "code_request": r"\b(one[- ]time|otp|security|verification|6[- ]digit)\s+(pass)?code\b.{0,40}"
    r"\b(asked|ask|wants?|read|give|tell|share)|\b(asked|ask|wants?)\b.{0,40}\b(pin|passcode|"
    r"one[- ]time|otp|code)\b",
    "remote_access": r"\b(anydesk|teamviewer|screen\s*shar\w*|remote\s+(access|desktop|control)"
    r"|quick\s*support)\b",
    "investment": r"\b(guaranteed\s+(return|profit)|double\s+your\s+money|crypto\s+invest\w*|"
    r"risk[- ]free\s+invest\w*)\b",
    "impersonation": r"\b(claim\w*|says?|said|pretend\w*)\b.{0,30}\b(from|be)\s+(the\s+)?(bank|"
    r"police|hmrc|fraud\s+team|lindenbrook)\b",
}
COMPILED = {name: re.compile(pattern, re.I | re.S) for name, pattern in SIGNALS.items()}


class RiskModel(Protocol):
    def assess(self, text: str, retrieval: Retrieval) -> Risk: ...


class ScamSignals:
    """Scam when the message's vote for the FAQ's scam topic reaches ``min_vote`` (the
    retriever's calibrated confidence threshold; the scam topic may win or come
    second, and counts even when the message as a whole gets no approved answer), or
    when the message names a scam signal outright. The vote is the message's own: a
    follow-up routed with the help of an earlier scam turn ("thank you, I nearly did!")
    raises no new alarm unless it names a signal itself."""

    def __init__(self, min_vote: float = 0.3):
        self.min_vote = min_vote

    def assess(self, text: str, retrieval: Retrieval) -> Risk:
        signals = [name for name, pattern in COMPILED.items() if pattern.search(text)]
        own = retrieval.standalone or retrieval
        vote = max((hit.score for hit in own.hits if hit.intent == "scam"), default=0.0)
        if vote >= self.min_vote:
            signals.append("scam_intent")
        score = max(vote, min(1.0, 0.45 * len(signals)))
        return Risk(scam=bool(signals), score=round(score, 3), signals=tuple(signals))
