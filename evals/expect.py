"""Checking one turn's reply against what its script expects."""

from __future__ import annotations

from evals.scripts import SAME, Expect


def expected_intent(expect: Expect, previous: str | None) -> str | None:
    """The intent a turn should route to; ``same`` resolves to the previous turn's."""
    return previous if expect.intent == SAME else expect.intent


def failures(expect: Expect, reply: dict, previous_intent: str | None) -> list[str]:
    """Each expectation the reply misses, as ``key: expected ..., got ...``."""
    problems = []
    wanted = {
        "intent": expected_intent(expect, previous_intent),
        "emotion": expect.emotion,
        "action": expect.action,
        "escalate": expect.escalate,
        "scam_warning": expect.scam_warning,
    }
    for key, value in wanted.items():
        if value is not None and reply.get(key) != value:
            problems.append(f"{key}: expected {value}, got {reply.get(key)}")
    answer = reply.get("answer", "").lower()
    problems += [f"mentions: {w!r} missing" for w in expect.mentions if w.lower() not in answer]
    problems += [
        f"must_not_mention: {w!r} said" for w in expect.must_not_mention if w.lower() in answer
    ]
    return problems
