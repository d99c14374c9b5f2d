"""The decision step: answer, clarify, decline or escalate, and why.

Turns where money or a vulnerable customer is at stake (a scam in progress, fraud, a
compromised card, bereavement, financial difficulty) are answered with the approved
text verbatim and handed over to a person. Lost or stolen cards, complaints, questions
about scams, PINs, passcodes and unrecognised payments get the approved text verbatim
(it says how to block a card at once, or how to complain) and are handed over when the
customer asks. Nothing on these topics is ever LLM-chosen."""

from __future__ import annotations

from dataclasses import dataclass

from bot.signals import Requests
from bot.types import Action, Emotion, Risk
from knowledge.corpus import FaqEntry
from knowledge.retriever import Retrieval

HANDOVER_TOPICS = frozenset(
    {"report_fraud", "compromised_card", "bereavement", "financial_difficulty"}
)
SMALL_TALK = frozenset({"greeting", "thanks", "goodbye"})
VERBATIM_TOPICS = HANDOVER_TOPICS | {
    "lost_or_stolen_card",
    "complaint",
    "scam",
    "human_agent",
    "pin_blocked",
    "passcode_forgotten",
    "change_pin",
    "lost_or_stolen_phone",
    "card_payment_not_recognised",
    "cash_withdrawal_not_recognised",
    "direct_debit_payment_not_recognised",
}


PROMPT_INJECTION = "prompt injection"
OFF_TOPIC = "not a banking matter"
NO_REQUESTS = Requests()


@dataclass(frozen=True)
class Policy:
    clarify_below: float = 0.55  # top score under this, with a close runner-up: ask which
    clarify_runner_up: float = 0.2  # the runner-up needs at least this score
    max_failures: int = 2  # consecutive turns without an answer before a handoff
    unhelped_turns: int = 2  # turns saying Teller is not helping before a handoff
    angry_streak: int = 2  # consecutive angry turns before a handoff
    angry_intensity: float = 0.9  # a single turn this angry is handed over at once


@dataclass(frozen=True)
class Memory:
    """What the decision needs to know about earlier turns."""

    failures: int = 0  # consecutive banking turns that ended in decline or clarify
    angry_turns: int = 0  # consecutive angry turns, before this one
    handed_over: bool = False  # a colleague already has the conversation
    unhelped: int = 0  # earlier turns that said Teller was not helping
    topic: str | None = None  # the banking topic the conversation is on, if any


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    entries: tuple[FaqEntry, ...] = ()
    intent: str | None = None
    escalate_reason: str | None = None

    @property
    def verbatim(self) -> bool:
        """The approved text must be delivered as it is (no LLM choosing)."""
        return self.action is not Action.ANSWER or self.intent in VERBATIM_TOPICS


def decide(
    retrieval: Retrieval,
    emotion: Emotion,
    risk: Risk,
    memory: Memory,
    policy: Policy,
    requests: Requests = NO_REQUESTS,
    injection: bool = False,
    circumstance: str | None = None,
) -> Decision:
    """The decision for this turn. A scam in progress comes first, even when the
    customer quotes a fraudster's "ignore the warnings" (then a prompt injection is
    declined); a request for a person is honoured at once, as is a customer saying the
    answers keep failing ("you keep giving me the same answer") or saying for the
    second time that they do not help (the first time, Teller answers again). A
    customer who says someone has died or that money has become a struggle
    (``circumstance``, :mod:`bot.circumstances`) is handed to the team for it, with the
    bank's words for that circumstance, whatever they asked about; they are never
    declined. A request that is not a banking matter is declined politely,
    however often: only banking questions left unanswered hand over. Once a colleague
    has the conversation, only a scam or the customer asking for a person or saying
    Teller is not helping hands over again: the rest is answered (the handoff stage
    reminds the customer who has it)."""
    if injection and not risk.scam:
        return Decision(Action.DECLINE, PROMPT_INJECTION, (), "out_of_scope")
    top = retrieval.top
    confident = top is not None and not retrieval.no_match
    if risk.scam:
        scam_entries = (top.entry,) if confident and top.intent == "scam" else ()
        return Decision(Action.ESCALATE, "scam signals", scam_entries, "scam", "scam_in_progress")
    if requests.person or (confident and top.intent == "human_agent"):
        entries = (top.entry,) if confident and top.intent == "human_agent" else ()
        return Decision(
            Action.ESCALATE,
            "customer asked for a person",
            entries,
            "human_agent",
            "customer_request",
        )
    repeated = requests.again or memory.unhelped + 1 >= policy.unhelped_turns
    if requests.dissatisfied and repeated:  # about the answers on the topic under way
        return Decision(
            Action.ESCALATE,
            "customer says Teller is not helping",
            (),
            memory.topic,
            "repeated_failure",
        )
    if confident and top.intent in HANDOVER_TOPICS and not memory.handed_over:
        return Decision(
            Action.ESCALATE, "high-risk topic", (top.entry,), top.intent, "high_risk_topic"
        )
    if circumstance and not memory.handed_over:
        return Decision(
            Action.ESCALATE,
            f"customer's circumstances: {circumstance}",
            (),
            circumstance,
            "vulnerable_customer",
        )
    angry = emotion.label == "angry" and not memory.handed_over
    if angry and (
        memory.angry_turns + 1 >= policy.angry_streak or emotion.intensity >= policy.angry_intensity
    ):
        entries = (top.entry,) if confident else ()
        return Decision(
            Action.ESCALATE,
            "customer is angry",
            entries,
            top.intent if confident else None,
            "angry_customer",
        )
    if not confident:
        if retrieval.off_topic:
            return Decision(Action.DECLINE, OFF_TOPIC, (), "out_of_scope")
        if memory.failures + 1 >= policy.max_failures and not memory.handed_over:
            return Decision(
                Action.ESCALATE, "repeated failure to help", (), "out_of_scope", "repeated_failure"
            )
        return Decision(Action.DECLINE, "no approved answer matches", (), "out_of_scope")
    runner_up = retrieval.hits[1] if len(retrieval.hits) > 1 else None
    if retrieval.used_history:
        # A follow-up is answered from its topic's entry; no "which one?" round trip.
        return Decision(Action.ANSWER, "follow-up", (top.entry,), top.intent)
    if (
        runner_up is not None
        and top.score < policy.clarify_below
        and runner_up.score >= policy.clarify_runner_up
    ):
        if memory.failures + 1 >= policy.max_failures:
            return Decision(
                Action.ANSWER,
                "best guess after an unresolved clarification",
                (top.entry,),
                top.intent,
            )
        return Decision(
            Action.CLARIFY, "two close candidates", (top.entry, runner_up.entry), top.intent
        )
    return Decision(Action.ANSWER, "confident match", (top.entry,), top.intent)
