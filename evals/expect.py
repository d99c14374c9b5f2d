"""Checking one turn's reply against what its script expects."""

from __future__ import annotations

from bot.reply import Reply
from evals.scripts import SAME, Expect


def expected_intent(expect: Expect, previous: str | None) -> str | None:
    """The intent a turn should route to; ``same`` resolves to the previous turn's."""
    return previous if expect.intent == SAME else expect.intent


def failures(expect: Expect, reply: Reply, previous_intent: str | None) -> list[str]:
    """Each expectation the reply misses, as ``key: expected ..., got ...``."""
    problems = []
    checks = (
        ("intent", expected_intent(expect, previous_intent), reply.intent),
        ("emotion", expect.emotion, reply.emotion.label),
        ("action", expect.action, str(reply.action)),
        ("escalate", expect.escalate, reply.escalate),
        ("scam_warning", expect.scam_warning, reply.scam_warning),
    )
    for key, wanted, got in checks:
        if wanted is not None and got != wanted:
            problems.append(f"{key}: expected {wanted}, got {got}")
    answer = reply.answer.lower()
    problems += [f"mentions: {w!r} missing" for w in expect.mentions if w.lower() not in answer]
    problems += [
        f"must_not_mention: {w!r} said" for w in expect.must_not_mention if w.lower() in answer
    ]
    return problems
