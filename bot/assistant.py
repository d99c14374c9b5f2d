"""The turn runner: one customer message in, one checked reply out.

    message -> hygiene -> redact -> requests -> (emotion | retrieval) -> risk -> screen
            -> decide -> tone -> generate -> handoff -> grounding -> store -> Reply

:meth:`Assistant.stream` runs the stages in order, timing each, and yields the reply
as it is produced: :class:`Token` pieces, then the :class:`Reply`. The turn's
trace is stored at one boundary, :meth:`Assistant._save`.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import takewhile

from langchain_core.language_models import BaseChatModel

from bot import stages
from bot.canned import NOT_SAVED
from bot.decide import Policy
from bot.emotion import EmotionModel
from bot.events import Token
from bot.llm import backend_name
from bot.protocols import AttackScreen, Redactor, Retriever, ScopeModel
from bot.reply import Reply
from bot.risk import RiskModel
from bot.signals import RequestReader
from bot.store import Store, StoreUnavailableError
from bot.trace import TurnTrace
from bot.turn_state import Stage, TurnInput, TurnState, refused
from bot.workers import encoder_workers
from bot.writer import Writer, WriterConfig, approved_sentences
from knowledge.corpus import Corpus
from voice.listen import Transcript

log = logging.getLogger(__name__)
Event = Token | Reply


@dataclass(frozen=True)
class TurnConfig:
    """What the runner needs from the settings."""

    max_message_chars: int = 4000
    policy: Policy = field(default_factory=Policy)
    writer: WriterConfig = field(default_factory=WriterConfig)


class Assistant:
    """Runs turns through :meth:`stages`. Built by :func:`bot.factory.build_assistant`."""

    def __init__(
        self,
        *,
        config: TurnConfig,
        corpus: Corpus,
        retriever: Retriever,
        redactor: Redactor,
        screen: AttackScreen,
        scope: ScopeModel,
        emotion: EmotionModel,
        risk: RiskModel,
        llm: BaseChatModel | None,
        store: Store,
        requests: RequestReader | None = None,
    ):
        """``requests`` reads what the customer asks of the conversation; the shipped
        rules and models when not given."""
        self.config = config
        self.corpus = corpus
        self.retriever = retriever
        self.redactor = redactor
        self.screen = screen
        self.scope = scope
        self.emotion = emotion
        self.risk = risk
        self.llm = llm
        self.store = store
        self.requests = requests or RequestReader.load()
        self.llm_name = backend_name(llm)
        # Held by every stage that computes on the CPU (and by Whisper and the voice):
        # on 2 cores, two turns' encoders at once only slow each other. The LLM is not
        # under it, so one turn's retrieval runs while another's model call does.
        self.compute = threading.Lock()
        self.writer = (
            Writer(self.llm, self.llm_name, self.config.writer) if self.llm is not None else None
        )
        self.stages = self.build_stages()
        self.stopping = threading.Event()  # set: :meth:`warm` stops at the next entry

    def warm(self, entry_ids: Iterable[str] | None = None) -> int:
        """Show the LLM every entry's sentences once (or those of ``entry_ids``), so that
        it keeps their state and a customer's turn evaluates only the customer's words.
        Run in the background at start; customers' turns go first. Returns how many
        entries were shown."""
        if self.writer is None:
            return 0
        entries = (
            self.corpus.by_id.values()
            if entry_ids is None
            else [self.corpus.by_id[entry_id] for entry_id in entry_ids]
        )
        return self.writer.warm(
            approved_sentences([entry.answer])
            for entry in takewhile(lambda _: not self.stopping.is_set(), entries)
        )

    def build_stages(self) -> list[Stage]:
        """The stages of a text turn, in order; override to add, drop or replace one."""
        writer = self.writer
        return [
            stages.Hygiene(self.config.max_message_chars),
            stages.Redact(self.redactor),
            stages.Requests(self.requests),
            stages.Understand(
                stages.Feel(self.emotion),
                stages.Retrieve(self.retriever, self.scope),
                encoder_workers(),
            ),
            stages.Assess(self.risk),
            stages.Screen(self.screen),
            stages.Decide(self.config.policy, self.retriever),
            stages.Choose(),
            stages.Compose(writer),
            stages.Handoff(self.corpus.facts),
            stages.Ground(self.corpus),
        ]

    def turn(
        self,
        message: str | bytes,
        session_id: str | None = None,
        transcript: Transcript | None = None,
    ) -> Reply:
        """Run one turn to completion. ``transcript``: on a voice turn, the transcript the
        message came from (its acoustic cues steer the emotion; it goes into the trace)."""
        return final_reply(self.stream(message, session_id, transcript))

    def stream(
        self,
        message: str | bytes,
        session_id: str | None = None,
        transcript: Transcript | None = None,
    ) -> Iterator[Event]:
        session_id = session_id or str(uuid.uuid4())
        history, errors = self._history(session_id)
        trace = TurnTrace(
            session_id,
            channel="voice" if transcript else "text",
            transcript=transcript,
            errors=errors,
        )
        state = TurnState(trace, TurnInput(message, history, transcript))
        yield from self._run(state)

    def ask_again(
        self,
        session_id: str | None,
        notice: str,
        transcript: Transcript | None = None,
        rejected: bool = False,
    ) -> Reply:
        """Record a voice turn whose recording could not be used, and ask the customer, in
        ``notice``, to say it again. ``rejected``: the recording itself was refused."""
        if transcript is not None:  # what was half heard is stored masked, like any message
            transcript = replace(transcript, text=self.redactor.redact(transcript.text).text)
        trace = TurnTrace(session_id or str(uuid.uuid4()), channel="voice", transcript=transcript)
        state = refused(trace, notice, "[not understood]", rejected=rejected)
        return final_reply(self._run(state, opening=notice))

    def _run(self, state: TurnState, opening: str | None = None) -> Iterator[Event]:
        if opening:
            yield Token(opening)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        for stage in self.stages:
            if state.trace.halted and not stage.after_halt:
                continue
            lap = time.perf_counter()
            if stage.computes:  # run whole, holding the CPU, then show its text
                with self.compute:
                    tokens, state = drain(stage.stream(state))
                events = replay(tokens, state)
            else:
                events = stage.stream(state)
            while True:
                try:
                    token = next(events)
                except StopIteration as done:
                    state = done.value
                    break
                timings.setdefault("first_text", round((time.perf_counter() - started) * 1000, 1))
                yield token
            timings[stage.name] = round((time.perf_counter() - lap) * 1000, 1)
        yield from self._save(state.trace, timings, started)

    def _history(self, session_id: str) -> tuple[tuple, tuple[str, ...]]:
        try:
            return tuple(self.store.history(session_id)), ()
        except StoreUnavailableError as error:
            return (), (f"history unavailable: {error}",)

    def _save(self, trace: TurnTrace, timings: dict, started: float) -> Iterator[Event]:
        """The one boundary where a turn is stored; then its reply."""
        trace = replace(trace, timings_ms=timings)
        try:
            self.store.add_turn(trace)
        except StoreUnavailableError as error:
            log.error("turn not saved: %s", error)
            trace = replace(trace.with_part(NOT_SAVED, "teller"), saved=False)
            trace = trace.with_error(f"not saved: {error}")
            yield Token(" " + NOT_SAVED)
        total = round((time.perf_counter() - started) * 1000, 1)
        yield Reply.of(replace(trace, timings_ms={**timings, "total": total}))


def drain(events: Iterator[Token]) -> tuple[list[Token], TurnState]:
    """Run a stage's stream to its end: the text it showed, and the state it returned."""
    tokens = []
    while True:
        try:
            tokens.append(next(events))
        except StopIteration as done:
            return tokens, done.value


def replay(tokens: list[Token], state: TurnState) -> Iterator[Token]:
    """A drained stage's stream again: its text, then its state."""
    yield from tokens
    return state


def final_reply(events: Iterator[Event]) -> Reply:
    """Run a streamed turn to its end (releasing whatever it holds) and return its
    :class:`Reply`."""
    replies = [event for event in events if isinstance(event, Reply)]
    if not replies:
        raise AssertionError("the turn produced no reply")  # pragma: no cover
    return replies[-1]
