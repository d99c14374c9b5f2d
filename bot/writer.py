"""The LLM writer. The model does not write the reply: it chooses it. It is shown the
approved sentences of the cited entries, numbered, and answers with the numbers of
those that answer the customer, most useful first (a grammar allows nothing else on
llama.cpp). The tone's approved opening goes out at once; each chosen sentence goes
out verbatim, after the support check, as soon as its number is complete. When the
model's answer cannot be used (unreadable, a backend error, the time limit) or the
model is too busy to take the turn without a long wait, the approved answer stands."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel

from bot.events import Token
from bot.history import PastTurn
from bot.llm import grammar_kwargs
from bot.llm_gate import GateLimits, LLMBusy, LLMGate, LLMTimeout
from bot.prompt import Exchange, build_messages, selection_grammar, selection_prompt
from bot.sentences import split_sentences
from bot.support import SupportChecker
from bot.trace import GenerationRecord, Verdict

log = logging.getLogger(__name__)
NUMBER = re.compile(r"\d+")
SELECTION = re.compile(r"[\d,\s]*")  # all a usable answer may hold


@dataclass(frozen=True)
class WriterConfig:
    gate: GateLimits = field(default_factory=GateLimits)  # admission and time limits
    most_sentences: int = 3  # chosen sentences in a written reply
    most_spoken: int = 2  # ... and in a spoken one


@dataclass(frozen=True)
class Brief:
    """What the writer is given for one turn."""

    sentences: tuple[str, ...]  # the approved sentences to choose from
    message: str  # the customer's (masked) message
    opening: str  # the tone's approved opening, "" for none
    spoken: bool = False
    earlier: Exchange | None = None  # the turn a follow-up leans on
    history: tuple[PastTurn, ...] = ()


@dataclass
class Attempt:
    """One selection in progress: what was sent, read and delivered so far."""

    backend: str
    prompt: str
    entry_ids: tuple[str, ...]
    started: float = field(default_factory=time.perf_counter)
    written: str = ""
    numbers: list[int] = field(default_factory=list)  # sentence numbers read so far
    tokens: int = 0
    first_token_ms: float | None = None
    verdicts: list[Verdict] = field(default_factory=list)

    def failures(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if not verdict.passed]

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def record(self, fallback: str | None) -> GenerationRecord:
        return GenerationRecord(
            backend=self.backend,
            source="approved" if fallback else "llm",
            prompt=self.prompt,
            entry_ids=self.entry_ids,
            raw_text=self.written.strip(),
            tokens=self.tokens,
            first_token_ms=self.first_token_ms,
            verdicts=tuple(self.verdicts),
            fallback=fallback,
        )


Stream = Generator[Token, None, tuple[str, GenerationRecord]]


class Writer:
    def __init__(self, llm: BaseChatModel, backend: str, config: WriterConfig):
        self.llm = llm
        self.backend = backend
        self.config = config
        self.gate = LLMGate(config.gate)

    def write(self, brief: Brief, entry_ids: tuple[str, ...], support: SupportChecker) -> Stream:
        """Stream the opening and the chosen sentences; return the text and its record."""
        offered = not_yet_said(brief.sentences, brief.history)
        # A spoken reply leads with the first new sentence at once, so the caller hears
        # the answer while the model chooses what to add from the rest.
        lead = offered[:1] if brief.spoken and len(offered) > 1 else ()
        choices = [
            number
            for number, sentence in enumerate(brief.sentences, 1)
            if sentence in offered and sentence not in lead
        ]
        said = [n for n in range(1, len(brief.sentences) + 1) if n not in choices]
        prompt = selection_prompt(brief.sentences, brief.message, brief.earlier, said)
        attempt = Attempt(self.backend, prompt, entry_ids)
        most = self.config.most_spoken - len(lead) if brief.spoken else self.config.most_sentences
        chosen: list[str] = []  # the sentences delivered, in order
        added: list[str] = []  # ... of them, those the model chose

        def deliver(numbers: list[int]) -> Generator[Token, None, None]:
            """Each newly complete number's sentence, if valid, new, within the limit and
            supported."""
            for number in numbers[len(attempt.numbers) :]:
                attempt.numbers.append(number)
                if number not in choices or len(added) >= most:
                    continue
                sentence = brief.sentences[number - 1]
                if sentence not in added and (yield from say(sentence)):
                    added.append(sentence)

        def say(sentence: str) -> Generator[Token, None, bool]:
            """``sentence``, if the support check passes it; whether it was said."""
            verdict = support.check(sentence)
            attempt.verdicts.append(Verdict("support", verdict.supported, verdict.reason))
            if verdict.supported:
                yield Token(with_space(sentence, brief.opening or chosen))
                chosen.append(sentence)
            return verdict.supported

        if brief.opening:
            yield Token(brief.opening)
        for sentence in lead:
            yield from say(sentence)
        grammar = grammar_kwargs(self.llm, selection_grammar(choices, most))
        messages = build_messages(prompt)
        try:
            for chunk in self.gate.stream(lambda: self.llm.stream(messages, **grammar)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if not piece:
                    continue
                if attempt.tokens == 0:
                    attempt.first_token_ms = round(attempt.elapsed_ms(), 1)
                attempt.tokens += 1
                attempt.written += piece
                if not SELECTION.fullmatch(attempt.written):
                    attempt.verdicts.append(Verdict("format", False, "not sentence numbers"))
                    break
                yield from deliver(complete_numbers(attempt.written, done=False, allowed=choices))
        except LLMTimeout as late:
            attempt.verdicts.append(Verdict("time_limit", False, f"timeout: {late}"))
        except LLMBusy as busy:
            attempt.verdicts.append(Verdict("busy", False, f"busy: {busy}"))
        except Exception as error:  # any backend failure: approved sentences stand
            log.warning("LLM failed: %s", error)
            attempt.verdicts.append(Verdict("backend", False, f"llm error: {error}"))
        if not attempt.failures():
            yield from deliver(complete_numbers(attempt.written, done=True))
        fallback = None
        if not added:
            fallback = next((v.reason for v in attempt.failures()), "no sentence chosen")
        if not chosen:  # (a spoken lead, said, stands alone: the rest is there on request)
            chosen = list(offered)
            yield Token(with_space(" ".join(chosen), brief.opening))
        return " ".join([brief.opening, *chosen]).strip(), attempt.record(fallback)

    def warm(self, sentence_sets: Iterable[tuple[str, ...]], patience_s: float = 1.0) -> int:
        """Ask the model, once for each set, about those sentences with no customer
        words, so that the model keeps the prompt's state (:mod:`bot.prefix_cache`). A set
        waits while customers' turns hold the model.
        Returns how many sets the model was shown."""
        shown = 0
        for sentences in sentence_sets:
            messages = build_messages(selection_prompt(sentences, ""))
            while True:
                try:
                    for _ in self.gate.stream(lambda m=messages: self.llm.stream(m, max_tokens=1)):
                        pass
                except LLMBusy:
                    time.sleep(patience_s)
                    continue
                except Exception as error:  # a backend that fails will fail turns too
                    log.warning("warming the LLM stopped: %s", error)
                    return shown
                shown += 1
                break
        return shown


def with_space(text: str, after: object) -> str:
    """``text``, with a space before it when something was said before."""
    return f" {text}" if after else text


def complete_numbers(text: str, done: bool, allowed: Sequence[int] = ()) -> list[int]:
    """The sentence numbers in the model's output so far; the last one only once
    something follows it, the output is complete, or no allowed number goes on from it
    ("3" of 1 to 9 is complete at once; "1" of 1 to 12 is not)."""
    matches = list(NUMBER.finditer(text))
    if matches and not done and matches[-1].end() == len(text):
        last = matches[-1].group()
        may_go_on = not allowed or any(str(n).startswith(last) and str(n) != last for n in allowed)
        if may_go_on:
            matches = matches[:-1]
    return [int(m.group()) for m in matches]


def not_yet_said(sentences: Sequence[str], history: Sequence[PastTurn]) -> tuple[str, ...]:
    """The sentences not delivered in the recent turns (all of them, if all were): a
    follow-up on the same entry is answered from what is new to the customer (the
    model is shown them all, and may choose only these)."""
    recent = " ".join(turn.reply for turn in history[-3:])
    fresh = tuple(sentence for sentence in sentences if sentence not in recent)
    return fresh or tuple(sentences)


def approved_sentences(answers: Sequence[str]) -> tuple[str, ...]:
    """The approved sentences of the cited entries' answers, in order, without repeats."""
    return tuple(dict.fromkeys(s for answer in answers for s in split_sentences(answer)))
