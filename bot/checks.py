"""The checks a generated reply must pass before it is delivered. Each is a small
object that looks at the reply's final text and returns a :class:`Verdict` with a
reason; the first that fails withdraws the reply and the approved text stands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot import guard
from bot.injection import leaks_prompt
from bot.trace import Verdict


class Check(Protocol):
    name: str

    def __call__(self, text: str) -> Verdict: ...


@dataclass(frozen=True)
class NotEmpty:
    name: str = "not_empty"

    def __call__(self, text: str) -> Verdict:
        empty = not text.strip()
        return Verdict(self.name, not empty, "empty reply" if empty else "")


@dataclass(frozen=True)
class ClaimsSupported:
    """Every checkable claim (figure, amount, phone, URL, e-mail) is an allowed one."""

    allowed: frozenset[str]
    name: str = "claims_supported"

    def __call__(self, text: str) -> Verdict:
        verdict = guard.check(text, set(self.allowed))
        reason = "" if verdict.grounded else "unsupported claims"
        return Verdict(self.name, verdict.grounded, reason, verdict.unsupported)


@dataclass(frozen=True)
class NoPromptLeak:
    system_prompt: str
    name: str = "no_prompt_leak"

    def __call__(self, text: str) -> Verdict:
        leaked = leaks_prompt(text, self.system_prompt)
        return Verdict(self.name, not leaked, "prompt leak" if leaked else "")


def run_checks(text: str, checks: Iterable[Check]) -> tuple[Verdict, ...]:
    """Every check's verdict, in order, stopping at the first that fails."""
    verdicts = []
    for check in checks:
        verdicts.append(check(text))
        if not verdicts[-1].passed:
            break
    return tuple(verdicts)
