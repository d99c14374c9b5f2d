"""The LLM writer: streams a reply through the release guard, then the checks; when
anything fails (a claim, a check, the backend, the time limit) the approved text
stands, replacing whatever was shown."""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel

from bot.checks import ClaimsSupported, NoPromptLeak, NotEmpty, run_checks
from bot.events import Replace, Token
from bot.history import PastTurn, exchanges
from bot.prompt import SYSTEM_PROMPT, build_messages, turn_prompt
from bot.release import release
from bot.tone import Tone
from bot.trace import GenerationRecord, Verdict
from knowledge.corpus import FaqEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriterConfig:
    history_turns: int = 3  # earlier turns shown to the LLM
    timeout_s: float = 30.0  # give up and deliver the approved text


@dataclass
class Attempt:
    """One generation in progress: what was sent, shown and counted so far."""

    backend: str
    prompt: str
    entry_ids: tuple[str, ...]
    started: float = field(default_factory=time.perf_counter)
    delivered: str = ""
    written: str = ""
    tokens: int = 0
    first_token_ms: float | None = None

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def record(self, verdicts: tuple[Verdict, ...], fallback: str | None) -> GenerationRecord:
        return GenerationRecord(
            backend=self.backend,
            source="approved" if fallback else "llm",
            prompt=self.prompt,
            entry_ids=self.entry_ids,
            raw_text=self.written.strip(),
            tokens=self.tokens,
            first_token_ms=self.first_token_ms,
            verdicts=verdicts,
            fallback=fallback,
        )


Stream = Generator[Token | Replace, None, tuple[str, GenerationRecord]]


class Writer:
    def __init__(
        self, llm: BaseChatModel, backend: str, fact_claims: set[str], config: WriterConfig
    ):
        self.llm = llm
        self.backend = backend
        self.fact_claims = frozenset(fact_claims)
        self.config = config

    def write(
        self,
        entries: Sequence[FaqEntry],
        customer: str,
        history: Sequence[PastTurn],
        tone: Tone,
        approved: str,
        allowed: set[str],
    ) -> Stream:
        """Stream the reply; return the delivered text and how it was made."""
        window = self.config.history_turns
        recent = exchanges(history[-window:]) if window else []
        known = {entry_id for exchange in recent for entry_id in exchange.entry_ids}
        prompt = turn_prompt(entries, customer, tone, known)
        attempt = Attempt(self.backend, prompt, tuple(e.id for e in entries))
        claims = ClaimsSupported(self.fact_claims | allowed)
        held = ""
        try:
            for chunk in self.llm.stream(build_messages(recent, prompt)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if not piece:
                    continue
                if attempt.tokens == 0:
                    attempt.first_token_ms = round(attempt.elapsed_ms(), 1)
                attempt.tokens += 1
                attempt.written += piece
                held += piece
                released, held, failed = release(held, claims)
                if failed is not None:
                    return (yield from fall_back(attempt, approved, (failed,)))
                if released:
                    attempt.delivered += released
                    yield Token(released)
                if attempt.elapsed_ms() > self.config.timeout_s * 1000:
                    timeout = Verdict("time_limit", False, "timeout")
                    return (yield from fall_back(attempt, approved, (timeout,)))
        except Exception as error:  # any backend failure: the approved answer stands
            log.warning("LLM failed: %s", error)
            failure = Verdict("backend", False, f"llm error: {error}")
            return (yield from fall_back(attempt, approved, (failure,)))
        text = attempt.written.strip()
        verdicts = run_checks(text, (NotEmpty(), claims, NoPromptLeak(SYSTEM_PROMPT)))
        if not verdicts[-1].passed:
            return (yield from fall_back(attempt, approved, verdicts))
        if held:
            yield Token(held)
        return text, attempt.record(verdicts, None)


def fall_back(
    attempt: Attempt, approved: str, verdicts: tuple[Verdict, ...]
) -> Generator[Token | Replace, None, tuple[str, GenerationRecord]]:
    """Deliver the approved text instead, withdrawing anything already shown."""
    yield Replace(approved) if attempt.delivered else Token(approved)
    return approved, attempt.record(verdicts, verdicts[-1].reason)
