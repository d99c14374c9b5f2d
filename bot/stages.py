"""The named stages of a text turn, in the order the runner applies them.

Each stage reads a :class:`TurnState` and returns it with its own fields of the trace
filled; a stage that shows text to the customer yields it as it goes. The runner
(:class:`bot.assistant.Assistant`) times every stage under its ``name``. Adding a
stage means writing one class here and putting it in the assistant's list.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import ClassVar

from bot.canned import SECRET_REMINDER, approved_fixed_texts, fixed_reply
from bot.circumstances import circumstance
from bot.decide import SMALL_TALK, Decision, Policy, decide
from bot.emotion import CALM_LABELS, EmotionModel
from bot.events import Token
from bot.handoff import already_handed_over, build_ticket, handoff_notice
from bot.history import PastTurn, memory_of, reference_in_force, topic_turn
from bot.inputs import InputRejected, clean_message, has_words
from bot.prompt import Exchange
from bot.protocols import AttackScreen, Redactor, Retriever, ScopeModel
from bot.risk import RiskModel, Story
from bot.signals import RequestReader
from bot.small_talk import closes_with_thanks, small_talk
from bot.support import SupportChecker
from bot.tone import tone_for
from bot.trace import DecisionRecord, GenerationRecord, HitRecord, RetrievalRecord, TurnTrace
from bot.turn_state import Events, Stage, TurnState, refused
from bot.types import Action, Citation, Emotion
from bot.writer import Brief, Writer, approved_sentences
from knowledge.corpus import Corpus
from knowledge.retriever import (
    CONVERSATIONAL,
    Hit,
    Retrieval,
    asks_something,
    looks_like_follow_up,
)


@dataclass(frozen=True)
class Hygiene(Stage):
    """Decode and check the message; an unusable one ends the turn with the reason."""

    max_chars: int
    name: ClassVar[str] = "hygiene"

    def stream(self, state: TurnState) -> Events:
        try:
            text = clean_message(state.inputs.message, self.max_chars)
        except InputRejected as rejected:
            notice = str(rejected)
            yield Token(notice)
            return refused(state.trace, notice, "[message not accepted]", rejected=True)
        return state.traced(message=text)


@dataclass(frozen=True)
class Redact(Stage):
    redactor: Redactor
    name: ClassVar[str] = "redact"

    def run(self, state: TurnState) -> TurnState:
        redaction = self.redactor.redact(state.trace.message)
        transcript = state.trace.transcript
        return state.traced(
            message=redaction.text,
            transcript=replace(transcript, text=redaction.text) if transcript else None,
            pii=redaction.entities,
            shared_secret=redaction.shared_secret,
        )


@dataclass(frozen=True)
class Requests(Stage):
    """What the customer asks of the conversation: a person; saying Teller is not helping."""

    reader: RequestReader
    name: ClassVar[str] = "requests"

    def run(self, state: TurnState) -> TurnState:
        return state.traced(requests=self.reader.read(state.trace.message))


FRUSTRATED = 0.5  # the intensity given to a calm-worded "that doesn't help"


@dataclass(frozen=True)
class Feel(Stage):
    """The customer's emotion. A customer saying the answers do not help ("you keep
    giving me the same answer") is frustrated, whatever calm words they use."""

    model: EmotionModel
    name: ClassVar[str] = "emotion"

    def run(self, state: TurnState) -> TurnState:
        transcript = state.inputs.transcript
        cues = transcript.cues if transcript else None
        emotion = self.model.classify(state.trace.message, cues)
        if state.trace.requests.dissatisfied and emotion.label in CALM_LABELS:
            emotion = Emotion("angry", emotion.score, max(emotion.intensity, FRUSTRATED))
        return state.traced(emotion=emotion)


# Handoffs whose reply is their topic's approved entry even when routing found none.
TOPICAL_HANDOFFS = frozenset({"scam_in_progress", "customer_request", "vulnerable_customer"})
# The scope gate's bars for a message read in context: a statement ("it was the one on
# Station Road") reads as off-topic on its own words far more often than a request does.
IN_CONVERSATION_OFF_TOPIC = 0.98
IN_CONVERSATION_REQUEST_OFF_TOPIC = 0.9


@dataclass(frozen=True)
class Retrieve(Stage):
    """The approved entries for the message, read with the turn that set the
    conversation's topic when it is a follow-up. A message that is not a banking matter
    gets none. A message that is only a greeting,
    thanks or goodbye is that, whatever came before; other small talk and requests for
    a person are the router's to recognise."""

    retriever: Retriever
    scope: ScopeModel
    name: ClassVar[str] = "retrieval"

    def run(self, state: TurnState) -> TurnState:
        customer = state.trace.message
        out_of_scope = None
        talk = self.as_small_talk(customer, small_talk(customer))
        if not has_words(customer):
            retrieval = Retrieval(customer, (), True, 0.0)
        elif talk is not None:
            retrieval = talk
        else:
            topic = topic_turn(state.inputs.history)
            retrieval = self.retriever.retrieve(customer, [topic.customer] if topic else [])
            if retrieval.used_history or retrieval.no_match:
                # Unsure on its own words: "ok, I'll try again later, thanks" is thanks.
                thanks = closes_with_thanks(customer)
                retrieval = self.as_small_talk(customer, "thanks" if thanks else None) or retrieval
            conversational = retrieval.top is not None and retrieval.top.intent in CONVERSATIONAL
            if not conversational:
                score = self.scope.out_of_scope(customer)
                if self.off_topic(customer, retrieval, score):
                    retrieval = replace(retrieval, no_match=True, off_topic=True)
                out_of_scope = round(score, 4)  # rounded for the record, not for the bar
        record = RetrievalRecord(
            encoder=self.retriever.model_id,
            no_match=retrieval.no_match,
            top_similarity=retrieval.top_similarity,
            used_history=retrieval.used_history,
            hits=tuple(
                HitRecord(h.entry.id, h.intent, h.score, h.similarity) for h in retrieval.hits
            ),
            out_of_scope=out_of_scope,
        )
        return replace(state.traced(retrieval=record), retrieval=retrieval)

    def off_topic(self, customer: str, retrieval: Retrieval, out_of_scope: float) -> bool:
        """Not a banking matter. A message read with the conversation ("it was the one
        on Station Road") looks off-topic on its own words, so there both judges must
        agree, the gate more surely than for a first message (most surely for a
        statement), and it must not read as a follow-up."""
        if not retrieval.used_history:
            return out_of_scope >= self.scope.threshold
        standalone = retrieval.standalone or retrieval
        bar = (
            IN_CONVERSATION_REQUEST_OFF_TOPIC
            if asks_something(customer)
            else IN_CONVERSATION_OFF_TOPIC
        )
        return standalone.off_topic and out_of_scope >= bar and not looks_like_follow_up(customer)

    def as_small_talk(self, customer: str, label: str | None) -> Retrieval | None:
        """The retrieval of a greeting, thanks or goodbye: its entry, for certain."""
        entry = self.retriever.best_entry(label, customer) if label else None
        return Retrieval(customer, (Hit(entry, 1.0, 1.0),), False, 1.0) if entry else None


@dataclass(frozen=True)
class Understand(Stage):
    """The customer's emotion and the approved entries, found side by side on the
    encoder workers (:mod:`bot.workers`): both read the message, neither needs the
    other, and each is mostly one encoder pass."""

    feel: Feel
    retrieve: Retrieve
    workers: Executor
    name: ClassVar[str] = "understanding"

    def run(self, state: TurnState) -> TurnState:
        feeling = self.workers.submit(self.feel.run, state)
        found = self.workers.submit(self.retrieve.run, state)
        return found.result().traced(emotion=feeling.result().trace.emotion)


@dataclass(frozen=True)
class Assess(Stage):
    """Scam and fraud signals."""

    model: RiskModel
    name: ClassVar[str] = "risk"

    def run(self, state: TurnState) -> TurnState:
        history = state.inputs.history
        story = Story(
            scam_so_far=any(t.trace and t.trace.risk.scam for t in history),
            earlier=history[-1].customer if history else "",
            topic=history[-1].intent if history else None,
        )
        return state.traced(risk=self.model.assess(state.trace.message, state.retrieval, story))


@dataclass(frozen=True)
class Screen(Stage):
    """The prompt-injection screen, after the scam check: a customer reporting what a
    fraudster told them ("ignore the bank's warnings") is helped, never screened out.
    Skipping the screen there is safe: a scam turn is handed over with the approved
    text verbatim, and no LLM sees it."""

    screen: AttackScreen
    name: ClassVar[str] = "screen"

    def run(self, state: TurnState) -> TurnState:
        if state.trace.risk.scam:
            return state
        return state.traced(injection=self.screen.is_attack(state.trace.message))


@dataclass(frozen=True)
class Decide(Stage):
    policy: Policy
    retriever: Retriever
    name: ClassVar[str] = "decide"

    def run(self, state: TurnState) -> TurnState:
        trace, retrieval = state.trace, state.retrieval
        memory = memory_of(state.inputs.history)
        decision = decide(
            retrieval,
            trace.emotion,
            trace.risk,
            memory,
            self.policy,
            trace.requests,
            trace.injection,
            circumstance(trace.message),
        )
        decision = self.with_entry(decision, trace.message)
        scores = {hit.entry.id: hit.score for hit in retrieval.hits}
        record = DecisionRecord(
            action=decision.action,
            reason=decision.reason,
            intent=decision.intent,
            escalate_reason=decision.escalate_reason,
            citations=tuple(
                Citation(e.id, e.title, scores.get(e.id, 0.0)) for e in decision.entries
            ),
        )
        return replace(state.traced(decision=record), decision=decision)

    def with_entry(self, decision: Decision, customer: str) -> Decision:
        """A handoff for a scam, a request for a person or the customer's circumstances
        carries its topic's approved entry closest to the message (for a scam, the scam
        advice; for a request, the answer about being handed over)."""
        if decision.entries or decision.escalate_reason not in TOPICAL_HANDOFFS:
            return decision
        entry = self.retriever.best_entry(decision.intent, customer)
        entries = (entry,) if entry else ()
        return replace(decision, entries=entries)


class Choose(Stage):
    """The tone the reply takes, from the emotion (and the channel)."""

    name: ClassVar[str] = "tone"

    def run(self, state: TurnState) -> TurnState:
        tone = tone_for(state.trace.emotion.label, spoken=state.inputs.transcript is not None)
        return replace(state.traced(tone=tone.name), tone=tone)


@dataclass(frozen=True)
class Compose(Stage):
    """The reply's text: approved sentences chosen by the LLM for an answer, or the
    approved text verbatim (declines, clarifications, escalations, high-risk topics,
    and whenever there is no LLM)."""

    writer: Writer | None
    name: ClassVar[str] = "generate"
    computes: ClassVar[bool] = False  # the LLM has its own gate

    def stream(self, state: TurnState) -> Events:
        trace, decision, tone = state.trace, state.decision, state.tone
        if trace.shared_secret:
            trace = trace.with_part(SECRET_REMINDER, "teller")
            yield Token(SECRET_REMINDER + " ")
        if self.writer is None or decision.verbatim or not decision.entries:
            text = fixed_reply(decision, tone)
            if text:
                yield Token(text)
            origin = "approved" if decision.entries else "teller"
            backend = self.writer.backend if self.writer else "extractive"
            generation = GenerationRecord(backend=backend, source="approved")
            return state.with_trace(replace(trace.with_part(text, origin), generation=generation))
        entry_ids = tuple(entry.id for entry in decision.entries)
        answers = [entry.answer for entry in decision.entries]
        history = state.inputs.history
        brief = Brief(
            sentences=approved_sentences(answers),
            message=trace.message,
            opening=tone.opening,
            spoken=trace.channel == "voice",
            earlier=exchange(history[-1], entry_ids)
            if history and state.retrieval.used_history
            else None,
            history=history,
        )
        support = SupportChecker(answers, fixed=[tone.opening])
        text, generation = yield from self.writer.write(brief, entry_ids, support)
        return state.with_trace(replace(trace.with_part(text, "approved"), generation=generation))


def exchange(turn: PastTurn, entry_ids: tuple[str, ...]) -> Exchange | None:
    """The earlier turn as the LLM saw it, when it was on the same entries (its kept
    state then serves this turn, and its numbers mean the same sentences); None when it
    was on others (routing has already used it; the model chooses within this entry)."""
    generation = turn.trace.generation if turn.trace else None
    if generation is None or generation.entry_ids != entry_ids:
        return None
    return Exchange(turn.customer, generation.raw_text)


@dataclass(frozen=True)
class Handoff(Stage):
    """On escalation: a ticket for the team, and the notice with its reference; one
    ticket per conversation. Once a colleague has it, Teller keeps helping and every
    later turn but small talk reminds the customer who has the conversation."""

    facts: dict[str, str]
    name: ClassVar[str] = "handoff"

    def stream(self, state: TurnState) -> Events:
        trace, history = state.trace, state.inputs.history
        earlier = reference_in_force(history)
        if trace.action is not Action.ESCALATE and (not earlier or trace.intent in SMALL_TALK):
            return state
        if earlier:
            notice = already_handed_over(earlier)
            yield Token(" " + notice)
            return state.with_trace(replace(trace.with_part(notice, "teller"), reference=earlier))
        now = PastTurn(
            trace.message, trace.answer, str(trace.action), trace.intent, trace.emotion.label
        )
        reason = trace.decision.escalate_reason or "customer_request"
        ticket = build_ticket(reason, [*history, now])
        notice = handoff_notice(ticket.number, self.facts, spoken=trace.channel == "voice")
        yield Token(" " + notice)
        traced = trace.with_part(notice, "teller")
        return state.with_trace(replace(traced, ticket=ticket, reference=ticket.number))


@dataclass(frozen=True)
class Ground(Stage):
    """Checks every sentence of the delivered answer, independently of how it was made:
    each must be supported by the cited entries, the facts sheet or Teller's own fixed
    texts of this turn (:mod:`bot.support`)."""

    corpus: Corpus
    name: ClassVar[str] = "grounding"
    after_halt: ClassVar[bool] = True

    def run(self, state: TurnState) -> TurnState:
        verdicts = support_checker(self.corpus, state.trace).check_text(state.trace.answer)
        unsupported = tuple(v.sentence for v in verdicts if not v.supported)
        return state.traced(grounded=not unsupported, unsupported=unsupported)


def support_checker(corpus: Corpus, trace: TurnTrace) -> SupportChecker:
    """The support check for a turn's delivered answer: its cited entries, the facts
    sheet, and the fixed texts Teller may say in it."""
    cited = trace.decision.citations if trace.decision else ()
    answers = [corpus.by_id[c.faq_id].answer for c in cited if c.faq_id in corpus.by_id]
    fixed = approved_fixed_texts(corpus.facts, trace.reference, [c.title for c in cited])
    if trace.rejected:
        fixed.append(trace.rejected)
    return SupportChecker([*answers, *corpus.facts.values()], fixed=fixed)
