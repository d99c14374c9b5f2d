"""The decision policy on synthetic retrievals (pure logic)."""

from dataclasses import replace

from bot.decide import OFF_TOPIC, PROMPT_INJECTION, Memory, Policy, decide
from bot.signals import Requests
from bot.types import Action, Emotion, Risk
from knowledge.corpus import FaqEntry
from knowledge.retriever import Hit, Retrieval


def entry(intent: str) -> FaqEntry:
    return FaqEntry(id=intent.replace("_", "-"), intent=intent, title=intent, answer="A.")


def retrieval(
    *scored: tuple[str, float], no_match: bool = False, off_topic: bool = False
) -> Retrieval:
    hits = tuple(Hit(entry(i), s, 0.8) for i, s in scored)
    return Retrieval("q", hits, no_match, 0.8, off_topic=off_topic)


CALM, POLICY = Emotion(), Policy()
PERSON, UNHELPED = Requests(person=True), Requests(dissatisfied=True)


def test_confident_match_is_answered():
    d = decide(retrieval(("card_arrival", 0.9)), CALM, Risk(), Memory(), POLICY)
    assert d.action is Action.ANSWER and d.intent == "card_arrival"


def test_two_close_candidates_ask_which():
    d = decide(
        retrieval(("card_arrival", 0.45), ("card_delivery_estimate", 0.4)),
        CALM,
        Risk(),
        Memory(),
        POLICY,
    )
    assert d.action is Action.CLARIFY
    assert [e.intent for e in d.entries] == ["card_arrival", "card_delivery_estimate"]


def test_after_a_failed_clarification_the_best_guess_is_answered():
    d = decide(
        retrieval(("card_arrival", 0.45), ("card_delivery_estimate", 0.4)),
        CALM,
        Risk(),
        Memory(failures=1),
        POLICY,
    )
    assert d.action is Action.ANSWER


def test_no_match_declines_then_escalates():
    assert decide(retrieval(no_match=True), CALM, Risk(), Memory(), POLICY).action is Action.DECLINE
    d = decide(retrieval(no_match=True), CALM, Risk(), Memory(failures=1), POLICY)
    assert d.action is Action.ESCALATE and d.escalate_reason == "repeated_failure"


def test_human_request_and_scam_escalate():
    d = decide(retrieval(("human_agent", 0.95)), CALM, Risk(), Memory(), POLICY)
    assert d.escalate_reason == "customer_request"
    d = decide(
        retrieval(("transfer_timing", 0.9)), CALM, Risk(scam=True, score=0.9), Memory(), POLICY
    )
    assert d.action is Action.ESCALATE and d.escalate_reason == "scam_in_progress"


def test_anger_escalates_on_a_streak_or_at_high_intensity():
    angry = Emotion("angry", 0.9, 0.5)
    hit = retrieval(("card_arrival", 0.9))
    assert decide(hit, angry, Risk(), Memory(), POLICY).action is Action.ANSWER
    assert (
        decide(hit, angry, Risk(), Memory(angry_turns=1), POLICY).escalate_reason
        == "angry_customer"
    )
    furious = Emotion("angry", 0.9, 0.95)
    assert decide(hit, furious, Risk(), Memory(), POLICY).action is Action.ESCALATE


def test_a_follow_up_is_answered_rather_than_clarified():
    close = Retrieval(
        "q",
        (Hit(entry("transfer_timing"), 0.45, 0.6), Hit(entry("pending_transfer"), 0.4, 0.6)),
        False,
        0.6,
        used_history=True,
    )
    d = decide(close, CALM, Risk(), Memory(), POLICY)
    assert d.action is Action.ANSWER
    assert [e.intent for e in d.entries] == ["transfer_timing"]


def test_a_high_risk_topic_is_handed_over_verbatim():
    d = decide(retrieval(("compromised_card", 0.9)), CALM, Risk(), Memory(), POLICY)
    assert d.action is Action.ESCALATE and d.escalate_reason == "high_risk_topic"
    assert d.verbatim and [e.intent for e in d.entries] == ["compromised_card"]


def test_a_lost_card_or_a_complaint_is_verbatim_and_handed_over_only_on_request():
    for topic in ("lost_or_stolen_card", "complaint"):
        d = decide(retrieval((topic, 0.9)), CALM, Risk(), Memory(), POLICY)
        assert d.action is Action.ANSWER and d.verbatim
        asked = decide(retrieval((topic, 0.9)), CALM, Risk(), Memory(), POLICY, PERSON)
        assert asked.action is Action.ESCALATE


def test_requests_that_are_not_banking_are_declined_without_a_handover():
    memory = Memory(failures=3)
    d = decide(retrieval(no_match=True, off_topic=True), CALM, Risk(), memory, POLICY)
    assert d.action is Action.DECLINE and d.reason == OFF_TOPIC
    unanswered = decide(retrieval(no_match=True), CALM, Risk(), memory, POLICY)
    assert unanswered.action is Action.ESCALATE


def test_scam_questions_are_verbatim_but_not_handed_over_without_signals():
    d = decide(retrieval(("scam", 0.9)), CALM, Risk(), Memory(), POLICY)
    assert d.action is Action.ANSWER and d.verbatim


def test_an_ordinary_answer_may_be_chosen_by_the_llm():
    assert not decide(retrieval(("card_arrival", 0.9)), CALM, Risk(), Memory(), POLICY).verbatim


def test_a_request_for_a_person_is_honoured_whatever_the_routing():
    d = decide(retrieval(("card_arrival", 0.9)), CALM, Risk(), Memory(), POLICY, PERSON)
    assert d.action is Action.ESCALATE and d.escalate_reason == "customer_request"


def test_saying_twice_the_answers_do_not_help_hands_over_on_the_topic_under_way():
    first = Memory(topic="extra_charge_on_statement")
    once = decide(
        retrieval(("extra_charge_on_statement", 0.9)), CALM, Risk(), first, POLICY, UNHELPED
    )
    assert once.action is Action.ANSWER and not once.escalate_reason  # Teller answers again
    second = replace(first, unhelped=1)
    d = decide(retrieval(("card_arrival", 0.9)), CALM, Risk(), second, POLICY, UNHELPED)
    assert d.action is Action.ESCALATE and d.escalate_reason == "repeated_failure"
    assert d.intent == "extra_charge_on_statement"


def test_saying_the_answers_keep_failing_hands_over_at_once():
    again = Requests(dissatisfied=True, again=True)
    d = decide(retrieval(("card_arrival", 0.9)), CALM, Risk(), Memory(), POLICY, again)
    assert d.action is Action.ESCALATE and d.escalate_reason == "repeated_failure"


def test_a_scam_report_quoting_a_fraudster_is_helped_not_refused():
    scam = Risk(scam=True, score=0.9, signals=("safe_account",))
    d = decide(retrieval(no_match=True), CALM, scam, Memory(), POLICY, injection=True)
    assert d.action is Action.ESCALATE and d.escalate_reason == "scam_in_progress"
    declined = decide(retrieval(no_match=True), CALM, Risk(), Memory(), POLICY, injection=True)
    assert declined.action is Action.DECLINE and declined.reason == PROMPT_INJECTION


def test_once_a_colleague_has_it_only_scams_and_requests_hand_over_again():
    """One conversation, one handover: a later bereavement question, an angry turn or
    an unanswered one is answered (or declined), while a scam, a new request for a
    person or "you keep giving me the same answer" still hands over."""
    taken = Memory(failures=1, angry_turns=1, handed_over=True)
    furious = Emotion("angry", 0.9, 0.95)
    later = decide(retrieval(("bereavement", 0.9)), furious, Risk(), taken, POLICY)
    assert later.action is Action.ANSWER and later.intent == "bereavement"
    assert later.verbatim
    unanswered = decide(retrieval(no_match=True), CALM, Risk(), taken, POLICY)
    assert unanswered.action is Action.DECLINE
    scam = decide(retrieval(("savings", 0.9)), CALM, Risk(scam=True, score=0.9), taken, POLICY)
    assert scam.escalate_reason == "scam_in_progress"
    for requests in (PERSON, Requests(dissatisfied=True, again=True)):
        again = decide(retrieval(("savings", 0.9)), CALM, Risk(), taken, POLICY, requests)
        assert again.action is Action.ESCALATE


def test_a_bereaved_or_struggling_customer_is_handed_over_never_declined():
    """Whatever they asked about, and however unsure routing is (or sure it is off-topic),
    the circumstance is the topic: the Decide stage adds its entry closest to the words."""
    joint = retrieval(("joint_account", 0.9))
    for routed in (joint, retrieval(no_match=True), retrieval(no_match=True, off_topic=True)):
        d = decide(routed, CALM, Risk(), Memory(), POLICY, circumstance="financial_difficulty")
        assert d.action is Action.ESCALATE and d.escalate_reason == "vulnerable_customer"
        assert d.intent == "financial_difficulty" and d.entries == ()
    taken = Memory(handed_over=True)
    later = decide(joint, CALM, Risk(), taken, POLICY, circumstance="bereavement")
    assert later.action is Action.ANSWER and later.intent == "joint_account"
