"""Routing with the shipped encoder and the full index: the product's real retriever."""

import numpy as np
import pytest

from knowledge.retriever import RecentVectors

pytestmark = pytest.mark.slow

ROUTES = [
    ("I still haven't received my new card", "card_arrival"),
    ("I typed the wrong PIN too many times and now it's blocked", "pin_blocked"),
    ("my phone was stolen last night", "lost_or_stolen_phone"),
    ("Why was I charged a fee for taking cash out of the ATM?", "cash_withdrawal_charge"),
    ("Can I cancel a transfer I just made?", "cancel_transfer"),
    ("What exchange rate do you use?", "exchange_rate"),
    ("a man from the bank rang and says I must move my savings to a safe account", "scam"),
    ("I want to talk to a real person", "human_agent"),
    ("what time do your branches open on saturday", "branches"),
    ("what interest rate do I get on a savings account", "savings"),
    ("hello there", "greeting"),
    ("How do I open a joint account with my partner?", "joint_account"),
    ("I'd like to make a formal complaint", "complaint"),
]

# Entries that say how long a transfer takes.
TIMING_ANSWERS = ("make_transfer", "transfer_timing")

OUT_OF_SCOPE = [
    "What's the capital of Australia?",
    "Write me a poem about cats",
    "asdkjh qwpoe zzxv",
]


@pytest.mark.parametrize(("message", "intent"), ROUTES)
def test_routes_to_the_right_entry(retriever, corpus, message, intent):
    result = retriever.retrieve(message)
    assert not result.no_match
    assert result.top.intent == intent
    assert result.top.entry in corpus.by_intent[intent]


def test_scores_are_ranked_probabilities(retriever):
    result = retriever.retrieve("my card payment was declined")
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert 0 < sum(scores) <= 1.0 + 1e-6
    assert all(0 <= s <= 1 for s in scores)


def test_scam_entry_is_the_closest_of_its_intent(retriever):
    result = retriever.retrieve(
        "a man says he's from the police and needs me to read him the code you just texted me"
    )
    assert result.top.intent == "scam"
    assert result.top.entry.id == "scam-codes-and-pin"


@pytest.mark.parametrize("message", OUT_OF_SCOPE)
def test_out_of_scope_is_no_match(retriever, message):
    assert retriever.retrieve(message).no_match


def test_empty_message_is_no_match(retriever):
    result = retriever.retrieve("   ")
    assert result.no_match
    assert result.hits == ()


def test_follow_up_routes_with_the_conversation(retriever):
    history = ["I want to send money to my sister in Spain"]
    alone = retriever.retrieve("and how long will that take?")
    follow_up = retriever.retrieve("and how long will that take?", history)
    assert follow_up.used_history
    assert follow_up.top.intent in TIMING_ANSWERS
    assert alone.top.intent not in TIMING_ANSWERS


def test_a_new_topic_opened_like_a_follow_up_keeps_its_own_topic(retriever):
    """ "And what about ...?" reads like a follow-up, but names a topic of its own."""
    history = ["What interest do you pay on your easy-access saver?"]
    result = retriever.retrieve("and what about an ISA?", history)
    assert result.top.intent == "isa" and not result.used_history


@pytest.mark.parametrize(
    "message",
    [
        "completely unrelated, but have you got a good recipe for banana bread?",
        "Speaking of holidays, which Greek island has the best beaches?",
        "who do you reckon wins the cup final on saturday btw",
    ],
)
def test_a_customer_changing_the_subject_is_read_on_their_own_words(retriever, message):
    history = ["If I take money out of my fixed bond early, what happens?"]
    result = retriever.retrieve(message, history)
    assert not result.used_history
    assert result.no_match and result.off_topic


def test_follow_up_reads_the_topic_turn_from_recent_queries(retriever, monkeypatch):
    """The topic turn was just routed: its vector is reused, not encoded again, and the
    follow-up routes exactly as when it is encoded afresh."""
    topic = "I want to send money to my sister in Portugal"
    fresh = retriever.retrieve("and is there a fee?", [topic])
    retriever.retrieve(topic)
    encoded: list[str] = []
    encoder = retriever.store.embedding_function
    encode = encoder.encode

    def counting_encode(texts, **options):
        encoded.extend(texts)
        return encode(texts, **options)

    monkeypatch.setattr(encoder, "encode", counting_encode)
    again = retriever.retrieve("and is there a fee?", [topic])
    assert encoded == ["and is there a fee?"]
    assert again.top.entry.id == fresh.top.entry.id
    assert again.top.score == pytest.approx(fresh.top.score, abs=1e-4)


def test_recent_vectors_drop_the_least_recently_used():
    recent = RecentVectors(size=2)
    recent.put("a", np.zeros(2))
    recent.put("b", np.ones(2))
    assert recent.get("a") is not None  # "a" is now the most recent
    recent.put("c", np.ones(2))
    assert recent.get("b") is None
    assert recent.get("a") is not None and recent.get("c") is not None


def test_clear_new_topic_ignores_history(retriever):
    result = retriever.retrieve("I've lost my card", ["I want to send money to Spain"])
    assert not result.used_history
    assert result.top.intent == "lost_or_stolen_card"


def test_batch_matches_single(retriever):
    messages = [m for m, _ in ROUTES[:5]]
    batch = retriever.retrieve_batch(messages)
    single = [retriever.retrieve(m) for m in messages]
    assert [r.top.entry.id for r in batch] == [r.top.entry.id for r in single]
    assert [r.top.score for r in batch] == pytest.approx([r.top.score for r in single], abs=1e-3)


@pytest.mark.parametrize(
    ("message", "intent"),
    [("thanks, that's sorted it", "thanks"), ("can I talk to someone about this", "human_agent")],
)
def test_thanks_and_asking_for_a_person_are_never_follow_ups(retriever, message, intent):
    result = retriever.retrieve(message, ["how long does a card take to arrive?"])
    assert not result.used_history
    assert result.top.intent == intent
