"""The turn pipeline: one customer message in, one grounded reply out.

    message -> clean -> redact -> screen injection -> emotion -> retrieve -> risk
            -> decide -> generate (LLM, streamed) or the approved text -> guard
            -> store turn + audit (+ handoff ticket) -> Reply

:meth:`Assistant.stream` yields the reply as it is produced: :class:`Token` pieces,
possibly one :class:`Replace` (the guard withdrew the generated text and the approved
answer stands instead), and finally the :class:`Reply`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from langchain_core.language_models import BaseChatModel

from bot import guard
from bot.decide import Decision, Memory, Policy, decide
from bot.emotion import EmotionModel
from bot.handoff import TurnRecord, build_ticket, handoff_notice
from bot.injection import DECLINE as INJECTION_DECLINE
from bot.injection import is_injection, leaks_prompt
from bot.inputs import InputRejected, clean_message, has_words
from bot.llm import describe
from bot.prompt import SYSTEM_PROMPT, Exchange, build_messages, turn_prompt
from bot.redact import Redactor
from bot.risk import RiskModel
from bot.settings import Settings
from bot.store import Store, StoreUnavailableError, Turn
from bot.tone import Tone, tone_for
from bot.types import Action, Citation, Reply
from knowledge.corpus import Corpus, FaqEntry
from knowledge.retriever import Retrieval, Retriever
from voice.listen import Transcript
from voice.timing import Stopwatch

log = logging.getLogger(__name__)

NO_MATCH = (
    "I'm sorry, I don't have an approved answer for that. I can help with cards, payments, "
    "transfers, top-ups, currency exchange, your account and security, savings and loans."
)
SECRET_REMINDER = (
    "For your security, I've hidden the number you sent: please never share your full card "
    "number, PIN or passcodes with anyone, including us."
)
NOT_SAVED = "(This conversation could not be saved just now; a colleague may not see it.)"
# A reply piece that may carry a checkable claim: digits, '@', a dotted name, a number word.
CLAIM_TRIGGER = re.compile(
    r"[\d@£$€%]|\.[A-Za-z]|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"fifteen|twenty|thirty|hundred)\b",
    re.I,
)
SENTENCE_END = re.compile(r"[.!?](\s|$)|\n")


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Replace:
    text: str


@dataclass
class Generation:
    """A reply's text and how it was made. The text is always grounded: either the
    LLM's, after passing the guard, or an approved one."""

    text: str
    guard: dict
    first_token_ms: float | None = None
    tokens: int = 0
    errors: list[str] = field(default_factory=list)
    llm: dict = field(default_factory=dict)  # prompt, entry ids and raw text, for the audit


class Attempt:
    """One LLM generation in progress: what was sent, shown and counted so far."""

    def __init__(self, prompt: str, entry_ids: list[str]):
        self.prompt = prompt
        self.entry_ids = entry_ids
        self.started = time.perf_counter()
        self.delivered = ""
        self.text = ""
        self.tokens = 0
        self.first_token_ms: float | None = None

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def generation(self, text: str, verdict: dict, errors: list[str] = ()) -> Generation:
        record = {"prompt": self.prompt, "entry_ids": self.entry_ids, "text": self.text}
        return Generation(text, verdict, self.first_token_ms, self.tokens, list(errors), record)

    def fall_back(self, approved: str, reason: str, unsupported=()) -> Iterator[Token | Replace]:
        """Deliver the approved answer instead, withdrawing anything already shown."""
        yield Replace(approved) if self.delivered else Token(approved)
        verdict = {
            "checked": True,
            "passed": False,
            "source": "approved",
            "fallback": reason,
            "unsupported": list(unsupported),
        }
        return self.generation(approved, verdict, [reason])


class Assistant:
    """Runs turns. Built by :func:`bot.assistant.build_assistant`."""

    def __init__(
        self,
        *,
        settings: Settings,
        corpus: Corpus,
        retriever: Retriever,
        redactor: Redactor,
        emotion: EmotionModel,
        risk: RiskModel,
        llm: BaseChatModel | None,
        store: Store,
    ):
        self.settings = settings
        self.corpus = corpus
        self.retriever = retriever
        self.redactor = redactor
        self.emotion = emotion
        self.risk = risk
        self.llm = llm
        self.store = store
        self.policy = Policy(
            clarify_below=settings.clarify_below,
            max_failures=settings.max_failures,
            angry_streak=settings.angry_streak,
            angry_intensity=settings.angry_intensity,
        )
        self.llm_name = describe(llm)
        self.fact_claims = guard.allowed_claims(corpus.facts.values())

    def turn(
        self, message: str | bytes, session_id: str | None = None, heard: Transcript | None = None
    ) -> Reply:
        """Run one turn to completion. ``heard``: on a voice turn, the transcript the
        message came from (its acoustic cues steer the emotion; it goes into the audit)."""
        return final_reply(self.stream(message, session_id, heard))

    def stream(
        self, message: str | bytes, session_id: str | None = None, heard: Transcript | None = None
    ) -> Iterator[Token | Replace | Reply]:
        clock = Stopwatch()
        session_id = session_id or str(uuid.uuid4())
        errors: list[str] = []
        history = self._history(session_id, errors)
        try:
            text = clean_message(message, self.settings.max_message_chars)
        except InputRejected as rejected:
            audit = {"rejected_input": str(rejected), "errors": errors}
            yield from self._ask_again(session_id, str(rejected), "[message not accepted]", audit)
            return

        redaction = self.redactor.redact(text)
        clock.lap("redact")
        customer = redaction.text
        injection = is_injection(customer)
        cues = heard.cues if heard else None
        emotion = self.emotion.classify(customer, cues)
        clock.lap("emotion")
        retrieval = self._retrieve(customer, history, injection)
        clock.lap("retrieval")
        risk = self.risk.assess(customer, retrieval)
        clock.lap("risk")
        if injection:
            decision = Decision(Action.DECLINE, "prompt injection", (), "out_of_scope")
        else:
            decision = decide(retrieval, emotion, risk, memory_of(history), self.policy)
            decision = self._with_scam_entry(decision, customer)
        tone = tone_for(emotion.label, spoken=heard is not None)

        parts = []
        if redaction.shared_secret:
            parts.append(SECRET_REMINDER)
            yield Token(SECRET_REMINDER + " ")
        generation = yield from self._compose(decision, customer, history, tone, injection, clock)
        clock.lap("generate")
        parts.append(generation.text)
        ticket = None
        if decision.action is Action.ESCALATE:
            records = [
                *records_of(history),
                TurnRecord(customer, " ".join(parts), emotion.label, decision.intent),
            ]
            ticket = build_ticket(decision.escalate_reason or "customer_request", records)
            notice = handoff_notice(ticket["number"], self.corpus.facts)
            parts.append(notice)
            yield Token(" " + notice)
        answer = " ".join(p for p in parts if p)

        reply = Reply(
            answer=answer,
            action=decision.action,
            session_id=session_id,
            intent=decision.intent,
            faq_ids=[e.id for e in decision.entries],
            confidence=retrieval.top.score if retrieval.top else 0.0,
            emotion=emotion,
            tone=tone.name,
            escalate=decision.action is Action.ESCALATE,
            scam_warning=risk.scam,
            citations=[Citation(e.id, e.title, score_of(retrieval, e)) for e in decision.entries],
            ticket=ticket["number"] if ticket else None,
        )
        reply.audit = self._audit(
            redaction, injection, emotion, risk, retrieval, decision, tone, generation, errors
        )
        if heard:
            reply.audit["asr"] = heard.to_json()
        if cues:
            reply.audit["acoustic_cues"] = {**asdict(cues), "arousal": cues.arousal}
        yield from self._save(reply, customer, ticket, errors, clock)

    def ask_again(self, session_id: str | None, notice: str, audit: dict) -> Reply:
        """Record a turn whose message could not be used (e.g. speech not caught) and ask
        the customer, in ``notice``, to say it again."""
        session_id = session_id or str(uuid.uuid4())
        return final_reply(self._ask_again(session_id, notice, "[not understood]", audit))

    def _ask_again(
        self, session_id: str, notice: str, stored: str, audit: dict
    ) -> Iterator[Token | Reply]:
        reply = Reply(notice, Action.CLARIFY, session_id)
        reply.audit = {"errors": [], **audit}
        yield Token(notice)
        yield from self._save(reply, stored, None, reply.audit["errors"], Stopwatch())

    # -- steps -------------------------------------------------------------------------

    def _history(self, session_id: str, errors: list[str]) -> list[Turn]:
        try:
            return self.store.history(session_id)
        except StoreUnavailableError as error:
            errors.append(f"history unavailable: {error}")
            return []

    def _retrieve(self, customer: str, history: list[Turn], injection: bool) -> Retrieval:
        if injection or not has_words(customer):
            return Retrieval(customer, (), True, 0.0)
        earlier = [t.customer_text for t in history[-2:]]
        return self.retriever.retrieve(customer, earlier)

    def _with_scam_entry(self, decision: Decision, customer: str) -> Decision:
        """A scam handoff always carries the scam advice closest to the message."""
        if decision.escalate_reason != "scam_in_progress" or decision.entries:
            return decision
        entry = self.retriever.best_entry("scam", customer)
        entries = (entry,) if entry else ()
        return Decision(decision.action, decision.reason, entries, "scam", "scam_in_progress")

    def _compose(
        self,
        decision: Decision,
        customer: str,
        history: list[Turn],
        tone: Tone,
        injection: bool,
        clock: Stopwatch,
    ) -> Iterator[Token | Replace]:
        """The reply text for the decision, streamed as it is produced."""
        if (
            self.llm is None
            or injection
            or decision.action is Action.CLARIFY
            or not decision.entries
        ):
            text = fixed_reply(decision, tone, injection)
            if text:
                yield Token(text)
            return Generation(text, {"checked": False, "source": "approved"})
        approved = extractive(decision.entries[0], tone)
        generation = yield from self._generate(
            decision.entries, customer, history, tone, approved, clock
        )
        return generation

    def _generate(
        self,
        entries: tuple[FaqEntry, ...],
        customer: str,
        history: list[Turn],
        tone: Tone,
        approved: str,
        clock: Stopwatch,
    ) -> Iterator[Token | Replace]:
        """Stream the LLM's reply through the guard; fall back to ``approved``."""
        allowed = self.fact_claims | guard.allowed_claims(e.passage() for e in entries)
        window = self.settings.history_turns
        recent = exchanges(history[-window:]) if window else []
        known = {entry_id for exchange in recent for entry_id in exchange.entry_ids}
        attempt = Attempt(turn_prompt(entries, customer, tone, known), [e.id for e in entries])
        held = ""
        try:
            for chunk in self.llm.stream(build_messages(recent, attempt.prompt)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if not piece:
                    continue
                if attempt.tokens == 0:
                    attempt.first_token_ms = attempt.elapsed_ms()
                    clock.mark("first_token", attempt.first_token_ms)
                attempt.tokens += 1
                held += piece
                released, held, verdict = release(held, allowed)
                if verdict is not None:
                    return (
                        yield from attempt.fall_back(
                            approved, "unsupported claims", verdict.unsupported
                        )
                    )
                if released:
                    attempt.delivered += released
                    yield Token(released)
                if attempt.elapsed_ms() > self.settings.llm_timeout_s * 1000:
                    return (yield from attempt.fall_back(approved, "timeout"))
        except Exception as error:  # any backend failure: the approved answer stands
            log.warning("LLM failed: %s", error)
            return (yield from attempt.fall_back(approved, f"llm error: {error}"))
        attempt.text = (attempt.delivered + held).strip()
        verdict = guard.check(held, allowed)
        if not attempt.text:
            return (yield from attempt.fall_back(approved, "empty reply"))
        if not verdict.grounded:
            return (
                yield from attempt.fall_back(approved, "unsupported claims", verdict.unsupported)
            )
        if leaks_prompt(attempt.text, SYSTEM_PROMPT):
            return (yield from attempt.fall_back(approved, "prompt leak"))
        if held:
            yield Token(held)
        return attempt.generation(attempt.text, {"checked": True, "passed": True, "source": "llm"})

    def _audit(
        self, redaction, injection, emotion, risk, retrieval, decision, tone, generation, errors
    ) -> dict:
        return {
            "message": redaction.text,
            "pii": list(redaction.entities),
            "injection": injection,
            "emotion": asdict(emotion),
            "risk": asdict(risk),
            "retrieval": {
                "encoder": self.retriever.store.embedding_function.model_id,
                "no_match": retrieval.no_match,
                "top_similarity": retrieval.top_similarity,
                "used_history": retrieval.used_history,
                "hits": [
                    {
                        "faq_id": h.entry.id,
                        "intent": h.intent,
                        "score": h.score,
                        "similarity": h.similarity,
                    }
                    for h in retrieval.hits
                ],
            },
            "decision": {
                "action": str(decision.action),
                "reason": decision.reason,
                "escalate_reason": decision.escalate_reason,
            },
            "tone": tone.name,
            "llm": {
                "backend": self.llm_name,
                "tokens": generation.tokens,
                "first_token_ms": generation.first_token_ms,
                **generation.llm,
            },
            "guard": generation.guard,
            "errors": errors + generation.errors,
        }

    def _save(
        self, reply: Reply, customer: str, ticket: dict | None, errors: list[str], clock: Stopwatch
    ) -> Iterator[Token | Reply]:
        reply.latency_ms = clock.laps
        reply.audit["latency_ms"] = clock.laps
        try:
            self.store.add_turn(
                reply.session_id,
                customer,
                reply.answer,
                str(reply.action),
                reply.intent,
                reply.emotion.label,
                reply.audit,
                ticket,
                channel="voice" if "asr" in reply.audit else "text",
            )
        except StoreUnavailableError as error:
            log.error("turn not saved: %s", error)
            reply.saved = False
            reply.answer = f"{reply.answer} {NOT_SAVED}"
            reply.audit["errors"] = [*reply.audit.get("errors", []), f"not saved: {error}"]
            yield Token(" " + NOT_SAVED)
        reply.latency_ms["total"] = clock.since_start()
        yield reply


def release(held: str, allowed: set[str]) -> tuple[str, str, guard.Verdict | None]:
    """Split ``held`` into text safe to show now and text to keep holding.

    Text without anything claim-like is released at once (token streaming). From the
    first claim-like character on, a sentence is held until it ends, then checked
    whole: released if grounded, otherwise the verdict is returned.
    """
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
        verdict = guard.check(held[:sentence_end], allowed)
        if not verdict.grounded:
            return released, held, verdict
        released += held[:sentence_end]
        held = held[sentence_end:]


def sentence_start(text: str, position: int) -> int:
    """Where the sentence containing ``position`` begins."""
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, position)]
    return starts[-1] if starts else 0


def fixed_reply(decision: Decision, tone: Tone, injection: bool) -> str:
    """The reply when no LLM writes it: declines, clarifications, approved answers."""
    if injection:
        return INJECTION_DECLINE
    if decision.action is Action.CLARIFY:
        first, second = decision.entries[:2]
        return (
            f'Just to be sure I help with the right thing: do you mean "{first.title}" '
            f'or "{second.title}"?'
        )
    if not decision.entries:
        return "" if decision.action is Action.ESCALATE else NO_MATCH
    return extractive(decision.entries[0], tone)


def extractive(entry: FaqEntry, tone: Tone) -> str:
    return f"{tone.opening} {entry.answer}".strip()


def score_of(retrieval: Retrieval, entry: FaqEntry) -> float:
    return next((h.score for h in retrieval.hits if h.entry.id == entry.id), 0.0)


def memory_of(history: list[Turn]) -> Memory:
    failures = angry = 0
    for turn in reversed(history):
        if turn.action not in ("decline", "clarify"):
            break
        failures += 1
    for turn in reversed(history):
        if turn.emotion != "angry":
            break
        angry += 1
    return Memory(failures=failures, angry_turns=angry)


def exchanges(turns: list[Turn]) -> list[Exchange]:
    """Earlier turns as the LLM saw them, where it wrote them; otherwise as shown."""
    result = []
    for turn in turns:
        llm = turn.audit.get("llm", {})
        if "prompt" in llm:
            reply = llm.get("text") or turn.reply_text
            result.append(Exchange(llm["prompt"], reply, tuple(llm.get("entry_ids", ()))))
        else:
            result.append(Exchange(f"Customer: {turn.customer_text}", turn.reply_text))
    return result


def final_reply(events: Iterator[Token | Replace | Reply]) -> Reply:
    """Run a streamed turn to its end and return its :class:`Reply`."""
    for event in events:
        if isinstance(event, Reply):
            return event
    raise AssertionError("the turn produced no reply")  # pragma: no cover


def records_of(history: list[Turn]) -> list[TurnRecord]:
    return [TurnRecord(t.customer_text, t.reply_text, t.emotion, t.intent) for t in history]
