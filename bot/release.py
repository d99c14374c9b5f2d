"""Streaming release: which part of the LLM's text so far may be shown now.

Text without anything claim-like is released at once. From the first claim-like
character on, the sentence is held until it ends, then checked whole: released if
its claims are supported, otherwise the failing verdict is returned.
"""

from __future__ import annotations

import re

from bot.checks import ClaimsSupported
from bot.trace import Verdict

# A reply piece that may carry a checkable claim: digits, '@', a dotted name, a number word.
CLAIM_TRIGGER = re.compile(
    r"[\d@£$€%]|\.[A-Za-z]|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"fifteen|twenty|thirty|hundred)\b",
    re.I,
)
SENTENCE_END = re.compile(r"[.!?](\s|$)|\n")


def release(held: str, claims: ClaimsSupported) -> tuple[str, str, Verdict | None]:
    """Split ``held`` into (text safe to show now, text to keep holding, failing verdict)."""
    released = ""
    while True:
        trigger = CLAIM_TRIGGER.search(held)
        if trigger is None:
            return released + held, "", None
        end = SENTENCE_END.search(held, trigger.start())
        if end is None:
            start = sentence_start(held, trigger.start())
            return released + held[:start], held[start:], None
        sentence_end = end.end()
        verdict = claims(held[:sentence_end])
        if not verdict.passed:
            return released, held, verdict
        released += held[:sentence_end]
        held = held[sentence_end:]


def sentence_start(text: str, position: int) -> int:
    """Where the sentence containing ``position`` begins."""
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, position)]
    return starts[-1] if starts else 0
