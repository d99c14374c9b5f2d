"""The shipped scope gate: everyday requests nobody asks a bank are ruled out; bank
messages, small talk and follow-ups are not (none of these sentences is in its
training data or in the held-out sets)."""

from __future__ import annotations

import pytest

OUTSIDE = [
    "what temperature should I roast a chicken at and for how long",
    "who won the FA cup in 1998?",
    "can you recommend a good thriller on netflix",
    "book me a train from York to Leeds tomorrow morning",
    "how do I get red wine out of a carpet",
]
INSIDE = [
    "I think someone has been using my debit card in Spain, I'm at home in Bristol",
    "why has my salary not gone in yet, it normally arrives on the 25th",
    "can I get a loan to buy a used car",
    "my card got stuck in the machine at Tesco",
]


@pytest.mark.parametrize("message", OUTSIDE)
def test_everyday_requests_are_ruled_out(scope_gate, message):
    assert scope_gate.out_of_scope(message) >= scope_gate.threshold


@pytest.mark.parametrize("message", INSIDE)
def test_bank_messages_are_not(scope_gate, message):
    assert scope_gate.out_of_scope(message) < scope_gate.threshold


def test_a_ruled_out_message_gets_no_approved_answer(make_assistant):
    reply = make_assistant().turn("what temperature should I roast a chicken at and for how long")
    assert reply.action.value == "decline" and reply.trace.retrieval.no_match
    assert reply.trace.retrieval.out_of_scope >= 0.5


def test_follow_ups_and_goodbyes_are_left_to_the_router(make_assistant):
    assistant = make_assistant()
    first = assistant.turn("How much does it cost to send money to France?")
    follow_up = assistant.turn("and what about Italy?", first.session_id)
    assert follow_up.trace.retrieval.used_history and follow_up.action.value == "answer"
    recipe = assistant.turn("what temperature should I roast a chicken at", first.session_id)
    assert recipe.action.value == "decline" and recipe.trace.retrieval.no_match
    goodbye = assistant.turn("Okay, that is everything for today, goodbye.", first.session_id)
    assert goodbye.intent == "goodbye"
